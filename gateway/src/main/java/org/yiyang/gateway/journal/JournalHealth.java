package org.yiyang.gateway.journal;

import java.time.Instant;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.config.GatewayProperties;

/**
 * Health of the journal: DOWN when it cannot be read, OUT_OF_SERVICE while its backlog is over the
 * bound (new records are refused then); details give the backlog and the dead letters waiting.
 */
@Component("journalHealthIndicator")
public class JournalHealth implements HealthIndicator {

  private final Journal journal;
  private final long maxBacklog;

  public JournalHealth(Journal journal, GatewayProperties properties) {
    this.journal = journal;
    this.maxBacklog = properties.journal().maxBacklog();
  }

  @Override
  public Health health() {
    try {
      long backlog = journal.backlog();
      long dead =
          journal.list(new MessageFilter(MessageState.DEAD, null, null, null, null), 0, 1).total();
      Health.Builder h = backlog >= maxBacklog ? Health.outOfService() : Health.up();
      return h.withDetail("backlog", backlog)
          .withDetail("maxBacklog", maxBacklog)
          .withDetail("dead", dead)
          .withDetail("checkedAt", Instant.now().toString())
          .build();
    } catch (RuntimeException e) {
      return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
    }
  }
}
