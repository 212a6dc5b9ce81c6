package org.yiyang.gateway.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.config.RunMode;
import org.yiyang.gateway.storage.StorageProperties;

/**
 * Runs the journal's background work on two threads of its own: the embedded file compacted every
 * {@code gateway.storage.compact-interval} (and so the embedded FHIR store's, ADR 0063); the
 * retention purge every {@code purge-interval} (first a minute after start); and, from start until
 * done, the re-encryption of payloads under another key than the active one. A failure is logged
 * (its class only) and tried again at the next turn; it never reaches a request. The purge and the
 * re-encryption rewrite the shared journal, so with several instances on one journal each runs on
 * one of them at a time ({@link JobLocks}); the compaction is of this process's own embedded file.
 */
@Component
public class JournalHousekeeping implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(JournalHousekeeping.class);
  private static final Duration REENCRYPT_PAUSE = Duration.ofMillis(200);

  /**
   * Longest a purge holds its lock if its instance dies mid-purge; a purge stops between batches.
   */
  private static final Duration PURGE_LOCK_AT_MOST = Duration.ofHours(1);

  /** Longest one re-encryption batch holds its lock if its instance dies mid-batch. */
  private static final Duration REENCRYPT_LOCK_AT_MOST = Duration.ofMinutes(5);

  private final JournalCompaction compaction;
  private final ObjectProvider<FhirStoreCompaction> fhirStore;
  private final JournalRetention retention;
  private final PayloadKeyRotation rotation;
  private final StorageProperties storage;
  private final JobLocks locks;
  private final RunMode mode;
  private ThreadPoolTaskScheduler scheduler;
  private volatile boolean running;

  public JournalHousekeeping(
      JournalCompaction compaction,
      JournalRetention retention,
      PayloadKeyRotation rotation,
      StorageProperties storage,
      JobLocks locks,
      ObjectProvider<FhirStoreCompaction> fhirStore,
      RunMode mode) {
    this.locks = locks;
    this.fhirStore = fhirStore;
    this.mode = mode;
    this.compaction = compaction;
    this.retention = retention;
    this.rotation = rotation;
    this.storage = storage;
  }

  @Override
  public void start() {
    if (mode.trainingRun()) {
      // ADR 0062: no purge, re-encryption or compaction in a training run.
      log.info("Training run: journal housekeeping does not start");
      return;
    }
    scheduler = new ThreadPoolTaskScheduler();
    scheduler.setThreadNamePrefix("journal-housekeeping-");
    scheduler.setPoolSize(2);
    // Never interrupted mid-write (H2 closes its file on an interrupt); each task is short or
    // checks `running` between batches.
    scheduler.setWaitForTasksToCompleteOnShutdown(true);
    scheduler.setAwaitTerminationSeconds(30);
    scheduler.initialize();
    running = true;
    scheduler.scheduleWithFixedDelay(
        guarded("compaction", compaction::step), storage.compactInterval());
    // The embedded FHIR store's file, the same way (ADR 0063); absent with an external server.
    FhirStoreCompaction fhir = fhirStore.getIfAvailable();
    if (fhir != null) {
      scheduler.scheduleWithFixedDelay(
          guarded("FHIR store compaction", fhir::step), storage.compactInterval());
    }
    Duration firstPurge =
        storage.purgeInterval().compareTo(Duration.ofMinutes(1)) < 0
            ? storage.purgeInterval()
            : Duration.ofMinutes(1);
    scheduler.scheduleWithFixedDelay(
        guarded(
            "retention purge",
            () ->
                locks.runExclusively(
                    JobLocks.RETENTION_PURGE,
                    PURGE_LOCK_AT_MOST,
                    () -> retention.purge(() -> running))),
        Instant.now().plus(firstPurge),
        storage.purgeInterval());
    scheduler.schedule(this::reencrypt, Instant.now().plus(REENCRYPT_PAUSE));
  }

  /** One batch, then the next after a pause, until nothing is left under another key. */
  private void reencrypt() {
    if (!running) {
      return;
    }
    AtomicBoolean more = new AtomicBoolean();
    try {
      // Another instance holding the lock re-encrypts this batch; this one looks again after a
      // pause, and stops once nothing is left.
      boolean ran =
          locks.runExclusively(
              JobLocks.PAYLOAD_REENCRYPT, REENCRYPT_LOCK_AT_MOST, () -> more.set(rotation.step()));
      if (!ran) {
        more.set(true);
      }
    } catch (RuntimeException e) {
      log.warn("Journal payload re-encryption failed, tried again in a minute: {}", e.getClass());
      scheduler.schedule(this::reencrypt, Instant.now().plus(Duration.ofMinutes(1)));
      return;
    }
    if (more.get() && running) {
      scheduler.schedule(this::reencrypt, Instant.now().plus(REENCRYPT_PAUSE));
    }
  }

  private Runnable guarded(String what, Runnable task) {
    return () -> {
      if (!running) {
        return;
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        log.warn("Journal {} failed, tried again at the next turn: {}", what, e.getClass());
      }
    };
  }

  @Override
  public void stop() {
    running = false;
    if (scheduler != null) {
      // Waits for a running task, drops the ones not yet due.
      scheduler
          .getScheduledThreadPoolExecutor()
          .setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      scheduler.shutdown();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
