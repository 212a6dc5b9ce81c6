package org.yiyang.gateway.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The webhook settings as application.yaml and environment variables give them. */
class NotifyPropertiesBindingTest {

  @Test
  void theDefaultsAreHttpsOnlyNoAllowListAndHmacSha256() {
    // application.yaml: allowed-hosts: ${GATEWAY_NOTIFY_ALLOWED_HOSTS:} is "" when unset.
    NotifyProperties p =
        bind(Map.of("gateway.notify.allowed-hosts", "", "gateway.notify.allow-http", "false"));
    assertThat(p.allowHttp()).isFalse();
    assertThat(p.allowedHosts()).isEmpty();
    assertThat(p.signature()).isEqualTo(WebhookSignature.Algorithm.HMAC_SHA256);
  }

  @Test
  void anAllowListAndTheSm3VariantAsEnvironmentVariablesGiveThem() {
    NotifyProperties p =
        bind(
            Map.of(
                "gateway.notify.allowed-hosts",
                "hooks.internal, 10.2.3.4:8443",
                "gateway.notify.signature",
                "HMAC-SM3"));
    assertThat(p.allowedHosts()).containsExactly("hooks.internal", "10.2.3.4:8443");
    assertThat(p.signature()).isEqualTo(WebhookSignature.Algorithm.HMAC_SM3);
  }

  private static NotifyProperties bind(Map<String, String> values) {
    return new Binder(new MapConfigurationPropertySource(values))
        .bindOrCreate("gateway.notify", NotifyProperties.class);
  }
}
