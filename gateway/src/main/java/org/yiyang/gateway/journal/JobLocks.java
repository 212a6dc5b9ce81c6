package org.yiyang.gateway.journal;

import java.time.Duration;
import java.time.Instant;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.gateway.delivery.DeliveryWorker;

/**
 * Runs a scheduled job on one gateway instance at a time (ADR 0061). Several instances share one
 * PostgreSQL journal; a job that reads or rewrites shared state (the referral cursor, the retention
 * purge, payload re-encryption) would otherwise run on each of them at once. The lock is a ShedLock
 * row in the journal's {@code shedlock} table, timed by the database's clock, so instances with
 * skewed clocks agree on when it ends. An instance that dies holding a lock holds it only until its
 * {@code atMost} runs out; the job then runs elsewhere at its next turn.
 */
@Component
public class JobLocks {

  /** The referral change poller. */
  public static final String REFERRAL_POLL = "referral-poll";

  /** The journal retention purge. */
  public static final String RETENTION_PURGE = "journal-retention-purge";

  /** One batch of payload re-encryption under the active key. */
  public static final String PAYLOAD_REENCRYPT = "journal-payload-reencrypt";

  private final LockingTaskExecutor executor;

  @Autowired
  public JobLocks(@Qualifier(JournalConfig.JDBC) JdbcTemplate jdbc, GatewayProperties properties) {
    this(jdbc, JournalConfig.exclusive(properties));
  }

  /**
   * With {@code exclusive} (an embedded journal, this process's alone) every lock left in it is
   * dropped first: a lock held when the last run stopped (a poll cut off at shutdown cannot free
   * its lock once the database is closed) would otherwise keep this run's job waiting until the
   * lock's bound, as {@link DeliveryWorker} drops its leases at startup for the same reason.
   */
  JobLocks(JdbcTemplate jdbc, boolean exclusive) {
    if (exclusive) {
      jdbc.update("DELETE FROM shedlock");
    }
    this.executor =
        new DefaultLockingTaskExecutor(
            new JdbcTemplateLockProvider(
                JdbcTemplateLockProvider.Configuration.builder()
                    .withJdbcTemplate(jdbc)
                    .withTableName("shedlock")
                    .usingDbTime()
                    .build()));
  }

  /**
   * Runs {@code task} if no other instance holds {@code name}, and frees the lock when it ends.
   * False, and the task not run, when another holds it: the job is then that instance's this turn.
   */
  public boolean runExclusively(String name, Duration atMost, Runnable task) {
    try {
      return executor
          .executeWithLock(
              () -> {
                task.run();
                return Boolean.TRUE;
              },
              new LockConfiguration(Instant.now(), name, atMost, Duration.ZERO))
          .wasExecuted();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
