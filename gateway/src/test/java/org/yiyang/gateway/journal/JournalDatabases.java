package org.yiyang.gateway.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.yiyang.gateway.security.DataCipher;
import org.yiyang.gateway.security.Keyring;

/** The journal's contract, run against each database it supports. */
abstract class JournalDatabases {

  static Journal migrate(DataSource ds) {
    return migrate(ds, Keyring.generated(Keyring.AES_256_GCM));
  }

  static Journal migrate(DataSource ds, Keyring keyring) {
    Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/journal")
        .table("journal_schema_history")
        .load()
        .migrate();
    return new Journal(new JdbcTemplate(ds), new PayloadCodec(new DataCipher(keyring)));
  }

  /**
   * Two instances' {@link JobLocks} on one journal: while one runs a job, the other's turn at it is
   * skipped, not run alongside; once the first is done, the other runs it. Other jobs stay free.
   */
  static void exerciseJobLocks(DataSource ds) throws Exception {
    migrate(ds);
    JobLocks first = new JobLocks(new JdbcTemplate(ds), false);
    JobLocks second = new JobLocks(new JdbcTemplate(ds), false);
    Duration atMost = Duration.ofMinutes(5);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Boolean> firstRun =
          pool.submit(
              () ->
                  first.runExclusively(
                      JobLocks.REFERRAL_POLL,
                      atMost,
                      () -> {
                        runs.incrementAndGet();
                        holding.countDown();
                        awaitQuietly(release);
                      }));
      assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(second.runExclusively(JobLocks.REFERRAL_POLL, atMost, runs::incrementAndGet))
          .isFalse();
      assertThat(runs).hasValue(1);
      AtomicInteger purges = new AtomicInteger();
      assertThat(second.runExclusively(JobLocks.RETENTION_PURGE, atMost, purges::incrementAndGet))
          .isTrue();
      assertThat(purges).hasValue(1);
      release.countDown();
      assertThat(firstRun.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(second.runExclusively(JobLocks.REFERRAL_POLL, atMost, runs::incrementAndGet))
          .isTrue();
      assertThat(runs).hasValue(2);

      // A lock left held by a run that stopped mid-job: instances sharing the journal wait for
      // its bound; the one process of an embedded journal drops it when it starts.
      JdbcTemplate jdbc = new JdbcTemplate(ds);
      Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
      jdbc.update(
          "UPDATE shedlock SET lock_until = ?, locked_by = 'stopped' WHERE name = ?",
          java.sql.Timestamp.from(tomorrow),
          JobLocks.REFERRAL_POLL);
      assertThat(second.runExclusively(JobLocks.REFERRAL_POLL, atMost, runs::incrementAndGet))
          .isFalse();
      JobLocks restarted = new JobLocks(jdbc, true);
      assertThat(restarted.runExclusively(JobLocks.REFERRAL_POLL, atMost, runs::incrementAndGet))
          .isTrue();
      assertThat(runs).hasValue(3);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static NewMessage message(String record, String key) {
    return new NewMessage(
        "resident.to-fhir", "52330300MJ8712345N", record, key, "hash-" + key, "{}", "corr");
  }

  /** Append, duplicates, ordering per record, leases, backoff, dead and replay. */
  static void exercise(Journal journal) {
    Instant now = Instant.now();
    JournalMessage a1 = journal.append(message("rec-a", "a1"), now).message();
    Journal.Appended dup = journal.append(message("rec-a", "a1"), now);
    assertThat(dup.duplicate()).isTrue();
    assertThat(dup.message().id()).isEqualTo(a1.id());
    JournalMessage a2 = journal.append(message("rec-a", "a2"), now).message();
    JournalMessage b1 = journal.append(message("rec-b", "b1"), now).message();
    assertThat(journal.backlog()).isEqualTo(3);

    Instant later = now.plusMillis(10);
    // Only the first pending message of each record is due.
    assertThat(journal.due(later, 10)).containsExactlyInAnyOrder(a1.id(), b1.id());
    assertThat(journal.claim(a2.id(), "w", later, later.plusSeconds(60))).isFalse();
    assertThat(journal.claim(a1.id(), "w", later, later.plusSeconds(60))).isTrue();
    assertThat(journal.claim(a1.id(), "other", later, later.plusSeconds(60))).isFalse();
    // Only the lease's owner renews it, and only while the message is pending.
    assertThat(journal.renew(a1.id(), "other", later.plusSeconds(120))).isFalse();
    assertThat(journal.renew(a1.id(), "w", later.plusSeconds(120))).isTrue();
    assertThat(journal.claim(a1.id(), "other", later.plusSeconds(90), later.plusSeconds(150)))
        .isFalse();
    assertThat(journal.due(later, 10)).containsExactly(b1.id());

    // A transient failure: due again after the backoff, attempts counted.
    assertThat(journal.failed(a1.id(), "w", later, later.plusSeconds(5), "GW-4001", 503, "{}"))
        .isTrue();
    assertThat(journal.due(later, 10)).containsExactly(b1.id());
    Instant afterBackoff = later.plusSeconds(6);
    assertThat(journal.claim(a1.id(), "w", afterBackoff, afterBackoff.plusSeconds(60))).isTrue();
    assertThat(journal.find(a1.id()).orElseThrow().attempts()).isEqualTo(2);
    assertThat(journal.delivered(a1.id(), "w", afterBackoff, 201, "Patient/x", "{}")).isTrue();
    assertThat(journal.due(afterBackoff, 10)).containsExactlyInAnyOrder(a2.id(), b1.id());

    // A lease that ends (the claimer crashed) frees the message again.
    assertThat(journal.claim(b1.id(), "crashed", afterBackoff, afterBackoff.plusSeconds(1)))
        .isTrue();
    Instant leaseOver = afterBackoff.plus(Duration.ofSeconds(2));
    assertThat(journal.due(leaseOver, 10)).contains(b1.id());
    assertThat(journal.claim(b1.id(), "w", leaseOver, leaseOver.plusSeconds(60))).isTrue();
    assertThat(journal.delivered(b1.id(), "crashed", leaseOver, 201, null, "{}")).isFalse();
    assertThat(journal.dead(b1.id(), "w", leaseOver, "GW-4003", 422, "{}")).isTrue();

    assertThat(
            journal
                .list(
                    new MessageFilter(MessageState.DEAD, null, null, now.minusSeconds(1), null),
                    0,
                    10)
                .items())
        .extracting(JournalMessage::id)
        .containsExactly(b1.id());
    assertThat(journal.replay(b1.id(), leaseOver)).isTrue();
    assertThat(journal.replay(b1.id(), leaseOver)).isFalse();
    JournalMessage replayed = journal.find(b1.id()).orElseThrow();
    assertThat(replayed.state()).isEqualTo(MessageState.MAPPED);
    assertThat(replayed.attempts()).isZero();
    assertThat(replayed.replays()).isEqualTo(1);
    assertThat(journal.superseded(journal.find(a1.id()).orElseThrow())).isFalse();
    assertThat(journal.backlog()).isEqualTo(2);
    assertThat(journal.list(new MessageFilter(null, null, null, null, null), 0, 10).total())
        .isEqualTo(3);
    assertThat(List.of(journal.releaseAllLeases())).isNotNull();
    exerciseClaimOrder(journal, now.plusSeconds(3600));
  }

  /**
   * Due messages are claimed in journal order (seq, assigned at insert), not by due time: a retry
   * that came due later than a newer message's first attempt is still taken first.
   */
  static void exerciseClaimOrder(Journal journal, Instant t0) {
    JournalMessage older = journal.append(message("rec-order-x", "order-x"), t0).message();
    // (Later than t0 by a margin: the database keeps microseconds, Instant.now() may hold nanos.)
    Instant claimed = t0.plusMillis(10);
    assertThat(journal.claim(older.id(), "w", claimed, claimed.plusSeconds(60))).isTrue();
    assertThat(journal.failed(older.id(), "w", claimed, t0.plusSeconds(5), "GW-4001", 503, "{}"))
        .isTrue();
    JournalMessage newer =
        journal.append(message("rec-order-y", "order-y"), t0.plusSeconds(1)).message();
    Instant later = t0.plusSeconds(10);
    List<String> due = journal.due(later, 100);
    assertThat(due).contains(older.id(), newer.id());
    assertThat(due.indexOf(older.id())).isLessThan(due.indexOf(newer.id()));
  }

  /**
   * Payloads: stored encrypted (no clear text in the table), read back decrypted; moved to a new
   * active key online, clear payloads of before V30 included; purged after retention, status rows
   * kept. {@code ds} holds a journal migrated with {@code before} as its keyring.
   */
  static void exercisePayloads(DataSource ds, Keyring before) {
    JdbcTemplate sql = new JdbcTemplate(ds);
    Journal journal = migrate(ds, before);
    SyntheticBundles bundles = new SyntheticBundles(7);
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    List<String> ids = new ArrayList<>();
    List<String> payloads = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String payload = bundles.bundle(i);
      NewMessage m =
          new NewMessage(
              "resident.to-fhir",
              "52330300MJ8712345N",
              "order-" + (i == 6 ? 5 : i),
              "p" + i,
              "h" + i,
              payload,
              "c");
      ids.add(journal.append(m, t0).message().id());
      payloads.add(payload);
    }
    // A payload journaled before V30: in clear, in the message row.
    sql.update("UPDATE message SET payload = ? WHERE id = ?", "{\"legacy\":\"王秀英\"}", ids.get(11));
    sql.update(
        "DELETE FROM message_payload WHERE message_seq = (SELECT seq FROM message WHERE id = ?)",
        ids.get(11));
    payloads.set(11, "{\"legacy\":\"王秀英\"}");

    for (int i = 0; i < 12; i++) {
      assertThat(journal.payload(ids.get(i))).hasValue(payloads.get(i));
    }
    for (byte[] stored : sql.queryForList("SELECT data FROM message_payload", byte[].class)) {
      String raw = new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1);
      assertThat(raw).doesNotContain("Patient").doesNotContain("139");
    }
    assertThat(journal.payloadKeys())
        .isEqualTo(Map.of(before.activeDataKey().id(), 11L, "clear", 1L));

    // Rotation: a new active key, the old one kept to decrypt until everything moved.
    Keyring.DataKey next = Keyring.newDataKey(Keyring.SM4_GCM);
    Keyring rotated = before.withDataKeys(List.of(before.activeDataKey(), next), next.id());
    Journal afterRotation = migrate(ds, rotated);
    PayloadKeyRotation rotation =
        new PayloadKeyRotation(afterRotation, new PayloadCodec(new DataCipher(rotated)), 5);
    int steps = 0;
    while (rotation.step()) {
      steps++;
    }
    assertThat(steps).isEqualTo(3);
    assertThat(afterRotation.payloadKeys()).isEqualTo(Map.of(next.id(), 12L));
    Journal newKeyOnly = migrate(ds, before.withDataKeys(List.of(next), next.id()));
    for (int i = 0; i < 12; i++) {
      assertThat(newKeyOnly.payload(ids.get(i))).hasValue(payloads.get(i));
    }

    // Retention: 0-3 delivered long ago, 4 delivered lately, 5 dead and then superseded by 6
    // (delivered long ago), 7 dead alone, 8 failed, 9-11 pending.
    Instant old = t0.plus(Duration.ofDays(1));
    Instant now = t0.plus(Duration.ofDays(40));
    for (int i = 0; i <= 5; i++) {
      assertThat(newKeyOnly.claim(ids.get(i), "w", old, old.plusSeconds(60))).isTrue();
    }
    for (int i : new int[] {0, 1, 2, 3}) {
      newKeyOnly.delivered(ids.get(i), "w", old, 201, null, "{}");
    }
    newKeyOnly.delivered(ids.get(4), "w", now.minus(Duration.ofDays(2)), 201, null, "{}");
    newKeyOnly.dead(ids.get(5), "w", old, "GW-4003", 422, "{}");
    // 6 is the same record as 5: due once 5 is dead, and delivered.
    assertThat(newKeyOnly.claim(ids.get(6), "w", old, old.plusSeconds(60))).isTrue();
    newKeyOnly.delivered(ids.get(6), "w", old, 201, null, "{}");
    assertThat(newKeyOnly.claim(ids.get(7), "w", old, old.plusSeconds(60))).isTrue();
    newKeyOnly.dead(ids.get(7), "w", old, "GW-4003", 422, "{}");
    assertThat(newKeyOnly.claim(ids.get(8), "w", old, old.plusSeconds(60))).isTrue();
    newKeyOnly.failed(ids.get(8), "w", old, now.plusSeconds(60), "GW-4001", 503, "{}");

    Instant cutoff = now.minus(Duration.ofDays(30));
    Journal.Purged first = newKeyOnly.purgePayloads(cutoff, now, 3);
    Journal.Purged second = newKeyOnly.purgePayloads(cutoff, now, 3);
    Journal.Purged third = newKeyOnly.purgePayloads(cutoff, now, 3);
    assertThat(first.total() + second.total()).isEqualTo(6);
    assertThat(first.delivered() + second.delivered()).isEqualTo(5);
    assertThat(first.dead() + second.dead()).isEqualTo(1);
    assertThat(third.total()).isZero();
    for (int i = 0; i < 12; i++) {
      boolean purged = i <= 3 || i == 5 || i == 6;
      assertThat(newKeyOnly.payload(ids.get(i)).isPresent()).as("payload " + i).isEqualTo(!purged);
      JournalMessage status = newKeyOnly.find(ids.get(i)).orElseThrow();
      assertThat(status.payloadPurgedAt() != null).as("purged mark " + i).isEqualTo(purged);
    }
    assertThat(sql.queryForObject("SELECT COUNT(*) FROM message", Integer.class)).isEqualTo(12);
    newKeyOnly.recordPurge(now, cutoff, new Journal.Purged(5, 1));
    assertThat(sql.queryForMap("SELECT delivered, dead FROM journal_purge"))
        .containsEntry("DELIVERED", 5)
        .containsEntry("DEAD", 1);
  }
}
