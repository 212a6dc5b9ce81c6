package org.yiyang.gateway.journal;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.gateway.storage.StorageProperties;

/**
 * Housekeeping of the embedded H2 journal's file. The journal runs H2 with {@code WRITE_DELAY=0},
 * so that a commit reaches the file before the caller is answered; that also stops H2's background
 * writer, the thread that rewrites half-empty chunks and shrinks the file. Without it every commit
 * left a chunk behind that a few live pages kept from being reused, and the file only grew (ADR
 * 0051). This does the background writer's housekeeping through H2's public MVStore API: it
 * rewrites the live pages of sparse chunks so that their space can be reused, moves chunks towards
 * the start of the file and truncates it, and compacts for a bounded time at a clean stop. Nothing
 * is done for an external journal database (PostgreSQL vacuums its own tables).
 */
@Component
public class JournalCompaction {

  /** How long a step may hold the store while the journal is busy (commits wait meanwhile). */
  static final Duration BUSY_STEP = Duration.ofMillis(20);

  /** How long a step may compact when nothing was written since the last one. */
  static final Duration IDLE_STEP = Duration.ofMillis(200);

  private static final Logger log = LoggerFactory.getLogger(JournalCompaction.class);

  private final HikariDataSource dataSource;
  private final boolean embedded;
  private final Duration atStop;
  private volatile boolean broken;
  private long lastWriteCount = -1;

  @Autowired
  public JournalCompaction(
      @Qualifier(JournalConfig.DATA_SOURCE) HikariDataSource dataSource,
      GatewayProperties gateway,
      StorageProperties storage) {
    this(dataSource, JournalConfig.exclusive(gateway), storage.compactAtStop());
  }

  JournalCompaction(HikariDataSource dataSource, boolean embedded, Duration atStop) {
    this.dataSource = dataSource;
    this.embedded = embedded;
    this.atStop = atStop;
  }

  /** The journal file's state, for metrics and the benchmark. */
  public record FileState(long fileBytes, int fileFillRate, int chunksFillRate) {}

  /**
   * One housekeeping step: rewrites the live pages of sparse chunks, frees the chunks, moves chunks
   * towards the start of the file and truncates it, for at most {@link #BUSY_STEP} ({@link
   * #IDLE_STEP} when nothing was written since the last step). Cheap when there is nothing to do.
   */
  public void step() {
    withStore(
        store -> {
          FileStore<?> file = store.getFileStore();
          boolean idle = file.getWriteCount() == lastWriteCount;
          compact(store, idle ? IDLE_STEP : BUSY_STEP);
          lastWriteCount = file.getWriteCount();
          return null;
        });
  }

  /**
   * H2's own compaction ({@code MVStore.compactFile}), which holds the store (commits wait) for
   * about {@code budget}. It frees unused chunks at once, whatever their age, so everything written
   * so far is forced to disk first: no chunk is reused before what replaced it is on disk.
   */
  private static void compact(MVStore store, Duration budget) {
    int retention = store.getRetentionTime();
    try {
      store.sync();
      store.compactFile((int) Math.min(Integer.MAX_VALUE, budget.toMillis()));
    } finally {
      // compactFile drops the retention time to 0 for good; later commits keep the configured one.
      store.setRetentionTime(retention);
    }
  }

  /** Forces what was written to the journal's file to disk (see {@link JournalConfig#h2Url}). */
  public void sync() {
    withStore(
        store -> {
          store.sync();
          return null;
        });
  }

  /**
   * Compacts until the file stops shrinking (three steps in a row without a change), for at most
   * about {@code budget} (a clean stop; tests).
   */
  public void compactFully(Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    withStore(
        store -> {
          int unchanged = 0;
          while (System.nanoTime() < deadline && unchanged < 3) {
            long before = store.getFileStore().size();
            compact(store, IDLE_STEP);
            unchanged = store.getFileStore().size() < before ? 0 : unchanged + 1;
          }
          return null;
        });
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
    log.info("Journal file compacted at stop: {} -> {} bytes", before, after);
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
      log.warn("Journal compaction switched off: {}", e.toString());
      return null;
    }
  }
}
