package org.yiyang.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The audit chain on PostgreSQL (an embedded server), as several gateway instances share it: two
 * instances, each with its own connection pool, append at once and leave one unbroken chain; the
 * database itself refuses to change or delete a row, or to move the head back; a row changed by
 * someone who dropped those guards is found by the verifier at its link.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditLogPostgresIT extends AuditDatabases {

  private EmbeddedPostgres pg;
  private HikariDataSource one;
  private HikariDataSource two;

  @BeforeAll
  void start() throws Exception {
    pg = EmbeddedPostgres.builder().start();
    migrate(pg.getPostgresDatabase());
    one = pool("instance-1");
    two = pool("instance-2");
  }

  @AfterAll
  void stop() throws Exception {
    one.close();
    two.close();
    pg.close();
  }

  private HikariDataSource pool(String name) {
    HikariDataSource ds = new HikariDataSource();
    ds.setPoolName(name);
    ds.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
    ds.setMaximumPoolSize(6);
    return ds;
  }

  @Test
  @Order(1)
  void twoInstancesAppendingAtOnceLeaveOneUnbrokenChainThatTheDatabaseGuards() throws Exception {
    JdbcTemplate jdbc = new JdbcTemplate(one);
    long before = rows(jdbc);
    AuditLog first = log(one, AuditMac.HMAC_SHA256, "gw-1");
    AuditLog second = log(two, AuditMac.HMAC_SM3, "gw-2");
    appendConcurrently(List.of(first, second), 4, 50);
    assertThat(rows(jdbc)).isEqualTo(before + 400);
    assertWhole(first, before + 400);
    assertThat(jdbc.queryForList("SELECT DISTINCT observer FROM audit_event", String.class))
        .contains("gw-1", "gw-2");
    assertThat(jdbc.queryForList("SELECT DISTINCT mac_algorithm FROM audit_event", String.class))
        .contains("HMAC-SHA256", "HMAC-SM3");

    // The database refuses to change or delete a row, and to move the head anywhere but on.
    for (String sql :
        List.of(
            "UPDATE audit_event SET client_id = 'c-forged' WHERE seq = 3",
            "DELETE FROM audit_event WHERE seq = 3",
            "TRUNCATE audit_event",
            "UPDATE audit_head SET seq = 2 WHERE id = 1",
            "UPDATE audit_head SET seq = seq + 1 WHERE id = 1",
            "DELETE FROM audit_head",
            "TRUNCATE audit_head")) {
      assertThatThrownBy(() -> jdbc.update(sql)).as(sql).isInstanceOf(DataAccessException.class);
    }
    assertWhole(first, before + 400);
  }

  /** Last: it leaves the chain broken. */
  @Test
  @Order(2)
  void aRowChangedPastTheGuardsIsFoundAtItsLink() {
    JdbcTemplate jdbc = new JdbcTemplate(one);
    AuditLog log = log(one, AuditMac.HMAC_SHA256, "gw-1");
    long seq = log.append(sample(1));
    log.append(sample(2));
    // Someone who may drop triggers (the database owner) changes a row.
    jdbc.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change");
    try {
      jdbc.update("UPDATE audit_event SET detail = 'nothing happened' WHERE seq = ?", seq);
    } finally {
      jdbc.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change");
    }
    assertBrokenAt(log, seq, "MAC does not match");
  }
}
