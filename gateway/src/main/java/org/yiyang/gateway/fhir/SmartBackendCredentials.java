package org.yiyang.gateway.fhir;

import com.nimbusds.jose.jwk.JWK;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.security.oauth2.client.endpoint.NimbusJwtClientAuthenticationParametersConverter;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.yiyang.gateway.config.GatewayProperties;

/**
 * SMART Backend Services towards an external FHIR server: a client-credentials token from the
 * platform's token endpoint, the gateway authenticated by a JWT assertion signed with its own key
 * ({@code private_key_jwt}: {@code iss} = {@code sub} = client id, {@code aud} = token URL, a fresh
 * {@code jti}, {@code exp} a minute ahead; Spring Security's OAuth2 client builds and sends it).
 * The token is kept until 30 s before it expires.
 */
public final class SmartBackendCredentials implements FhirCredentials {

  private static final Duration RENEW_BEFORE = Duration.ofSeconds(30);

  private final ClientRegistration registration;
  private final RestClientClientCredentialsTokenResponseClient tokens;
  private volatile OAuth2AccessToken token;

  public SmartBackendCredentials(GatewayProperties.Auth auth, JWK signingKey) {
    this.registration =
        ClientRegistration.withRegistrationId("regional-fhir-server")
            .clientId(auth.clientId())
            .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
            .clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
            .tokenUri(auth.tokenUrl())
            .scope(Arrays.stream(auth.scope().split(" ")).filter(s -> !s.isBlank()).toList())
            .build();
    this.tokens = new RestClientClientCredentialsTokenResponseClient();
    this.tokens.addParametersConverter(
        new NimbusJwtClientAuthenticationParametersConverter<>(r -> signingKey));
  }

  @Override
  public synchronized Optional<String> bearerToken() {
    OAuth2AccessToken current = token;
    if (current == null
        || current.getExpiresAt() == null
        || !Instant.now().isBefore(current.getExpiresAt().minus(RENEW_BEFORE))) {
      current =
          tokens
              .getTokenResponse(new OAuth2ClientCredentialsGrantRequest(registration))
              .getAccessToken();
      token = current;
    }
    return Optional.of(current.getTokenValue());
  }

  @Override
  public synchronized void refresh() {
    token = null;
  }
}
