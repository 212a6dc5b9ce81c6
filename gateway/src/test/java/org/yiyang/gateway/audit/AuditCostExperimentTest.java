package org.yiyang.gateway.audit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one audit append costs (ADR 0055), on the H2 file the gateway uses by default and on
 * PostgreSQL, from 1 and 8 threads: it prints, it asserts nothing about time. Run on purpose only:
 * {@code ./mvnw -B -o -pl gateway -am test -Dtest=AuditCostExperimentTest -Daudit.experiment=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class AuditCostExperimentTest extends AuditDatabases {

  @TempDir Path dir;

  @Test
  void appendCost() throws Exception {
    assumeTrue(Boolean.getBoolean("audit.experiment"), "-Daudit.experiment=true to run");
    int appends = Integer.getInteger("audit.appends", 4000);
    try (HikariDataSource h2 = new HikariDataSource()) {
      h2.setJdbcUrl("jdbc:h2:file:" + dir.resolve("journal") + ";WRITE_DELAY=0");
      h2.setUsername("sa");
      h2.setMaximumPoolSize(10);
      migrate(h2);
      measure("h2-file", h2, appends);
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        HikariDataSource ds = new HikariDataSource()) {
      ds.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
      ds.setMaximumPoolSize(10);
      migrate(ds);
      measure("postgres", ds, appends);
    }
  }

  private static void measure(String name, DataSource ds, int appends) throws Exception {
    AuditLog log = log(ds, AuditMac.HMAC_SHA256, "bench");
    AuditLog sm3 = log(ds, AuditMac.HMAC_SM3, "bench");
    appendConcurrently(List.of(log), 1, appends / 4); // warm-up
    for (int threads : new int[] {1, 8}) {
      for (AuditLog l : List.of(log, sm3)) {
        long start = System.nanoTime();
        appendConcurrently(List.of(l), threads, appends / threads);
        double ms = (System.nanoTime() - start) / 1e6;
        System.out.printf(
            "audit-cost db=%s mac=%s threads=%d appends=%d ms_per_append=%.3f appends_per_s=%.0f%n",
            name,
            l == log ? "HMAC-SHA256" : "HMAC-SM3",
            threads,
            appends,
            ms / appends,
            appends * 1000 / ms);
      }
    }
    long start = System.nanoTime();
    AuditLog.Verification v = log.verify();
    System.out.printf(
        "audit-cost db=%s verify rows=%d verified=%s ms=%.0f%n",
        name, v.checked(), v.verified(), (System.nanoTime() - start) / 1e6);
  }
}
