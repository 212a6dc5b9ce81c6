package org.yiyang.gateway.fhir;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.yiyang.gateway.security.ClientRegistry;
import org.yiyang.gateway.security.Role;
import org.yiyang.gateway.security.SecurityProperties;

/**
 * The gateway's own identity towards its embedded FHIR server: an access token it signs itself
 * (role {@code gateway}, client {@value ClientRegistry#INTERNAL_CLIENT_ID}), valid as long as any
 * other token, renewed a minute before it expires.
 */
public final class InternalFhirCredentials implements FhirCredentials {

  private static final Duration RENEW_BEFORE = Duration.ofSeconds(60);

  private final JwtEncoder encoder;
  private final SecurityProperties properties;
  private volatile String token;
  private volatile Instant renewAt = Instant.EPOCH;

  public InternalFhirCredentials(JwtEncoder encoder, SecurityProperties properties) {
    this.encoder = encoder;
    this.properties = properties;
  }

  @Override
  public synchronized Optional<String> bearerToken() {
    Instant now = Instant.now();
    if (token == null || !now.isBefore(renewAt)) {
      Instant expires = now.plus(properties.tokenTtl());
      JwtClaimsSet claims =
          JwtClaimsSet.builder()
              .issuer(properties.issuer())
              .subject(ClientRegistry.INTERNAL_CLIENT_ID)
              .audience(java.util.List.of(properties.audience()))
              .issuedAt(now)
              .notBefore(now)
              .expiresAt(expires)
              .id(UUID.randomUUID().toString())
              .claim("client_id", ClientRegistry.INTERNAL_CLIENT_ID)
              .claim("role", Role.GATEWAY.claim())
              .build();
      JwsHeader header = JwsHeader.with(SignatureAlgorithm.ES384).build();
      token = encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
      renewAt = expires.minus(RENEW_BEFORE);
    }
    return Optional.of(token);
  }

  @Override
  public synchronized void refresh() {
    token = null;
  }
}
