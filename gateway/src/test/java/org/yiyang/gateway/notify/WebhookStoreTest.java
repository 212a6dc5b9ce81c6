package org.yiyang.gateway.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.yiyang.gateway.security.Keyring;

/**
 * Webhook secrets in the journal database: migration V24 seals the clear secrets V15 stored and
 * drops the clear column; new registrations are stored sealed with their key id; after a key
 * rotation the start-up pass seals them again under the new key. On H2 here, on PostgreSQL in
 * {@link WebhookStorePostgresIT}.
 */
class WebhookStoreTest {

  static final String FACILITY = WebhookSecretCipherTest.FACILITY;
  static final String OLD_SECRET = "whsec_stored_in_clear_before";
  static final String NEW_SECRET = "whsec_registered_after_v24_sealed";

  @TempDir Path dir;

  @Test
  void onH2() {
    try (HikariDataSource ds = new HikariDataSource()) {
      ds.setJdbcUrl("jdbc:h2:file:" + dir.resolve("journal") + ";WRITE_DELAY=0");
      ds.setUsername("sa");
      exercise(ds);
    }
  }

  /** The whole story on one database. */
  static void exercise(DataSource ds) {
    JdbcTemplate jdbc = new JdbcTemplate(ds);
    // A journal as it stood before this change, with a secret in clear.
    flyway(ds, null).target("20").load().migrate();
    OffsetDateTime now = Instant.now().atOffset(ZoneOffset.UTC);
    jdbc.update(
        "INSERT INTO webhook (facility_code, url, secret, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?)",
        FACILITY,
        "https://hooks.facility.test/hook",
        OLD_SECRET,
        now,
        now);

    Keyring keyring = WebhookSecretCipherTest.keyring("d-first", "AES-256-GCM", 32);
    WebhookSecretCipher cipher = new WebhookSecretCipher(keyring);
    flyway(ds, cipher).load().migrate();

    List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM webhook");
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).keySet())
        .map(String::toLowerCase)
        .doesNotContain("secret")
        .contains("secret_key_id", "secret_sealed");
    assertThat(rows.get(0).values())
        .allSatisfy(v -> assertThat(String.valueOf(v)).doesNotContain(OLD_SECRET));
    assertThat(rows.get(0).get("secret_key_id")).isEqualTo("d-first");
    Webhooks webhooks = new Webhooks(jdbc, NotifyTestProperties.defaults(), cipher);
    assertThat(webhooks.find(FACILITY).orElseThrow().secret()).isEqualTo(OLD_SECRET);

    // A new registration is stored sealed too.
    webhooks.put("91330000MA2A0B1C2D", "https://hooks.facility.test/b", NEW_SECRET, Instant.now());
    assertThat(
            jdbc.queryForList("SELECT * FROM webhook WHERE facility_code = '91330000MA2A0B1C2D'"))
        .singleElement()
        .satisfies(
            row ->
                assertThat(row.values())
                    .allSatisfy(v -> assertThat(String.valueOf(v)).doesNotContain(NEW_SECRET)));
    assertThat(webhooks.find("91330000MA2A0B1C2D").orElseThrow().secret()).isEqualTo(NEW_SECRET);

    // Rotation: the start-up pass seals every secret again under the new active key.
    Keyring rotated = WebhookSecretCipherTest.rotated(keyring, "d-second", "SM4-GCM", 16);
    Webhooks afterRotation =
        new Webhooks(jdbc, NotifyTestProperties.defaults(), new WebhookSecretCipher(rotated));
    assertThat(afterRotation.resealUnderActiveKey()).isEqualTo(2);
    assertThat(jdbc.queryForList("SELECT DISTINCT secret_key_id FROM webhook", String.class))
        .containsExactly("d-second");
    assertThat(afterRotation.resealUnderActiveKey()).isZero();
    assertThat(afterRotation.find(FACILITY).orElseThrow().secret()).isEqualTo(OLD_SECRET);
    assertThat(afterRotation.find("91330000MA2A0B1C2D").orElseThrow().secret())
        .isEqualTo(NEW_SECRET);
  }

  private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(
      DataSource ds, WebhookSecretCipher cipher) {
    org.flywaydb.core.api.configuration.FluentConfiguration config =
        Flyway.configure()
            .dataSource(ds)
            .locations("classpath:db/journal")
            .table("journal_schema_history")
            .connectRetries(0);
    if (cipher != null) {
      config.javaMigrations(new SealWebhookSecretsMigration(cipher));
    }
    return config;
  }
}
