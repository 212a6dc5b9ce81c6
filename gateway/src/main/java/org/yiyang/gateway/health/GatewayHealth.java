package org.yiyang.gateway.health;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.Duration;
import java.time.Instant;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.yiyang.gateway.config.ConformanceConfig.ValidatorWarmUp;
import org.yiyang.gateway.fhir.FhirServer;

/**
 * Health: UP only when the gateway can serve requests, i.e. the profile validator is warm and the
 * regional FHIR server answers {@code /metadata}. An unreachable FHIR server is {@link #DEGRADED},
 * not DOWN: the gateway still accepts and journals records (answering 202) and delivers them when
 * the server is back, so a load balancer must keep sending it traffic.
 */
@Configuration
public class GatewayHealth {

  /** Serving, but the regional FHIR server cannot be reached: writes are journaled, reads fail. */
  public static final Status DEGRADED = new Status("DEGRADED", "regional FHIR server unreachable");

  @Bean
  public HealthIndicator validatorHealthIndicator(ValidatorWarmUp warmUp) {
    return () -> {
      if (!warmUp.done().isDone()) {
        return Health.outOfService().withDetail("validator", "warming up").build();
      }
      if (warmUp.done().isCompletedExceptionally()) {
        return Health.down().withDetail("validator", "warm-up failed").build();
      }
      return Health.up().withDetail("validator", "warm").build();
    };
  }

  @Bean
  public HealthIndicator fhirServerHealthIndicator(FhirServer fhir) {
    return new FhirServerHealth(fhir);
  }

  /** Checks the FHIR server's capability statement, at most every few seconds. */
  static final class FhirServerHealth implements HealthIndicator {
    private static final Duration CACHE = Duration.ofSeconds(5);
    private final FhirServer fhir;
    private volatile Health last;
    private volatile Instant checked = Instant.EPOCH;

    FhirServerHealth(FhirServer fhir) {
      this.fhir = fhir;
    }

    @Override
    public Health health() {
      if (last != null && Instant.now().isBefore(checked.plus(CACHE))) {
        return last;
      }
      Health result;
      try {
        IGenericClient client = fhir.client();
        CapabilityStatement cs = client.capabilities().ofType(CapabilityStatement.class).execute();
        result =
            Health.up()
                .withDetail("baseUrl", fhir.baseUrl())
                .withDetail("embedded", fhir.embedded())
                .withDetail("fhirVersion", String.valueOf(cs.getFhirVersion()))
                .build();
      } catch (RuntimeException e) {
        result =
            Health.status(DEGRADED)
                .withDetail("baseUrl", safeBaseUrl())
                .withDetail("error", e.getClass().getSimpleName())
                .build();
      }
      last = result;
      checked = Instant.now();
      return result;
    }

    private String safeBaseUrl() {
      try {
        return fhir.baseUrl();
      } catch (RuntimeException e) {
        return "not yet known";
      }
    }
  }
}
