package org.yiyang.gateway.config;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.yiyang.gateway.logging.SafeTrace;
import org.yiyang.mappings.MappingCatalog;
import org.yiyang.mappings.ResourceIdKey;
import org.yiyang.profiles.RegionalValidator;

/**
 * Mappings and the profile validator, each built once. Mappings compile at startup, so a broken
 * mapping stops the gateway with a clear message; the validator warms up in the background while
 * the rest starts, and readiness waits for it ({@link org.yiyang.gateway.health}).
 */
@Configuration
public class ConformanceConfig {

  private static final Logger log = LoggerFactory.getLogger(ConformanceConfig.class);

  private static final AtomicReference<CompletableFuture<Void>> WARM_UP = new AtomicReference<>();

  @Bean
  public MappingCatalog mappingCatalog(ResourceIdKey idKey, GatewayProperties properties) {
    MappingCatalog catalog =
        MappingCatalog.loadFromClasspath(idKey, properties.attachments().policy());
    log.info("Compiled {} mappings: {}", catalog.ids().size(), catalog.ids());
    return catalog;
  }

  @Bean
  public RegionalValidator regionalValidator() {
    return RegionalValidator.shared();
  }

  @Bean
  public ValidatorWarmUp validatorWarmUp() {
    return new ValidatorWarmUp(startValidatorWarmUp());
  }

  /**
   * Starts the shared validator's warm-up on its own thread, once per JVM (the validator is
   * JVM-wide, {@link RegionalValidator#shared()}); later calls return the same future. {@code
   * GatewayApplication} calls it as soon as logging is set up, so the warm-up (loading the core
   * definitions, generating snapshots, validating the package examples: seconds on one core) runs
   * beside the application context's start instead of after the beans before it.
   */
  public static CompletableFuture<Void> startValidatorWarmUp() {
    CompletableFuture<Void> started = new CompletableFuture<>();
    if (!WARM_UP.compareAndSet(null, started)) {
      return WARM_UP.get();
    }
    Thread thread =
        new Thread(
            () -> {
              long start = System.nanoTime();
              try {
                RegionalValidator.shared().warmUp();
                log.info(
                    "Profile validator warmed up in {} ms",
                    (System.nanoTime() - start) / 1_000_000);
                started.complete(null);
              } catch (RuntimeException | Error e) {
                log.error("Profile validator warm-up failed: {}", SafeTrace.of(e));
                started.completeExceptionally(e);
              }
            },
            "validator-warm-up");
    thread.setDaemon(true);
    thread.start();
    return started;
  }

  /** The validator's warm-up, started at boot; readiness is DOWN until it completes. */
  public record ValidatorWarmUp(CompletableFuture<Void> done) {}
}
