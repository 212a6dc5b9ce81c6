package org.yiyang.gateway.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;

/** The journal's contract, run against each database it supports. */
abstract class JournalDatabases {

  static Journal migrate(DataSource ds) {
    Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/journal")
        .table("journal_schema_history")
        .load()
        .migrate();
    return new Journal(new JdbcTemplate(ds));
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
  }
}
