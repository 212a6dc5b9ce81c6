package org.yiyang.gateway.journal;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yiyang.gateway.security.Keyring;

/** The journal's contract on the default database, an H2 file. */
class JournalH2Test extends JournalDatabases {

  @TempDir Path dir;

  @Test
  void journalContractHoldsOnH2() {
    try (HikariDataSource ds = new HikariDataSource()) {
      ds.setJdbcUrl(JournalConfig.h2Url(dir));
      ds.setUsername("sa");
      exercise(migrate(ds));
    }
  }

  @Test
  void jobsRunOnOneInstanceAtATimeOnH2() throws Exception {
    try (HikariDataSource ds = new HikariDataSource()) {
      ds.setJdbcUrl(JournalConfig.h2Url(dir.resolve("locks")));
      ds.setUsername("sa");
      exerciseJobLocks(ds);
    }
  }

  @Test
  void payloadsAreEncryptedRotatedAndPurgedOnH2() {
    try (HikariDataSource ds = new HikariDataSource()) {
      ds.setJdbcUrl(JournalConfig.h2Url(dir.resolve("payloads")));
      ds.setUsername("sa");
      exercisePayloads(ds, Keyring.generated(Keyring.AES_256_GCM));
    }
  }
}
