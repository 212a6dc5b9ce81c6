package org.yiyang.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yiyang.gateway.GatewayClient.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yiyang.gateway.notify.WebhookSignature;

/** The facility's webhook (WireMock) in the notification tests: what it was sent, and checks. */
public final class FacilityWebhook {

  private FacilityWebhook() {}

  /** Every call the webhook received, oldest first. */
  public static List<ServeEvent> served(WireMockExtension facility) {
    List<ServeEvent> served = new ArrayList<>(facility.getAllServeEvents());
    served.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
    return served;
  }

  /** The event of one webhook call, checked for its signature with this secret and its event id. */
  public static JsonNode signedEvent(ServeEvent e, String secret) throws IOException {
    byte[] body = e.getRequest().getBody();
    assertThat(
            WebhookSignature.verify(
                secret, e.getRequest().getHeader(WebhookSignature.HEADER), body))
        .as("signature of %s", e.getRequest().getBodyAsString())
        .isTrue();
    JsonNode event = JSON.readTree(body);
    assertThat(e.getRequest().getHeader(WebhookSignature.EVENT_ID_HEADER))
        .isEqualTo(event.path("eventId").asText());
    return event;
  }
}
