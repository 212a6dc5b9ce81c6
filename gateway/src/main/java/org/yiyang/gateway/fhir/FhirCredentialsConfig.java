package org.yiyang.gateway.fhir;

import com.nimbusds.jose.jwk.JWK;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.gateway.security.Keyring;
import org.yiyang.gateway.security.SecurityProperties;

/** Which credentials the FHIR client sends: internal, SMART Backend Services, or none. */
@Configuration
public class FhirCredentialsConfig {

  @Bean
  public FhirCredentials fhirCredentials(
      GatewayProperties gateway, SecurityProperties security, JwtEncoder encoder, Keyring keyring) {
    if (gateway.fhir().embedded()) {
      return new InternalFhirCredentials(encoder, security);
    }
    if (gateway.fhir().auth().smart()) {
      JWK key = keyring.signingKeys().getKeys().get(0);
      return new SmartBackendCredentials(gateway.fhir().auth(), key);
    }
    return new FhirCredentials() {
      @Override
      public Optional<String> bearerToken() {
        return Optional.empty();
      }

      @Override
      public void refresh() {}
    };
  }
}
