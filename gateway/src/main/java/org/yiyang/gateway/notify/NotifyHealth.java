package org.yiyang.gateway.notify;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health detail {@code referralNotifications}: how changes are detected (subscription or polling
 * only, and why) and how the last poll went. Never any record data; always UP, since polling alone
 * is a complete way of working.
 */
@Component("referralNotificationsHealthIndicator")
public class NotifyHealth implements HealthIndicator {

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
    return h.build();
  }
}
