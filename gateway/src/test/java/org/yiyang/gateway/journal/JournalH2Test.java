package org.yiyang.gateway.journal;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's contract on the default database, an H2 file. */
class JournalH2Test extends JournalDatabases {

  @TempDir Path dir;

  @Test
  void journalContractHoldsOnH2() {
    try (HikariDataSource ds = new HikariDataSource()) {
      ds.setJdbcUrl("jdbc:h2:file:" + dir.resolve("journal") + ";WRITE_DELAY=0");
      ds.setUsername("sa");
      exercise(migrate(ds));
    }
  }
}
