package org.yiyang.gateway.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.yiyang.gateway.security.Keyring;

/** The journal's contract on PostgreSQL (an embedded server): the same migrations, same SQL. */
class JournalPostgresIT extends JournalDatabases {

  @Test
  void journalContractHoldsOnPostgres() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      exercise(migrate(pg.getPostgresDatabase()));
    }
  }

  @Test
  void jobsRunOnOneInstanceAtATimeOnPostgres() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      exerciseJobLocks(pg.getPostgresDatabase());
    }
  }

  /**
   * Appends of one ordering key wait for each other across connections (instances): while another
   * instance is mid-append for this resident (holding the key's lock), this append waits, so its
   * seq comes after the other's commit; an append for another resident does not wait.
   */
  @Test
  void appendsOfOneResidentWaitForEachOtherOnPostgres() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      DataSource ds = pg.getPostgresDatabase();
      Journal journal = migrate(ds);
      NewMessage later = message("rec-race", "race-later");
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try (Connection other = ds.getConnection()) {
        other.setAutoCommit(false);
        try (PreparedStatement lock =
            other.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
          lock.setString(1, later.orderingKey());
          lock.executeQuery().close();
        }
        Future<Journal.Appended> appending =
            pool.submit(() -> journal.append(later, Instant.now()));
        JdbcTemplate monitor = new JdbcTemplate(ds);
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(
                            monitor.queryForObject(
                                "SELECT COUNT(*) FROM pg_stat_activity"
                                    + " WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'",
                                Integer.class))
                        .isEqualTo(1));
        assertThat(appending).isNotDone();
        assertThat(journal.append(message("rec-other", "other-1"), Instant.now()).duplicate())
            .isFalse();
        other.commit();
        assertThat(appending.get(30, TimeUnit.SECONDS).duplicate()).isFalse();
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void payloadsAreEncryptedRotatedAndPurgedOnPostgres() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      exercisePayloads(pg.getPostgresDatabase(), Keyring.generated(Keyring.SM4_GCM));
    }
  }
}
