package org.yiyang.gateway.journal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.yiyang.gateway.security.Keyring;

/** The journal's contract on PostgreSQL (an embedded server): the same migrations, same SQL. */
class JournalPostgresIT extends JournalDatabases {

  @Test
  void journalContractHoldsOnPostgres() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      exercise(migrate(pg.getPostgresDatabase()));
    }
  }

  @Test
  void jobsRunOnOneInstanceAtATimeOnPostgres() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      exerciseJobLocks(pg.getPostgresDatabase());
    }
  }

  @Test
  void payloadsAreEncryptedRotatedAndPurgedOnPostgres() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      exercisePayloads(pg.getPostgresDatabase(), Keyring.generated(Keyring.SM4_GCM));
    }
  }
}
