package org.yiyang.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The audit chain on the default database, an H2 file: appends link up, any change to any column of
 * a row is the first broken link at that row, a missing row too, the SM3 variant verifies, and
 * concurrent appends from two instances' worth of threads leave one unbroken chain.
 */
class AuditLogTest extends AuditDatabases {

  @TempDir Path dir;

  private HikariDataSource ds;
  private JdbcTemplate jdbc;
  private AuditLog log;

  @BeforeEach
  void database() {
    ds = new HikariDataSource();
    ds.setJdbcUrl("jdbc:h2:file:" + dir.resolve("journal") + ";WRITE_DELAY=0");
    ds.setUsername("sa");
    ds.setMaximumPoolSize(10);
    migrate(ds);
    jdbc = new JdbcTemplate(ds);
    log = log(ds, AuditMac.HMAC_SHA256, "gw-1");
  }

  @AfterEach
  void close() {
    ds.close();
  }

  @Test
  void appendedRowsLinkUpAndVerify() {
    assertWhole(log, 0);
    for (int i = 1; i <= 30; i++) {
      assertThat(log.append(sample(i))).isEqualTo(i);
    }
    assertWhole(log, 30);
    List<Map<String, Object>> rows =
        jdbc.queryForList("SELECT seq, prev_mac, mac, mac_algorithm FROM audit_event ORDER BY seq");
    assertThat(rows.get(0).get("PREV_MAC")).isEqualTo(AuditLog.GENESIS);
    for (int i = 1; i < rows.size(); i++) {
      assertThat(rows.get(i).get("PREV_MAC")).isEqualTo(rows.get(i - 1).get("MAC"));
    }
    assertThat(rows).allSatisfy(r -> assertThat(r.get("MAC_ALGORITHM")).isEqualTo("HMAC-SHA256"));
    AuditLog.Page page = log.page(new AuditLog.Filter(null, null, "c-7", null, null), 0, 10);
    assertThat(page.total()).isEqualTo(1);
    assertThat(page.entries().get(0).record()).isEqualTo(sample(7));
  }

  /** Each column, changed in one row by SQL, makes exactly that row the first broken link. */
  @Test
  void aChangeToAnyColumnIsTheFirstBrokenLinkAtItsRow() {
    for (int i = 1; i <= 12; i++) {
      log.append(sample(i));
    }
    Map<String, Object> changes =
        Map.ofEntries(
            Map.entry("kind", "webhook"),
            Map.entry("client_id", "c-someone-else"),
            Map.entry("role", "operator"),
            Map.entry("organization", "91330300MA2H8K9Y2E"),
            Map.entry("source_address", "192.0.2.1"),
            Map.entry("interaction", "delete"),
            Map.entry("method", "DELETE"),
            Map.entry("route", "/api/v1/messages"),
            Map.entry("entity_type", "clients"),
            Map.entry("entity_id", "recordNo=other"),
            Map.entry("facility", "91330300MA2H8K9Y2E"),
            Map.entry("subject", "ffffffffffffffffffffffffffffffff"),
            Map.entry("status", 204),
            Map.entry("error_code", "GW-9001"),
            Map.entry("detail", "something else"),
            Map.entry("outcome", "error"),
            Map.entry("purpose", "HOPERAT"),
            Map.entry("correlation_id", "corr-other"),
            Map.entry("message_id", "11111111-1111-4111-8111-111111111111"),
            Map.entry("duration_ms", 99999L),
            Map.entry("observer", "gw-2"),
            Map.entry("mac_algorithm", "HMAC-SM3"),
            Map.entry("recorded_at", java.time.OffsetDateTime.parse("2020-01-01T00:00:00Z")));
    for (Map.Entry<String, Object> change : changes.entrySet()) {
      Object before =
          jdbc.queryForObject(
              "SELECT " + change.getKey() + " FROM audit_event WHERE seq = 7", Object.class);
      jdbc.update(
          "UPDATE audit_event SET " + change.getKey() + " = ? WHERE seq = 7", change.getValue());
      assertBrokenAt(log, 7, "MAC does not match");
      jdbc.update("UPDATE audit_event SET " + change.getKey() + " = ? WHERE seq = 7", before);
      assertWhole(log, 12);
    }
  }

  @Test
  void aMissingRowARelinkedRowAndAMovedHeadAreFound() {
    for (int i = 1; i <= 10; i++) {
      log.append(sample(i));
    }
    String prev =
        jdbc.queryForObject("SELECT prev_mac FROM audit_event WHERE seq = 4", String.class);
    jdbc.update("UPDATE audit_event SET prev_mac = ? WHERE seq = 4", AuditLog.GENESIS);
    assertBrokenAt(log, 4, "prev_mac");
    jdbc.update("UPDATE audit_event SET prev_mac = ? WHERE seq = 4", prev);

    jdbc.update("DELETE FROM audit_event WHERE seq = 6");
    assertBrokenAt(log, 6, "missing");

    jdbc.update("DELETE FROM audit_event WHERE seq > 5");
    assertBrokenAt(log, 6, "missing");

    jdbc.update("UPDATE audit_head SET mac = ? WHERE id = 1", AuditLog.GENESIS);
    jdbc.update("UPDATE audit_head SET seq = 5 WHERE id = 1");
    assertBrokenAt(log, 5, "head");
  }

  @Test
  void hmacSm3ChainVerifiesAndATamperedRowIsFound() throws Exception {
    AuditLog sm3 = log(ds, AuditMac.HMAC_SM3, "gw-sm3");
    for (int i = 1; i <= 5; i++) {
      log.append(sample(i));
    }
    for (int i = 6; i <= 15; i++) {
      sm3.append(sample(i));
    }
    assertThat(
            jdbc.queryForObject(
                "SELECT mac_algorithm FROM audit_event WHERE seq = 9", String.class))
        .isEqualTo("HMAC-SM3");
    // A chain that changed algorithm verifies, row by row with its own.
    assertWhole(sm3, 15);
    assertWhole(log, 15);
    jdbc.update("UPDATE audit_event SET client_id = 'c-forged' WHERE seq = 11");
    assertBrokenAt(sm3, 11, "MAC does not match");
  }

  @Test
  void hmacSm3IsBouncyCastlesHmacSm3() throws Exception {
    byte[] data = "yiyang".getBytes();
    Mac jce = Mac.getInstance("HMACSM3", new BouncyCastleProvider());
    jce.init(new SecretKeySpec(KEY, "HMACSM3"));
    assertThat(AuditMac.HMAC_SM3.hex(KEY, data))
        .isEqualTo(java.util.HexFormat.of().formatHex(jce.doFinal(data)))
        .isNotEqualTo(AuditMac.HMAC_SHA256.hex(KEY, data))
        .hasSize(64);
    assertThat(AuditMac.of("HMAC-SM3")).isEqualTo(AuditMac.HMAC_SM3);
    assertThatThrownBy(() -> AuditMac.of("MD5")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentAppendsFromTwoInstancesLeaveOneUnbrokenChain() throws Exception {
    AuditLog other = log(ds, AuditMac.HMAC_SHA256, "gw-2");
    appendConcurrently(List.of(log, other), 4, 40);
    assertThat(rows(jdbc)).isEqualTo(320);
    assertWhole(log, 320);
    assertThat(jdbc.queryForList("SELECT DISTINCT observer FROM audit_event", String.class))
        .containsExactlyInAnyOrder("gw-1", "gw-2");
  }

  @Test
  void anAppendInsideARolledBackTransactionLeavesNoTrace() {
    log.append(sample(1));
    assertThatThrownBy(
            () ->
                log.transactions()
                    .executeWithoutResult(
                        tx -> {
                          log.append(sample(2));
                          throw new IllegalStateException("the journal entry failed");
                        }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(rows(jdbc)).isEqualTo(1);
    assertWhole(log, 1);
    assertThat(log.append(sample(3))).isEqualTo(2);
  }
}
