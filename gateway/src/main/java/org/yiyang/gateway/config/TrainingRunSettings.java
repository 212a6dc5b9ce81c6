package org.yiyang.gateway.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * A training run ({@code gateway.training-run=true}, ADR 0035) has no side effects (ADR 0062): it
 * starts on the production settings it is given, so that the start-up cache it records is the
 * production start's, but above every other source of settings (arguments included) this puts:
 *
 * <ul>
 *   <li>a data directory of its own, made now and deleted when the JVM exits: nothing is read from
 *       or written to the configured one (no journal migrations, no keyring created, no embedded
 *       FHIR database touched);
 *   <li>the embedded H2 journal in it, whatever {@code gateway.journal.url} says: a shared
 *       PostgreSQL journal is not even connected to;
 *   <li>the keyring in it ({@code gateway.security.keyring-file} emptied);
 *   <li>no referral change detection (no poll, no Subscription) and no webhooks from configuration
 *       (their URLs are not even resolved);
 *   <li>an external FHIR server (and its token endpoint) replaced by a loopback port that nothing
 *       listens on, so a call that slipped through fails on this machine instead of reaching it;
 *   <li>a free port for the web server.
 * </ul>
 *
 * The delivery worker and the journal's housekeeping do not start either ({@link RunMode}).
 */
public class TrainingRunSettings implements EnvironmentPostProcessor, Ordered {

  /** Where calls to an external FHIR server go in a training run: a closed port on loopback. */
  static final String NOWHERE = "http://127.0.0.1:9";

  static final String SOURCE = "trainingRun";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    if (!Boolean.parseBoolean(environment.getProperty(TrainingRun.PROPERTY, "false"))) {
      return;
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("yiyang-training-run-");
    } catch (IOException e) {
      throw new UncheckedIOException("A training run needs a temporary directory", e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "training-run-cleanup"));
    environment
        .getPropertySources()
        .addFirst(new MapPropertySource(SOURCE, settings(environment, dir)));
  }

  /** What a training run overrides, given the settings it was started with. */
  static Map<String, Object> settings(ConfigurableEnvironment environment, Path dataDir) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("gateway.data-dir", dataDir.toString());
    s.put("gateway.journal.url", "");
    s.put("gateway.journal.username", "");
    s.put("gateway.journal.password", "");
    s.put("gateway.security.keyring-file", "");
    s.put("gateway.notify.enabled", "false");
    s.put("gateway.notify.subscription", "false");
    s.put("gateway.notify.webhooks", "");
    if (!environment.getProperty("gateway.fhir.base-url", "").isBlank()) {
      s.put("gateway.fhir.base-url", NOWHERE + "/fhir");
    }
    if (!environment.getProperty("gateway.fhir.auth.token-url", "").isBlank()) {
      s.put("gateway.fhir.auth.token-url", NOWHERE + "/token");
    }
    s.put("server.port", "0");
    if (environment.getProperty("management.server.port") != null) {
      s.put("management.server.port", "0");
    }
    return s;
  }

  private static void delete(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // A temporary directory left behind; the system's cleaning takes it.
    }
  }

  /** After the configuration files are read, so that what they say can be overridden. */
  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
