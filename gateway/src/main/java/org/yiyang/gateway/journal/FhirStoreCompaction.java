package org.yiyang.gateway.journal;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Optional;

/**
 * The embedded FHIR store's H2 file kept as compact as the journal's (ADR 0063). H2's own
 * background writer rewrites sparse chunks there, but moves no chunk and never truncates the file
 * while it is open (only for 200 ms when it closes), so the file kept every hole it ever had: 2.8
 * times its live pages after 1,500 records. The same steps as {@link JournalCompaction}, on the
 * FHIR store's data source, run by {@link JournalHousekeeping}; a bean of the embedded FHIR
 * server's configuration only.
 */
public class FhirStoreCompaction {

  private final JournalCompaction compaction;

  public FhirStoreCompaction(HikariDataSource dataSource, Duration atStop) {
    this.compaction = new JournalCompaction(dataSource, true, atStop, "FHIR store");
  }

  /** One housekeeping step, as {@link JournalCompaction#step()}. */
  public void step() {
    compaction.step();
  }

  /** As {@link JournalCompaction#compactFully}. */
  public void compactFully(Duration budget) {
    compaction.compactFully(budget);
  }

  public Optional<JournalCompaction.FileState> state() {
    return compaction.state();
  }

  @PreDestroy
  void atStop() {
    compaction.atStop();
  }
}
