package org.yiyang.gateway.notify;

import java.time.Duration;
import java.util.List;

/** {@link NotifyProperties} for tests without Spring: the defaults, changed where named. */
final class NotifyTestProperties {

  private NotifyTestProperties() {}

  static NotifyProperties defaults() {
    return of(false, List.of(), WebhookSignature.Algorithm.HMAC_SHA256, List.of());
  }

  static NotifyProperties of(
      boolean allowHttp,
      List<String> allowedHosts,
      WebhookSignature.Algorithm signature,
      List<NotifyProperties.ConfiguredWebhook> webhooks) {
    return new NotifyProperties(
        true,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        100,
        false,
        "",
        Duration.ofSeconds(5),
        webhooks,
        allowHttp,
        allowedHosts,
        signature);
  }
}
