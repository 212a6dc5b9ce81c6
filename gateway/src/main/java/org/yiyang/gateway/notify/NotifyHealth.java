package org.yiyang.gateway.notify;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health detail {@code referralNotifications}: how changes are detected (subscription or polling
 * only, and why), how the last poll went, and the changes set aside as unusable (ADR 0062: how
 * many, the latest few by resource, version and kind of failure). Never any record data; always UP,
 * since polling alone is a complete way of working and a change set aside stops no other; watch
 * {@code skipped} (and the metric {@code yiyang.referral.changes.skipped}) instead.
 */
@Component("referralNotificationsHealthIndicator")
public class NotifyHealth implements HealthIndicator {

  /** How many of the latest changes set aside health lists. */
  static final int RECENT = 5;

  private final ReferralChangePoller poller;
  private final SubscriptionWakeUp wakeUp;
  private final NotifyState state;
  private final NotifyProperties properties;

  public NotifyHealth(
      ReferralChangePoller poller,
      SubscriptionWakeUp wakeUp,
      NotifyState state,
      NotifyProperties properties) {
    this.poller = poller;
    this.wakeUp = wakeUp;
    this.state = state;
    this.properties = properties;
  }

  @Override
  public Health health() {
    if (!properties.enabled()) {
      return Health.up().withDetail("detection", "switched off").build();
    }
    Health.Builder h =
        Health.up()
            .withDetail("wakeUp", wakeUp.mode())
            .withDetail("pollInterval", properties.pollInterval().toString())
            .withDetail("lastPoll", poller.lastPollOutcome());
    poller.lastPollAt().ifPresent(t -> h.withDetail("lastPollAt", t.toString()));
    if (wakeUp.lastWakeUp() != null) {
      h.withDetail("lastWakeUpAt", wakeUp.lastWakeUp().toString());
    }
    state.cursor().ifPresent(c -> h.withDetail("cursor", c.toString()));
    long skipped = state.skippedCount();
    h.withDetail("skipped", skipped);
    if (skipped > 0) {
      h.withDetail(
          "recentlySkipped",
          state.recentlySkipped(RECENT).stream()
              .map(
                  s -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("resource", s.resourceType() + "/" + s.resourceId());
                    m.put("version", s.versionId());
                    m.put("reason", s.reason());
                    m.put("at", s.at().toString());
                    return m;
                  })
              .toList());
    }
    return h.build();
  }
}
