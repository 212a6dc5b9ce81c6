package org.yiyang.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

class VerifiedJwtCacheTest {

  private final AtomicInteger verifications = new AtomicInteger();
  private final AtomicBoolean revoked = new AtomicBoolean();

  /** Stands for the signature check: counts its calls; "forged" fails it. */
  private final JwtDecoder signature =
      token -> {
        verifications.incrementAndGet();
        if (token.startsWith("forged")) {
          throw new BadJwtException("bad signature");
        }
        return Jwt.withTokenValue(token)
            .header("alg", "ES384")
            .claim("sub", "client-1")
            .issuedAt(Instant.now())
            .expiresAt(Instant.now().plusSeconds(300))
            .build();
      };

  private final VerifiedJwtCache decoder =
      new VerifiedJwtCache(
          signature,
          jwt ->
              revoked.get()
                  ? OAuth2TokenValidatorResult.failure(
                      new OAuth2Error("invalid_token", "the client is revoked or unknown", null))
                  : OAuth2TokenValidatorResult.success(),
          Duration.ofMinutes(6),
          100);

  @Test
  void aTokenSentAgainIsNotVerifiedAgain() {
    assertThat(decoder.decode("token-a").getSubject()).isEqualTo("client-1");
    assertThat(decoder.decode("token-a").getSubject()).isEqualTo("client-1");
    decoder.decode("token-b");
    assertThat(verifications).hasValue(2);
  }

  @Test
  void theClaimsAreCheckedOnEveryCallSoACachedTokenOfARevokedClientIsRefused() {
    decoder.decode("token-a");
    revoked.set(true);
    assertThatThrownBy(() -> decoder.decode("token-a"))
        .isInstanceOf(JwtValidationException.class)
        .hasMessage(
            "An error occurred while attempting to decode the Jwt: the client is revoked or"
                + " unknown");
    assertThat(verifications).hasValue(1);
  }

  @Test
  void aTokenThatFailsItsSignatureIsNeverKept() {
    assertThatThrownBy(() -> decoder.decode("forged-1")).isInstanceOf(BadJwtException.class);
    assertThatThrownBy(() -> decoder.decode("forged-1")).isInstanceOf(BadJwtException.class);
    assertThat(verifications).hasValue(2);
    assertThat(decoder.size()).isZero();
  }
}
