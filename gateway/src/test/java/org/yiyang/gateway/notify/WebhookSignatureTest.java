package org.yiyang.gateway.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The webhook signature against a vector computed independently with openssl. */
class WebhookSignatureTest {

  private static final byte[] BODY =
      "{\"event\":\"referral.status-changed\"}".getBytes(StandardCharsets.UTF_8);

  /**
   * {@code printf '%s' '1700000000.{"event":"referral.status-changed"}' | openssl dgst -sha256
   * -hmac whsec_test}.
   */
  private static final String OPENSSL =
      "965e8916dc825827f14d6336cd05cf753cb47c3e4524a9a8c3506fc6ea823eca";

  @Test
  void theHeaderCarriesTheTimestampAndTheHmacOfTimestampDotBody() {
    assertThat(WebhookSignature.header("whsec_test", 1_700_000_000L, BODY))
        .isEqualTo("t=1700000000,v1=" + OPENSSL);
  }

  @Test
  void aReceiverAcceptsTheRightSignatureOnly() {
    String header = WebhookSignature.header("whsec_test", 1_700_000_000L, BODY);
    assertThat(WebhookSignature.verify("whsec_test", header, BODY)).isTrue();
    assertThat(WebhookSignature.verify("whsec_other", header, BODY)).isFalse();
    byte[] tampered = "{\"event\":\"referral.created\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(WebhookSignature.verify("whsec_test", header, tampered)).isFalse();
    // The timestamp is signed too: moving it breaks the signature.
    assertThat(WebhookSignature.verify("whsec_test", header.replace("t=17", "t=18"), BODY))
        .isFalse();
    assertThat(WebhookSignature.verify("whsec_test", "v1=" + OPENSSL, BODY)).isFalse();
    assertThat(WebhookSignature.verify("whsec_test", null, BODY)).isFalse();
  }

  @Test
  void eventIdsAreStablePerFacilityAndTaskVersion() {
    String a = Notifications.eventId("52330300MJ8712345N", "t1", 2);
    assertThat(Notifications.eventId("52330300MJ8712345N", "t1", 2)).isEqualTo(a);
    assertThat(Notifications.eventId("52330300MJ8712345N", "t1", 3)).isNotEqualTo(a);
  }
}
