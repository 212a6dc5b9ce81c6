package org.yiyang.gateway.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.yiyang.gateway.notify.NotifyState.Handled;

/** The poll cursor and the per-Task versions, on the journal's own H2 file and migrations. */
class NotifyStateTest {

  @TempDir Path dir;

  private static final Instant T1 = Instant.parse("2026-11-23T07:00:00.100Z");
  private static final Instant T2 = Instant.parse("2026-11-23T07:00:00.200Z");

  @Test
  void theCursorOnlyMovesForwardAndSurvivesANewConnection() {
    try (HikariDataSource ds = dataSource()) {
      NotifyState state = migrate(ds);
      assertThat(state.cursor()).isEmpty();
      state.advance(T2);
      state.advance(T1);
      assertThat(state.cursor()).hasValue(T2);
    }
    try (HikariDataSource ds = dataSource()) {
      assertThat(migrate(ds).cursor()).hasValue(T2);
    }
  }

  @Test
  void aHandledVersionIsNeverReplacedByAnOlderOrEqualOne() {
    try (HikariDataSource ds = dataSource()) {
      NotifyState state = migrate(ds);
      assertThat(state.handled("t1")).isEmpty();
      state.markHandled("t1", 2, "accepted", T1);
      state.markHandled("t1", 1, "requested", T1);
      state.markHandled("t1", 2, "rejected", T1);
      assertThat(state.handled("t1")).hasValue(new Handled(2, "accepted"));
      state.markHandled("t1", 3, "in-progress", T2);
      assertThat(state.handled("t1")).hasValue(new Handled(3, "in-progress"));
    }
  }

  private HikariDataSource dataSource() {
    HikariDataSource ds = new HikariDataSource();
    ds.setJdbcUrl("jdbc:h2:file:" + dir.resolve("journal") + ";WRITE_DELAY=0");
    ds.setUsername("sa");
    return ds;
  }

  private static NotifyState migrate(HikariDataSource ds) {
    Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/journal")
        .table("journal_schema_history")
        .load()
        .migrate();
    return new NotifyState(new JdbcTemplate(ds));
  }
}
