package org.yiyang.gateway.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.yiyang.profiles.rules.Uscc;

/**
 * The checks every access token passes (ADR 0050): a signature by a known key and an allowed
 * algorithm (never {@code none}, never a MAC), the issuer, the audience, {@code exp} present and
 * not past, {@code nbf}, a lifetime ({@code exp - iat}) of at most {@code max-token-lifetime}, a
 * known role with its organization, and, for the gateway's own tokens, a client not revoked.
 */
public final class AccessTokens {

  private AccessTokens() {}

  /** The decoder of the tokens this gateway issues, keyed by its own signing keys. */
  public static JwtDecoder own(
      Keyring keyring, SecurityProperties properties, ClientRegistry clients) {
    JWKSet publicKeys = keyring.signingKeys().toPublicJWKSet();
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            Set.of(JWSAlgorithm.ES384, JWSAlgorithm.RS384), new ImmutableJWKSet<>(publicKeys)));
    // Claims are checked below, by Spring's validators, with the messages the caller sees.
    processor.setJWTClaimsSetVerifier((claims, context) -> {});
    NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
    List<OAuth2TokenValidator<Jwt>> checks =
        common(properties, properties.issuer(), properties.audience(), "role", "uscc", true);
    checks.add(
        jwt ->
            clients.isActive(clientId(jwt))
                ? OAuth2TokenValidatorResult.success()
                : failure("the client is revoked or unknown"));
    // The signature once per token, the claims on every request (VerifiedJwtCache).
    decoder.setJwtValidator(jwt -> OAuth2TokenValidatorResult.success());
    return new VerifiedJwtCache(
        decoder, new InOrder(checks), properties.tokenTtl().plusMinutes(1), 100_000);
  }

  /**
   * The decoder of an external issuer's tokens ({@code gateway.security.issuer-uri}): its keys come
   * from its discovery document, fetched at first use, so the gateway starts while it is away.
   */
  public static JwtDecoder external(SecurityProperties properties) {
    SecurityProperties.External external = properties.external();
    String audience = external.audience().isBlank() ? properties.audience() : external.audience();
    JwtDecoder lazy =
        new SupplierJwtDecoder(
            () -> {
              NimbusJwtDecoder decoder =
                  (NimbusJwtDecoder) JwtDecoders.fromIssuerLocation(properties.issuerUri());
              decoder.setJwtValidator(
                  new InOrder(
                      common(
                          properties,
                          properties.issuerUri(),
                          audience,
                          external.roleClaim(),
                          external.usccClaim(),
                          false)));
              return decoder;
            });
    // An issuer that cannot be reached refuses the token (401, the caller tries again later),
    // it does not fail the request with a 500; the next token tries the discovery again.
    return token -> {
      try {
        return lazy.decode(token);
      } catch (org.springframework.security.oauth2.jwt.JwtDecoderInitializationException e) {
        throw new org.springframework.security.oauth2.jwt.BadJwtException(
            "the issuer's keys could not be fetched from its discovery document", e);
      }
    };
  }

  /** Turns a checked token into the request's {@link CallerToken}. */
  public static Converter<Jwt, AbstractAuthenticationToken> callers(
      String roleClaim, String usccClaim) {
    return jwt -> {
      Role role = Role.fromClaim(jwt.getClaimAsString(roleClaim)).orElseThrow();
      String uscc = role.actsForOrganization() ? jwt.getClaimAsString(usccClaim) : null;
      String issuer = jwt.getIssuer() == null ? null : jwt.getIssuer().toString();
      return new CallerToken(new Caller(clientId(jwt), role, uscc, issuer), jwt);
    };
  }

  /** The client a token was issued to: {@code client_id}, else {@code azp}, else {@code sub}. */
  static String clientId(Jwt jwt) {
    return Optional.ofNullable(jwt.getClaimAsString("client_id"))
        .or(() -> Optional.ofNullable(jwt.getClaimAsString("azp")))
        .orElse(jwt.getSubject());
  }

  private static List<OAuth2TokenValidator<Jwt>> common(
      SecurityProperties properties,
      String issuer,
      String audience,
      String roleClaim,
      String usccClaim,
      boolean own) {
    Duration skew = properties.clockSkew();
    Duration maxLifetime = properties.maxTokenLifetime();
    List<OAuth2TokenValidator<Jwt>> checks = new ArrayList<>();
    checks.add(
        jwt ->
            jwt.getExpiresAt() == null
                ? failure("it has no exp")
                : OAuth2TokenValidatorResult.success());
    checks.add(new JwtTimestampValidator(skew));
    checks.add(new JwtIssuerValidator(issuer));
    checks.add(
        jwt ->
            jwt.getAudience() != null && jwt.getAudience().contains(audience)
                ? OAuth2TokenValidatorResult.success()
                : failure("its aud does not name this gateway (" + audience + ")"));
    checks.add(
        jwt -> {
          Instant issued = jwt.getIssuedAt();
          if (issued == null) {
            return failure("it has no iat");
          }
          if (issued.isAfter(Instant.now().plus(skew))) {
            return failure("its iat lies in the future");
          }
          if (Duration.between(issued, jwt.getExpiresAt()).compareTo(maxLifetime) > 0) {
            return failure("it is valid for longer than " + maxLifetime.toSeconds() + " s");
          }
          return OAuth2TokenValidatorResult.success();
        });
    checks.add(
        jwt -> {
          Optional<Role> role = Role.fromClaim(jwt.getClaimAsString(roleClaim));
          if (role.isEmpty()) {
            return failure("its " + roleClaim + " claim names no role of this gateway");
          }
          if (role.get() == Role.NOTIFIER
              || (role.get() == Role.GATEWAY
                  && !(own && ClientRegistry.INTERNAL_CLIENT_ID.equals(clientId(jwt))))) {
            return failure("its role cannot be held by a client");
          }
          String uscc = jwt.getClaimAsString(usccClaim);
          if (role.get().requiresOrganization() && uscc == null) {
            return failure(
                "a " + role.get().claim() + " token names its organization in " + usccClaim);
          }
          if (uscc != null && role.get().actsForOrganization() && !Uscc.isValid(uscc)) {
            return failure("its " + usccClaim + " is not a valid unified social credit code");
          }
          return OAuth2TokenValidatorResult.success();
        });
    return checks;
  }

  private static OAuth2TokenValidatorResult failure(String rule) {
    return OAuth2TokenValidatorResult.failure(
        new OAuth2Error("invalid_token", rule, "https://datatracker.ietf.org/doc/html/rfc6750"));
  }
}
