package org.yiyang.gateway.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.migration.JavaMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.yiyang.gateway.config.GatewayProperties;

/**
 * The journal's own database, apart from the embedded FHIR server's: an H2 file under {@code
 * data-dir/journal} unless {@code gateway.journal.url} names another (PostgreSQL). Its beans are
 * not default autowiring candidates, so nothing that asks for "the" DataSource gets this one by
 * chance.
 */
@Configuration
public class JournalConfig {

  public static final String DATA_SOURCE = "journalDataSource";
  public static final String JDBC = "journalJdbc";

  private static final Logger log = LoggerFactory.getLogger(JournalConfig.class);

  @Bean(name = DATA_SOURCE, destroyMethod = "close", defaultCandidate = false)
  public HikariDataSource journalDataSource(GatewayProperties properties) {
    GatewayProperties.Journal journal = properties.journal();
    HikariConfig config = new HikariConfig();
    config.setPoolName("journal");
    config.setMaximumPoolSize(journal.poolSize());
    if (journal.embedded()) {
      Path dir = properties.dataDir().toAbsolutePath().normalize().resolve("journal");
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create the journal directory " + dir, e);
      }
      config.setJdbcUrl(h2Url(dir) + ";DB_CLOSE_ON_EXIT=FALSE");
      config.setUsername("sa");
      config.setPassword("");
    } else {
      config.setJdbcUrl(journal.url());
      config.setUsername(journal.username());
      config.setPassword(journal.password());
    }
    return new HikariDataSource(config);
  }

  /**
   * The embedded journal's H2 URL (ADR 0051). {@code WRITE_DELAY=0}: a commit reaches the file
   * before the caller is answered, so kill -9 of the gateway cannot lose an accepted message (H2
   * otherwise buffers commits for 500 ms); it also stops H2's background housekeeping, which {@link
   * JournalCompaction} does instead. {@code RETENTION_TIME=0}: a chunk no longer used is reused at
   * once. What a restart after kill -9 reads is safe regardless: H2 never reuses a chunk that one
   * of its last versions still needs. H2's default of 45 s only narrows the window in which a power
   * failure could find a chunk reused before the OS wrote its replacement, which H2 without an
   * fsync per commit does not survive intact anyway; at a hundred records a second it kept 50-100
   * MB of dead chunks. {@code COMPRESS=TRUE}: pages are written LZF-compressed, a fifth fewer bytes
   * for the audit rows' repeated texts (ADR 0063); payloads are already compressed and encrypted.
   */
  public static String h2Url(Path dir) {
    return "jdbc:h2:file:"
        + dir.resolve("journal")
        + ";WRITE_DELAY=0;RETENTION_TIME=0;COMPRESS=TRUE";
  }

  /**
   * Brings the schema up to date before anything reads the journal. Migrations that need the
   * application's beans (the keyring) are {@link JavaMigration} beans, run in version order with
   * the SQL ones.
   */
  @Bean(defaultCandidate = false)
  public Flyway journalFlyway(
      @Qualifier(DATA_SOURCE) HikariDataSource dataSource,
      ObjectProvider<JavaMigration> javaMigrations) {
    Flyway flyway =
        Flyway.configure()
            .dataSource(dataSource)
            .locations("classpath:db/journal")
            .javaMigrations(javaMigrations.orderedStream().toArray(JavaMigration[]::new))
            .table("journal_schema_history")
            .load();
    int applied = flyway.migrate().migrationsExecuted;
    log.info("Journal schema migrated ({} migrations applied)", applied);
    return flyway;
  }

  @Bean(name = JDBC, defaultCandidate = false)
  public JdbcTemplate journalJdbc(
      @Qualifier(DATA_SOURCE) HikariDataSource dataSource,
      @Qualifier("journalFlyway") Flyway migrated) {
    return new JdbcTemplate(dataSource);
  }

  /** Whether this process owns the journal alone (embedded H2 file, locked by H2). */
  public static boolean exclusive(GatewayProperties properties) {
    return properties.journal().embedded();
  }
}
