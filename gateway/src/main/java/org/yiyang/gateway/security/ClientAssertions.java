package org.yiyang.gateway.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.journal.JournalConfig;

/**
 * Checks the signed JWT a {@code private_key_jwt} client authenticates with, as SMART Backend
 * Services asks: signed with one of the client's registered keys (RS384 or ES384 only), {@code iss}
 * and {@code sub} the client id, {@code aud} the token endpoint, {@code exp} present and at most
 * {@code max-assertion-lifetime} ahead, a {@code jti} never seen before (kept in the journal
 * database until the assertion expires, so a replay is refused by every instance).
 */
@Component
public class ClientAssertions implements JwtDecoderFactory<RegisteredClient> {

  private static final String RFC7523 = "https://datatracker.ietf.org/doc/html/rfc7523#section-3";

  private final JdbcTemplate jdbc;
  private final SecurityProperties properties;
  private final Clock clock;

  @Autowired
  public ClientAssertions(
      @Qualifier(JournalConfig.JDBC) JdbcTemplate jdbc, SecurityProperties properties) {
    this(jdbc, properties, Clock.systemUTC());
  }

  ClientAssertions(JdbcTemplate jdbc, SecurityProperties properties, Clock clock) {
    this.jdbc = jdbc;
    this.properties = properties;
    this.clock = clock;
  }

  /** The token endpoint's URL: what a client assertion names as its audience. */
  public String tokenEndpoint() {
    return properties.issuer().replaceAll("/+$", "") + "/oauth2/token";
  }

  @Override
  public JwtDecoder createDecoder(RegisteredClient client) {
    String jwks = client.getClientSettings().getSetting(ClientRegistry.JWKS_SETTING);
    if (jwks == null) {
      throw refused("the client has no registered key set");
    }
    JWKSet keys;
    try {
      keys = JWKSet.parse(jwks);
    } catch (ParseException e) {
      throw refused("the client's registered key set does not parse");
    }
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            Set.of(JWSAlgorithm.RS384, JWSAlgorithm.ES384), new ImmutableJWKSet<>(keys)));
    processor.setJWTClaimsSetVerifier((claims, context) -> {});
    NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
    String clientId = client.getClientId();
    decoder.setJwtValidator(
        InOrder.of(
            require(jwt -> clientId.equals(jwt.getClaimAsString("iss")), "iss is the client id"),
            require(jwt -> clientId.equals(jwt.getSubject()), "sub is the client id"),
            require(
                jwt -> jwt.getAudience() != null && jwt.getAudience().contains(tokenEndpoint()),
                "aud is the token endpoint " + tokenEndpoint()),
            require(jwt -> jwt.getExpiresAt() != null, "exp is present"),
            new JwtTimestampValidator(properties.clockSkew()),
            require(
                jwt ->
                    jwt.getExpiresAt() != null
                        && !jwt.getExpiresAt()
                            .isAfter(clock.instant().plus(properties.maxAssertionLifetime())),
                "exp is at most " + properties.maxAssertionLifetime().toSeconds() + " s ahead"),
            require(
                jwt -> jwt.getId() != null && !jwt.getId().isBlank() && jwt.getId().length() <= 200,
                "jti is present (at most 200 characters)"),
            // Last: only an assertion that passed every other check uses up its jti.
            jwt -> firstUse(clientId, jwt)));
    return decoder;
  }

  private OAuth2TokenValidatorResult firstUse(String clientId, Jwt jwt) {
    try {
      jdbc.update(
          "INSERT INTO client_assertion (client_id, jti, expires_at) VALUES (?, ?, ?)",
          clientId,
          jwt.getId(),
          jwt.getExpiresAt().atOffset(ZoneOffset.UTC));
      return OAuth2TokenValidatorResult.success();
    } catch (DuplicateKeyException replayed) {
      return OAuth2TokenValidatorResult.failure(
          new OAuth2Error(
              OAuth2ErrorCodes.INVALID_CLIENT, "the assertion's jti was used before", RFC7523));
    }
  }

  /** Forgets the jti of assertions that have expired (they are refused by their exp anyway). */
  @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
  public void forgetExpired() {
    Instant cutoff = clock.instant().minus(properties.clockSkew());
    jdbc.update(
        "DELETE FROM client_assertion WHERE expires_at < ?", cutoff.atOffset(ZoneOffset.UTC));
  }

  private static OAuth2TokenValidator<Jwt> require(
      java.util.function.Predicate<Jwt> check, String rule) {
    return jwt ->
        check.test(jwt)
            ? OAuth2TokenValidatorResult.success()
            : OAuth2TokenValidatorResult.failure(
                new OAuth2Error(
                    OAuth2ErrorCodes.INVALID_CLIENT, "the assertion breaks: " + rule, RFC7523));
  }

  private static OAuth2AuthenticationException refused(String rule) {
    return new OAuth2AuthenticationException(
        new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, rule, RFC7523));
  }
}
