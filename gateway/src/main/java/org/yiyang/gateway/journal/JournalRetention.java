package org.yiyang.gateway.journal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.storage.StorageProperties;

/**
 * The retention purge (PIPL Art. 19: personal data no longer needed is deleted): payloads of
 * messages delivered longer ago than {@code gateway.storage.payload-retention} (30 days), and of
 * dead messages once a later message of the same record was delivered that long ago, are deleted in
 * batches. Status rows stay. Each purge that deleted anything is recorded in {@code journal_purge}
 * and logged, with counts only.
 */
@Component
public class JournalRetention {

  private static final Logger log = LoggerFactory.getLogger(JournalRetention.class);

  private final Journal journal;
  private final Duration retention;
  private final int batchSize;
  private final Clock clock;
  private final Counter purged;

  @Autowired
  public JournalRetention(
      Journal journal, StorageProperties storage, ObjectProvider<MeterRegistry> meters) {
    this(journal, storage.payloadRetention(), storage.purgeBatchSize(), Clock.systemUTC(), meters);
  }

  JournalRetention(
      Journal journal,
      Duration retention,
      int batchSize,
      Clock clock,
      ObjectProvider<MeterRegistry> meters) {
    this.journal = journal;
    this.retention = retention;
    this.batchSize = batchSize;
    this.clock = clock;
    MeterRegistry registry = meters.getIfAvailable();
    this.purged =
        registry == null
            ? null
            : Counter.builder("gateway.journal.payloads.purged")
                .description("Journal payloads deleted by the retention purge")
                .register(registry);
  }

  /** Purges every payload past retention now, batch by batch; returns what it deleted. */
  public Journal.Purged purge() {
    return purge(() -> true);
  }

  /** As {@link #purge()}, stopping between batches once {@code keepGoing} says so. */
  public Journal.Purged purge(java.util.function.BooleanSupplier keepGoing) {
    Instant now = clock.instant();
    Instant cutoff = now.minus(retention);
    int delivered = 0;
    int dead = 0;
    Journal.Purged batch;
    do {
      batch = journal.purgePayloads(cutoff, now, batchSize);
      delivered += batch.delivered();
      dead += batch.dead();
    } while (batch.total() > 0 && keepGoing.getAsBoolean());
    Journal.Purged total = new Journal.Purged(delivered, dead);
    if (total.total() > 0) {
      journal.recordPurge(now, cutoff, total);
      if (purged != null) {
        purged.increment(total.total());
      }
      log.info(
          "Journal retention: deleted the payloads of {} delivered and {} dead messages older"
              + " than {}",
          delivered,
          dead,
          retention);
    }
    return total;
  }
}
