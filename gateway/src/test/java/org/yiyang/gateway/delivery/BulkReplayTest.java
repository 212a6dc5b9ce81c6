package org.yiyang.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.yiyang.gateway.journal.Journal;
import org.yiyang.gateway.journal.JournalConfig;
import org.yiyang.gateway.journal.JournalMessage;
import org.yiyang.gateway.journal.NewMessage;
import org.yiyang.gateway.journal.PayloadCodec;
import org.yiyang.gateway.security.Caller;
import org.yiyang.gateway.security.DataCipher;
import org.yiyang.gateway.security.Keyring;
import org.yiyang.gateway.security.Role;

/**
 * Bulk replay walks the dead letters a page at a time (issue 19): no query it runs reads more than
 * a page of rows, however many messages match. Rows read are counted at the JDBC level, by a proxy
 * of the journal's DataSource.
 */
class BulkReplayTest {

  private static final int PAGE = 500;
  private static final int DEAD = 1_200;

  @TempDir Path dir;

  @Test
  void bulkReplayReadsTheDeadLettersAPageAtATime() {
    try (HikariDataSource ds = new HikariDataSource()) {
      ds.setJdbcUrl(JournalConfig.h2Url(dir));
      ds.setUsername("sa");
      Flyway.configure()
          .dataSource(ds)
          .locations("classpath:db/journal")
          .table("journal_schema_history")
          .load()
          .migrate();
      AtomicInteger mostRowsOneQuery = new AtomicInteger();
      Journal journal =
          new Journal(
              new JdbcTemplate(counting(ds, mostRowsOneQuery)),
              new PayloadCodec(new DataCipher(Keyring.generated(Keyring.AES_256_GCM))));
      Instant now = Instant.now();
      for (int i = 0; i < DEAD; i++) {
        JournalMessage m =
            journal
                .append(
                    new NewMessage(
                        "resident.to-fhir",
                        "52330300MJ8712345N",
                        "rec-" + i,
                        "key-" + i,
                        "hash-" + i,
                        "{}",
                        "corr"),
                    now)
                .message();
        Instant at = now.plusMillis(10);
        assertThat(journal.claim(m.id(), "w", at, at.plusSeconds(60))).isTrue();
        assertThat(journal.dead(m.id(), "w", at, "GW-4004", 422, "{}")).isTrue();
      }
      mostRowsOneQuery.set(0);

      MessageAdmin admin = new MessageAdmin(journal, null);
      JsonNode answer =
          (JsonNode)
              admin
                  .replayAll(
                      new MessageAdmin.Query(null, null, null, null, null),
                      new Caller("ops", Role.OPERATOR, null, "test"))
                  .body();

      assertThat(answer.path("matched").asInt()).isEqualTo(DEAD);
      assertThat(answer.path("replayed").asInt()).isEqualTo(DEAD);
      assertThat(mostRowsOneQuery.get()).isPositive().isLessThanOrEqualTo(PAGE);
    }
  }

  /** The DataSource, counting the rows each query's ResultSet hands out; keeps the largest. */
  private static DataSource counting(DataSource ds, AtomicInteger most) {
    return proxy(
        DataSource.class,
        ds,
        (result) ->
            result instanceof Connection c
                ? proxy(Connection.class, c, r -> statements(r, most))
                : result);
  }

  private static Object statements(Object result, AtomicInteger most) {
    if (result instanceof java.sql.PreparedStatement s) {
      return proxy(java.sql.PreparedStatement.class, s, r -> rows(r, most));
    }
    if (result instanceof Statement s) {
      return proxy(Statement.class, s, r -> rows(r, most));
    }
    return result;
  }

  private static Object rows(Object result, AtomicInteger most) {
    if (!(result instanceof ResultSet rs)) {
      return result;
    }
    AtomicInteger read = new AtomicInteger();
    return Proxy.newProxyInstance(
        BulkReplayTest.class.getClassLoader(),
        new Class<?>[] {ResultSet.class},
        (p, method, args) -> {
          Object r = invoke(rs, method, args);
          if (method.getName().equals("next") && Boolean.TRUE.equals(r)) {
            most.accumulateAndGet(read.incrementAndGet(), Math::max);
          }
          return r;
        });
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(
      Class<T> type, T target, java.util.function.UnaryOperator<Object> wrapResult) {
    return (T)
        Proxy.newProxyInstance(
            BulkReplayTest.class.getClassLoader(),
            new Class<?>[] {type},
            (p, method, args) -> wrapResult.apply(invoke(target, method, args)));
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
