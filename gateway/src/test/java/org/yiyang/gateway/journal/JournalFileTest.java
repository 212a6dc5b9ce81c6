package org.yiyang.gateway.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.yiyang.gateway.storage.StorageBreakdown;

/**
 * The embedded journal's file on disk (ADR 0051), with the production H2 settings and the
 * housekeeping step the gateway runs every second: what a record costs, and that the file stops
 * growing when records are purged as fast as they arrive. Bounds are generous (three times the
 * benchmark targets); before the fix a record cost 75-120 KB and the file never stopped growing.
 */
class JournalFileTest {

  /** The benchmark target per record (docs/benchmarks.md); tests allow three times as much. */
  static final long TARGET_BYTES_PER_RECORD = 8 * 1024;

  @TempDir Path dir;
  private HikariDataSource ds;
  private Journal journal;
  private JournalCompaction compaction;
  private final SyntheticBundles bundles = new SyntheticBundles(11);
  private long n;

  @BeforeEach
  void open() {
    assertThat(org.h2.mvstore.RandomAccessStore.class.desiredAssertionStatus())
        .as("H2's assertions are off in tests, as in production (gateway/pom.xml, ADR 0051)")
        .isFalse();
    ds = new HikariDataSource();
    ds.setJdbcUrl(JournalConfig.h2Url(dir));
    ds.setUsername("sa");
    journal = JournalDatabases.migrate(ds);
    compaction = new JournalCompaction(ds, true, Duration.ofSeconds(30));
  }

  @AfterEach
  void close() {
    ds.close();
  }

  @Test
  void aDeliveredRecordCostsTheJournalFileUnderThreeTimesTheTarget() throws Exception {
    int records = 1000;
    Instant now = Instant.parse("2026-03-01T08:00:00Z");
    for (int i = 0; i < records; i++) {
      deliverOne(now);
      if (i % 25 == 24) {
        compaction.step();
      }
    }
    // What a clean stop does (JournalCompaction#atStop), bounded.
    compaction.compactFully(Duration.ofSeconds(30));
    assertThat(fileBytes() / records).isLessThan(3 * TARGET_BYTES_PER_RECORD);
  }

  @Test
  void theFileStopsGrowingWhenRecordsArePurgedAsFastAsTheyArrive() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T08:00:00Z"));
    // An hour of retention, 250 records an hour: every round purges about as much as it adds.
    JournalRetention retention =
        new JournalRetention(
            journal,
            Duration.ofHours(1),
            500,
            clock,
            new StaticListableBeanFactory()
                .getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class));
    int perRound = 250;
    // The file's size after every housekeeping step, the largest of each round.
    List<Long> roundMax = new ArrayList<>();
    for (int round = 0; round < 8; round++) {
      long max = 0;
      for (int i = 0; i < perRound; i++) {
        clock.advance(Duration.ofSeconds(14));
        deliverOne(clock.instant());
        if (i % 25 == 24) {
          compaction.step();
          max = Math.max(max, fileBytes());
        }
      }
      retention.purge();
      roundMax.add(max);
    }
    // The last hour's payloads (250 records at 14 s), give or take the one at the boundary.
    assertThat(journal.payloadKeys().values().stream().mapToLong(Long::longValue).sum())
        .isBetween(256L, 258L);
    // What is kept from round 2 on is an hour of payloads and the status rows (kept by design,
    // 1-2 KB each): the file's high-water mark of the last four rounds is above that of the first
    // four by no more than the status rows (9-50 KB a record before the fix).
    long early = roundMax.subList(0, 4).stream().mapToLong(Long::longValue).max().orElseThrow();
    long late = roundMax.subList(4, 8).stream().mapToLong(Long::longValue).max().orElseThrow();
    assertThat((late - early) / (4L * perRound))
        .as("growth per record, high-water marks per round %s", roundMax)
        .isLessThan(4 * 1024);
    assertThat(late / (8L * perRound))
        .as("high-water marks per round %s", roundMax)
        .isLessThan(3 * TARGET_BYTES_PER_RECORD);
  }

  /**
   * Space comes back in a journal that is never quite idle (ADR 0063): records arrive and are
   * purged as fast as they arrive, while something writes a little every second, as the referral
   * poller's audit rows do in a running gateway. The payloads kept stay constant, and the file's
   * high-water mark grows only by the status rows (kept by design); once the load stops, the file
   * shrinks to its live pages within seconds although those small writes go on; and once every
   * payload is purged, it shrinks to the status rows. Before the fix, housekeeping waited for ten
   * seconds without any write, which a running gateway never has: the file kept its size under load
   * for good.
   */
  @Test
  void spaceComesBackWhileTheJournalIsNeverQuiteIdle() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T08:00:00Z"));
    JournalRetention retention = retention(clock, Duration.ofHours(1));
    int perRound = 250;
    List<Long> roundMax = new ArrayList<>();
    List<Long> roundEnd = new ArrayList<>();
    List<Long> payloadBytes = new ArrayList<>();
    for (int round = 0; round < 8; round++) {
      long max = 0;
      for (int i = 0; i < perRound; i++) {
        clock.advance(Duration.ofSeconds(14));
        deliverOne(clock.instant());
        if (i % 25 == 24) {
          compaction.step();
          max = Math.max(max, fileBytes());
        }
      }
      retention.purge();
      roundMax.add(max);
      // A quiet spell between rounds (small writes go on): the space of the purged payloads is
      // given back.
      for (int s = 0; s < 12; s++) {
        trickle(clock);
        compaction.step();
      }
      roundEnd.add(fileBytes());
      payloadBytes.add(part("MESSAGE_PAYLOAD"));
    }
    long records = 8L * perRound;
    long peak = roundMax.stream().mapToLong(Long::longValue).max().orElseThrow();
    // Steady state: an hour of payloads is kept, the same bytes from round to round.
    assertThat(payloadBytes.get(7))
        .as("payload bytes per round %s", payloadBytes)
        .isBetween(payloadBytes.get(3) * 8 / 10, payloadBytes.get(3) * 12 / 10);
    // After each round the file grows by what is kept by design (status rows), not dead space.
    long statusPerRecord = part("MESSAGE") / records;
    assertThat((roundEnd.get(7) - roundEnd.get(3)) / (4L * perRound))
        .as(
            "growth per record, file after each round %s, status rows %d B a record",
            roundEnd, statusPerRecord)
        .isLessThan(2 * statusPerRecord + 256);
    assertThat(peak / records)
        .as("high-water marks per round %s", roundMax)
        .isLessThan(3 * TARGET_BYTES_PER_RECORD);
    // The load stops; a small write every second goes on. Within 15 steps: no dead space left.
    for (int s = 0; s < 15; s++) {
      trickle(clock);
      compaction.step();
    }
    StorageBreakdown.Breakdown afterLoad = breakdown();
    assertThat(afterLoad.fileBytes())
        .as("file after the load vs its live pages %,d", afterLoad.liveBytes())
        .isLessThan(afterLoad.liveBytes() * 13 / 10 + (256 << 10));
    // Everything purgeable purged: what is left is the status rows.
    retention(clock, Duration.ZERO).purge();
    for (int s = 0; s < 15; s++) {
      trickle(clock);
      compaction.step();
    }
    StorageBreakdown.Breakdown purged = breakdown();
    assertThat(purged.fileBytes())
        .as("file after the purge vs its live pages %,d and its peak %,d", purged.liveBytes(), peak)
        .isLessThan(purged.liveBytes() * 13 / 10 + (256 << 10))
        .isLessThan(peak / 2);
  }

  private JournalRetention retention(Clock clock, Duration age) {
    return new JournalRetention(
        journal,
        age,
        500,
        clock,
        new StaticListableBeanFactory()
            .getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class));
  }

  /** One small commit, as the referral poller makes every few seconds (its cursor). */
  private void trickle(MutableClock clock) {
    clock.advance(Duration.ofSeconds(1));
    new org.springframework.jdbc.core.JdbcTemplate(ds)
        .update(
            "MERGE INTO notify_cursor (name, position, updated_at) KEY (name) VALUES ('test', ?,"
                + " ?)",
            clock.instant().atOffset(ZoneOffset.UTC),
            clock.instant().atOffset(ZoneOffset.UTC));
  }

  private StorageBreakdown.Breakdown breakdown() throws Exception {
    try (java.sql.Connection c = ds.getConnection()) {
      return StorageBreakdown.of("journal", c, fileBytes());
    }
  }

  /** Live bytes of a table's rows and indexes. */
  private long part(String table) throws Exception {
    return breakdown().byTable().getOrDefault(table, 0L);
  }

  private void deliverOne(Instant now) {
    long i = n++;
    String key = MessageIntakeKeys.sha("record-" + i);
    String content = MessageIntakeKeys.sha("content-" + i);
    String id =
        journal
            .append(
                new NewMessage(
                    "resident.to-fhir",
                    "52330300MJ8712345N",
                    key,
                    "resident.to-fhir|52330300MJ8712345N|" + key + "|" + content,
                    content,
                    bundles.bundle(i),
                    "corr-" + i),
                now)
            .message()
            .id();
    assertThat(journal.claim(id, "w", now, now.plusSeconds(120))).isTrue();
    assertThat(
            journal.delivered(
                id,
                "w",
                now,
                201,
                "http://127.0.0.1:8080/fhir/Patient/res-" + key.substring(0, 32),
                "{\"outcome\":\"created\",\"patient\":\"Patient/res-"
                    + key.substring(0, 32)
                    + "\",\"versionId\":\"1\",\"resident\":\"/api/v1/residents/52330300MJ8712345N/R"
                    + i
                    + "\"}"))
        .isTrue();
  }

  private long fileBytes() throws Exception {
    return Files.size(dir.resolve("journal.mv.db"));
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
