package org.yiyang.gateway.journal;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.gateway.storage.StorageProperties;

/**
 * Housekeeping of the embedded H2 journal's file (ADR 0051). The journal runs H2 with {@code
 * WRITE_DELAY=0}, so that a commit reaches the file before the caller is answered; that also stops
 * H2's background writer, the thread that rewrites half-empty chunks and shrinks the file. Without
 * it, every commit left a chunk behind that a few live pages kept from being reused, and the file
 * only grew. This does the background writer's work through H2's public MVStore API: every step
 * rewrites the live pages of the sparsest chunks into new ones, so that the old ones are freed and
 * their space reused (what H2's own housekeeping does under load); once the journal has been quiet
 * for {@link #IDLE_STEPS_BEFORE_SHRINK} steps (at most {@link #QUIET_WRITES} file writes by others
 * in each: the referral poller's audit rows and cursor, a token, never stop entirely; waiting for
 * none kept the file at its size under load for good, ADR 0063), it also moves chunks towards the
 * start of the file and truncates it, and so at a clean stop. Moving chunks waits for a quiet
 * journal because H2 2.3.232 mis-predicts a move now and then (fixed upstream after that release,
 * commit 8492b8c): harmless in production, where its assertion is off, but not worth risking under
 * load. Nothing is done for an external journal database (PostgreSQL vacuums its own tables).
 */
@Component
public class JournalCompaction {

  /** Chunks are rewritten while their live share is under this (H2's housekeeping: 50-90). */
  static final int CHUNKS_FILL_TARGET = 80;

  /** Chunks are moved and the file truncated while its used share is under this. */
  static final int FILE_FILL_TARGET = 90;

  /**
   * Live bytes rewritten at once while the journal is busy; a step repeats this until its time is
   * up. Small, because a rewrite runs to its end whatever the step's time.
   */
  static final int BUSY_REWRITE_BYTES = 1 << 20;

  /** Live bytes rewritten at once when nothing was written since the last step. */
  static final int IDLE_REWRITE_BYTES = 16 << 20;

  /** Bytes of chunks moved at once while shrinking. */
  static final long MOVE_BYTES = 16L << 20;

  /** How long a step may keep rewriting while the journal is busy. */
  static final Duration BUSY_STEP = Duration.ofMillis(20);

  /** How long a step may keep rewriting when nothing was written since the last one. */
  static final Duration IDLE_STEP = Duration.ofMillis(200);

  /** Quiet steps in a row before the file is shrunk (10 s at one a second). */
  static final int IDLE_STEPS_BEFORE_SHRINK = 10;

  /**
   * File writes by others since the last step that still leave the journal quiet: a commit or two
   * (the referral poller's audit row, a token request). Under load there are dozens a second.
   */
  static final long QUIET_WRITES = 6;

  private static final Logger log = LoggerFactory.getLogger(JournalCompaction.class);

  private final HikariDataSource dataSource;
  private final boolean embedded;
  private final Duration atStop;
  private final String name;
  private volatile boolean broken;
  private long lastWriteCount = -1;
  private int idleSteps;

  @Autowired
  public JournalCompaction(
      @Qualifier(JournalConfig.DATA_SOURCE) HikariDataSource dataSource,
      GatewayProperties gateway,
      StorageProperties storage) {
    this(dataSource, JournalConfig.exclusive(gateway), storage.compactAtStop());
  }

  JournalCompaction(HikariDataSource dataSource, boolean embedded, Duration atStop) {
    this(dataSource, embedded, atStop, "Journal");
  }

  /**
   * The same housekeeping for another H2 file of this process ({@code name} in the log): the
   * embedded FHIR store's ({@link FhirStoreCompaction}).
   */
  JournalCompaction(HikariDataSource dataSource, boolean embedded, Duration atStop, String name) {
    this.dataSource = dataSource;
    this.embedded = embedded;
    this.atStop = atStop;
    this.name = name;
  }

  /** The journal file's state, for metrics and the benchmark. */
  public record FileState(long fileBytes, int fileFillRate, int chunksFillRate) {}

  /**
   * One housekeeping step: rewrites sparse chunks for at most {@link #BUSY_STEP} ({@link
   * #IDLE_STEP} when the journal was quiet since the last step), and shrinks the file once the
   * journal has been quiet for {@link #IDLE_STEPS_BEFORE_SHRINK} steps. Cheap when there is nothing
   * to do.
   */
  public void step() {
    withStore(
        store -> {
          long written = store.getFileStore().getWriteCount() - lastWriteCount;
          boolean quiet = lastWriteCount >= 0 && written <= QUIET_WRITES;
          idleSteps = quiet ? idleSteps + 1 : 0;
          if (quiet) {
            rewrite(store, IDLE_STEP, IDLE_REWRITE_BYTES);
          } else {
            rewrite(store, BUSY_STEP, BUSY_REWRITE_BYTES);
          }
          if (idleSteps >= IDLE_STEPS_BEFORE_SHRINK) {
            shrink(store);
          }
          lastWriteCount = store.getFileStore().getWriteCount();
          return null;
        });
  }

  /**
   * Rewrites and shrinks until the file stops shrinking (three rounds in a row without a change),
   * for at most about {@code budget}: a clean stop, or a test.
   */
  public void compactFully(Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    withStore(
        store -> {
          int unchanged = 0;
          while (System.nanoTime() < deadline && unchanged < 3) {
            long before = store.getFileStore().size();
            rewrite(store, IDLE_STEP, IDLE_REWRITE_BYTES);
            shrink(store);
            unchanged = store.getFileStore().size() < before ? 0 : unchanged + 1;
          }
          return null;
        });
  }

  /**
   * Rewrites the live pages of the sparsest chunks, {@code bytes} at a time, for {@code budget}.
   */
  private static void rewrite(MVStore store, Duration budget, int bytes) {
    long deadline = System.nanoTime() + budget.toNanos();
    while (store.getFileStore().getChunksFillRate() < CHUNKS_FILL_TARGET
        && store.compact(CHUNKS_FILL_TARGET, bytes)) {
      // The rewritten pages are saved by the next commit; there may be none while idle.
      store.commit();
      if (System.nanoTime() > deadline) {
        return;
      }
    }
  }

  /**
   * Lets H2 free the chunks that only its last versions still hold (it keeps {@code versionsToKeep}
   * of them): a store that writes nothing after a purge or a rewrite never gets past them, and
   * compacting it only appended rewritten pages (ADR 0063: 3.7 MB grew to 5.1 MB). A few versions
   * of a map of H2's temporary kind ({@code temp.}, dropped by H2 when it opens the file), only
   * while there is something to free.
   */
  private static void advanceVersions(MVStore store) {
    if (store.getFileStore().getChunksFillRate() >= CHUNKS_FILL_TARGET
        && store.getFileStore().getFillRate() >= FILE_FILL_TARGET) {
      return;
    }
    org.h2.mvstore.MVMap<String, Long> scratch = store.openMap("temp.gateway-compaction");
    for (long i = 0; i <= store.getVersionsToKeep(); i++) {
      scratch.put("version", store.getCurrentVersion());
      store.commit();
    }
  }

  /** Moves chunks into the holes towards the start of the file, and truncates it. */
  private static void shrink(MVStore store) {
    advanceVersions(store);
    if (store.getFileStore() instanceof RandomAccessStore file
        && file.getFillRate() < FILE_FILL_TARGET) {
      // H2 forces the file to disk before it overwrites or truncates anything.
      file.compactMoveChunks(FILE_FILL_TARGET, MOVE_BYTES, store);
    }
  }

  /** The file's size and fill rates; empty for an external journal. */
  public java.util.Optional<FileState> state() {
    return java.util.Optional.ofNullable(
        withStore(
            store ->
                new FileState(
                    store.getFileStore().size(),
                    store.getFillRate(),
                    store.getFileStore().getChunksFillRate())));
  }

  @PreDestroy
  void atStop() {
    if (!embedded || dataSource.isClosed()) {
      return;
    }
    long before = state().map(FileState::fileBytes).orElse(0L);
    compactFully(atStop);
    long after = state().map(FileState::fileBytes).orElse(0L);
    log.info("{} file compacted at stop: {} -> {} bytes", name, before, after);
  }

  private interface StoreWork<T> {
    T run(MVStore store);
  }

  private <T> T withStore(StoreWork<T> work) {
    if (!embedded || broken) {
      return null;
    }
    try (Connection connection = dataSource.getConnection()) {
      JdbcConnection h2 = connection.unwrap(JdbcConnection.class);
      if (!(h2.getSession() instanceof SessionLocal session)) {
        return null;
      }
      MVStore store = session.getDatabase().getStore().getMvStore();
      if (store.isClosed() || store.getFileStore() == null) {
        return null;
      }
      return work.run(store);
    } catch (SQLException | RuntimeException | LinkageError e) {
      // Housekeeping only: a failure must never reach a request. Said once, then switched off
      // (an H2 upgrade that changed its internal API is the likely cause).
      broken = true;
      log.warn("{} compaction switched off: {}", name, e.toString());
      return null;
    }
  }
}
