package org.yiyang.gateway.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The retention purge on its clock: a delivered payload stays 30 days and goes after; the purge is
 * recorded (a row, a counter, a log line) with counts only; the status row stays.
 */
@ExtendWith(OutputCaptureExtension.class)
class JournalRetentionTest {

  @TempDir Path dir;

  @Test
  void aDeliveredPayloadIsKeptThirtyDaysThenPurgedAndThePurgeIsRecorded(CapturedOutput output) {
    try (HikariDataSource ds = new HikariDataSource()) {
      ds.setJdbcUrl(JournalConfig.h2Url(dir));
      ds.setUsername("sa");
      Journal journal = JournalDatabases.migrate(ds);
      Instant deliveredAt = Instant.parse("2026-04-01T09:00:00Z");
      String payload = new SyntheticBundles(5).bundle(1);
      String id =
          journal
              .append(
                  new NewMessage(
                      "resident.to-fhir", "52330300MJ8712345N", "o", "k", "h", payload, "c"),
                  deliveredAt)
              .message()
              .id();
      journal.claim(id, "w", deliveredAt, deliveredAt.plusSeconds(60));
      journal.delivered(id, "w", deliveredAt, 201, null, "{}");

      JournalFileTest.MutableClock clock = new JournalFileTest.MutableClock(deliveredAt);
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("meters", meters));
      JournalRetention retention =
          new JournalRetention(
              journal, Duration.ofDays(30), 100, clock, beans.getBeanProvider(MeterRegistry.class));

      clock.advance(Duration.ofDays(29).plusHours(23));
      assertThat(retention.purge().total()).isZero();
      assertThat(journal.payload(id)).hasValue(payload);

      clock.advance(Duration.ofHours(2));
      Journal.Purged purged = retention.purge();
      assertThat(purged.delivered()).isEqualTo(1);
      assertThat(journal.payload(id)).isEmpty();
      JournalMessage status = journal.find(id).orElseThrow();
      assertThat(status.state()).isEqualTo(MessageState.DELIVERED);
      assertThat(status.payloadPurgedAt()).isEqualTo(clock.instant());
      assertThat(
              new JdbcTemplate(ds).queryForMap("SELECT ran_at, delivered, dead FROM journal_purge"))
          .containsEntry("DELIVERED", 1)
          .containsEntry("DEAD", 0);
      assertThat(meters.counter("gateway.journal.payloads.purged").count()).isEqualTo(1.0);
      assertThat(output.getAll())
          .contains("Journal retention: deleted the payloads of 1 delivered and 0 dead messages")
          .doesNotContain("王")
          .doesNotContain("3304061948");
      assertThat(retention.purge().total()).isZero();
    }
  }
}
