package org.yiyang.gateway.fhirserver;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.packages.IPackageInstallerSvc;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.yiyang.profiles.RegionalValidator;

/**
 * The embedded server as a conformant regional server (issue 26), kept apart from {@link
 * EmbeddedFhirServerConfig}: the regional package installed ({@link RegionalPackageInstaller}), and
 * writes that claim its profiles validated by the gateway's validator ({@link RegionalConformance},
 * {@code gateway.fhir-server.enforce-profiles}, on by default).
 */
@Configuration
@Conditional(EmbeddedFhirServerCondition.class)
public class RegionalServerConfig {

  /** On by default; integration tests that do not look at it switch it off (it costs CPU). */
  @Bean
  @ConditionalOnProperty(
      name = "gateway.fhir-server.install-package",
      havingValue = "true",
      matchIfMissing = true)
  public RegionalPackageInstaller regionalPackageInstaller(
      IPackageInstallerSvc npmInstallerSvc, DaoRegistry daos) {
    return new RegionalPackageInstaller(npmInstallerSvc, daos);
  }

  @Bean
  public RegionalConformance regionalConformance(
      RestfulServer fhirRestfulServer,
      RegionalValidator validator,
      @Value("${gateway.fhir-server.enforce-profiles:true}") boolean enforce) {
    RegionalConformance conformance =
        new RegionalConformance(validator, fhirRestfulServer.getFhirContext(), enforce);
    fhirRestfulServer.registerInterceptor(conformance);
    return conformance;
  }
}
