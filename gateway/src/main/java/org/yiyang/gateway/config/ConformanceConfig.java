package org.yiyang.gateway.config;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.yiyang.mappings.MappingCatalog;
import org.yiyang.profiles.RegionalValidator;

/**
 * Mappings and the profile validator, each built once. Mappings compile at startup, so a broken
 * mapping stops the gateway with a clear message; the validator warms up in the background while
 * the rest starts, and readiness waits for it ({@link org.yiyang.gateway.health}).
 */
@Configuration
public class ConformanceConfig {

  private static final Logger log = LoggerFactory.getLogger(ConformanceConfig.class);

  @Bean
  public MappingCatalog mappingCatalog() {
    MappingCatalog catalog = MappingCatalog.loadFromClasspath();
    log.info("Compiled {} mappings: {}", catalog.ids().size(), catalog.ids());
    return catalog;
  }

  @Bean
  public RegionalValidator regionalValidator() {
    return RegionalValidator.shared();
  }

  @Bean
  public ValidatorWarmUp validatorWarmUp(RegionalValidator validator) {
    return new ValidatorWarmUp(
        CompletableFuture.runAsync(
            () -> {
              long start = System.nanoTime();
              validator.warmUp();
              log.info(
                  "Profile validator warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
            }));
  }

  /** The validator's warm-up, started at boot; readiness is DOWN until it completes. */
  public record ValidatorWarmUp(CompletableFuture<Void> done) {}
}
