package org.yiyang.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The audit chain's contract, run against each database the journal supports. */
abstract class AuditDatabases {

  static final byte[] KEY = "an audit key of at least 32 bytes, for tests only".getBytes();

  static void migrate(DataSource ds) {
    Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/journal")
        .table("journal_schema_history")
        .load()
        .migrate();
  }

  static AuditLog log(DataSource ds, AuditMac mac, String observer) {
    return new AuditLog(
        new JdbcTemplate(ds),
        new TransactionTemplate(new DataSourceTransactionManager(ds)),
        KEY,
        mac,
        observer,
        Clock.systemUTC());
  }

  /** A record with every field set; {@code n} makes it differ from its neighbours. */
  static AuditRecord sample(int n) {
    return AuditRecord.builder(n % 3 == 0 ? AuditRecord.DELIVERY : AuditRecord.REQUEST)
        .client("c-" + n, "facility", "52330300MJ8712345N")
        .sourceAddress("10.0.0." + (n % 250))
        .action("read", "GET", "/api/v1/residents/{facilityCode}/{residentNo}")
        .entity("residents", "recordNo=R" + n)
        .facility("52330300MJ8712345N")
        .subject("0123456789abcdef0123456789abcdef")
        .result(n % 5 == 0 ? 403 : 200, n % 5 == 0 ? "GW-1031" : null, null, null)
        .purpose("TREAT")
        .correlation(
            "corr-" + n, n % 2 == 0 ? "00000000-0000-4000-8000-00000000000" + (n % 10) : null)
        .durationMs((long) n)
        .build();
  }

  /** Appends from {@code threads} threads per log, {@code each} rows per thread. */
  static void appendConcurrently(List<AuditLog> logs, int threads, int each) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(logs.size() * threads);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (AuditLog log : logs) {
        for (int t = 0; t < threads; t++) {
          int thread = t;
          running.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < each; i++) {
                      log.append(sample(thread * 1000 + i));
                    }
                    return null;
                  }));
        }
      }
      for (Future<?> f : running) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static long rows(JdbcTemplate jdbc) {
    return jdbc.queryForObject("SELECT COUNT(*) FROM audit_event", Long.class);
  }

  /** The verifier finds the chain whole, every row checked. */
  static void assertWhole(AuditLog log, long rows) {
    AuditLog.Verification v = log.verify();
    assertThat(v.firstBroken()).isNull();
    assertThat(v.verified()).isTrue();
    assertThat(v.checked()).isEqualTo(rows);
    assertThat(v.headSeq()).isEqualTo(rows);
  }

  /** The verifier names this row, for this reason. */
  static void assertBrokenAt(AuditLog log, long seq, String reason) {
    AuditLog.Verification v = log.verify();
    assertThat(v.verified()).isFalse();
    assertThat(v.firstBroken()).isNotNull();
    assertThat(v.firstBroken().seq()).isEqualTo(seq);
    assertThat(v.firstBroken().reason()).contains(reason);
  }
}
