package org.yiyang.gateway.config;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.yiyang.gateway.PackagedJar;
import org.yiyang.gateway.journal.JournalConfig;
import org.yiyang.gateway.notify.SealWebhookSecretsMigration;
import org.yiyang.gateway.security.Keyring;

/**
 * The packaged jar in training mode, as {@code bin/gateway} runs it before recording its start-up
 * cache (ADR 0035): it starts on the embedded defaults, waits for the validator's warm-up, and ends
 * by itself with exit code 0; given the settings of a gateway in use, it touches nothing of it (ADR
 * 0062).
 */
class TrainingRunIT {

  @Test
  void startsWarmsUpAndExitsWithZero(@TempDir Path data) throws Exception {
    Path jar = PackagedJar.require();
    Path log = data.resolve("training.log");
    ProcessBuilder pb =
        new ProcessBuilder(
            PackagedJar.command(jar, "--gateway.training-run=true", "--server.port=0"));
    pb.environment().put("GATEWAY_DATA_DIR", data.resolve("data").toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    Process process = pb.start();
    try {
      boolean ended = process.waitFor(4, TimeUnit.MINUTES);
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(ended).as("the training run ends by itself; log:%n%s", output).isTrue();
      assertThat(process.exitValue()).as("exit code; log:%n%s", output).isZero();
      int warm = output.indexOf("Profile validator warmed up");
      int done = output.indexOf("Training run complete");
      assertThat(warm).as("warm-up logged").isNotNegative();
      assertThat(done).as("the exit comes after the warm-up").isGreaterThan(warm);
    } finally {
      process.destroyForcibly();
    }
  }

  /**
   * A training run on the settings of a gateway in use (its data directory with a message waiting
   * for delivery and a referral cursor; an external FHIR server) leaves the data directory byte for
   * byte as it was and never calls the FHIR server: no delivery, no poll, no Subscription, no
   * migration, no keyring written.
   */
  @Test
  void onTheSettingsOfAGatewayInUseItTouchesNothingOfIt(@TempDir Path work) throws Exception {
    Path jar = PackagedJar.require();
    Path data = work.resolve("data");
    Path journal = data.resolve("journal");
    Files.createDirectories(journal);
    Instant cursor = Instant.parse("2026-11-01T00:00:00Z");
    try (HikariDataSource ds = new HikariDataSource()) {
      ds.setJdbcUrl(JournalConfig.h2Url(journal));
      ds.setUsername("sa");
      // Migrated as the gateway migrates it (the Java migration V24 seals webhook secrets; there
      // are none), so the gateway would start on it as it is.
      Flyway.configure()
          .dataSource(ds)
          .locations("classpath:db/journal")
          .javaMigrations(new SealWebhookSecretsMigration(null))
          .table("journal_schema_history")
          .load()
          .migrate();
      JdbcTemplate jdbc = new JdbcTemplate(ds);
      var now = Instant.now().atOffset(ZoneOffset.UTC);
      jdbc.update(
          "INSERT INTO message (id, flow, facility_code, ordering_key, idempotency_key,"
              + " content_hash, state, next_attempt_at, created_at, updated_at, payload)"
              + " VALUES (?, 'resident.to-fhir', '52330300MJ8712345N', ?, ?, ?, 'mapped', ?, ?, ?,"
              + " '{\"resourceType\":\"Bundle\",\"type\":\"transaction\"}')",
          UUID.randomUUID().toString(),
          "a".repeat(64),
          "resident.to-fhir|training-run-it",
          "b".repeat(64),
          now.minusMinutes(1),
          now,
          now);
      jdbc.update(
          "INSERT INTO notify_cursor (name, position, updated_at) VALUES ('referral-tasks', ?, ?)",
          cursor.atOffset(ZoneOffset.UTC),
          now);
    }
    Keyring.loadOrCreate(data.resolve("secrets").resolve("keyring.json"));
    Map<String, String> before = contents(data);
    WireMockServer fhir =
        new WireMockServer(
            wireMockConfig()
                .usingFilesUnderDirectory("target/wiremock-no-stub-files")
                .dynamicPort());
    fhir.start();
    Path log = work.resolve("training.log");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(PackagedJar.command(jar, "--gateway.training-run=true"));
      pb.environment().put("GATEWAY_DATA_DIR", data.toString());
      pb.environment().put("FHIR_SERVER_URL", fhir.baseUrl() + "/fhir");
      pb.redirectErrorStream(true);
      pb.redirectOutput(log.toFile());
      Process process = pb.start();
      try {
        boolean ended = process.waitFor(4, TimeUnit.MINUTES);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("the training run ends by itself; log:%n%s", output).isTrue();
        assertThat(process.exitValue()).as("exit code; log:%n%s", output).isZero();
        assertThat(output).contains("Training run complete");
        assertThat(fhir.getAllServeEvents())
            .as("calls to the FHIR server; log:%n%s", output)
            .isEmpty();
        assertThat(contents(data)).as("the data directory; log:%n%s", output).isEqualTo(before);
      } finally {
        process.destroyForcibly();
      }
    } finally {
      fhir.stop();
    }
  }

  /** Every file under a directory and the SHA-256 of its bytes. */
  private static Map<String, String> contents(Path dir) throws Exception {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (Files.isRegularFile(p)) {
          files.put(
              dir.relativize(p).toString(),
              HexFormat.of()
                  .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        } else {
          files.put(dir.relativize(p) + "/", "directory");
        }
      }
    }
    return files;
  }
}
