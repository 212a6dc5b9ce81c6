package org.yiyang.gateway.notify;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.delivery.DeliveryTarget;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;

/**
 * Delivers a journaled notification to its facility's webhook: the envelope exactly as journaled,
 * signed at each attempt. A 2xx answer delivers it; 5xx, 408/409/412/425/429, timeouts and broken
 * connections are retried by the delivery worker; any other answer dead-letters it.
 */
@Component
public class WebhookTarget implements DeliveryTarget {

  private static final Set<Integer> RETRYABLE_4XX = Set.of(408, 409, 412, 425, 429);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Webhooks webhooks;
  private final NotifyProperties properties;
  private final HttpClient http;
  private final Clock clock;

  @Autowired
  public WebhookTarget(Webhooks webhooks, NotifyProperties properties) {
    this(webhooks, properties, Clock.systemUTC());
  }

  WebhookTarget(Webhooks webhooks, NotifyProperties properties, Clock clock) {
    this.webhooks = webhooks;
    this.properties = properties;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(properties.webhookTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public String flow() {
    return Notifications.FLOW;
  }

  @Override
  public ApiResponse deliver(String payload) {
    JsonNode envelope;
    try {
      envelope = JSON.readTree(payload);
    } catch (IOException e) {
      throw new IllegalStateException("A journaled notification is not JSON", e);
    }
    String facilityCode = envelope.path("facilityCode").asText();
    Webhooks.Webhook webhook = webhooks.find(facilityCode).orElse(null);
    if (webhook == null) {
      // Removed since the change was journaled: nothing to send; the referral stays readable.
      return ApiResponse.of(204, null, "no-webhook");
    }
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    long now = clock.instant().getEpochSecond();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(webhook.url()))
            .timeout(properties.webhookTimeout())
            .header("Content-Type", "application/json; charset=utf-8")
            .header(WebhookSignature.EVENT_ID_HEADER, envelope.path("eventId").asText())
            .header(WebhookSignature.EVENT_HEADER, envelope.path("event").asText())
            .header(WebhookSignature.HEADER, WebhookSignature.header(webhook.secret(), now, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    int status;
    try {
      status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (HttpTimeoutException e) {
      throw failure(ErrorCode.UPSTREAM_TIMEOUT, "The facility webhook did not answer in time.", e);
    } catch (IOException e) {
      throw failure(
          ErrorCode.UPSTREAM_UNAVAILABLE, "The facility webhook could not be reached.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(ErrorCode.UPSTREAM_UNAVAILABLE, "Interrupted while calling the webhook.", e);
    }
    if (status >= 200 && status < 300) {
      return ApiResponse.of(status, null, "notified");
    }
    ErrorCode code =
        status >= 500 || RETRYABLE_4XX.contains(status)
            ? ErrorCode.UPSTREAM_UNAVAILABLE
            : ErrorCode.UPSTREAM_REJECTED;
    throw failure(
        code,
        "The facility webhook answered HTTP " + status + ".",
        BaseServerResponseException.newInstance(status, "Facility webhook answered " + status));
  }

  private static GatewayException failure(ErrorCode code, String message, Throwable cause) {
    return new GatewayException(
        code, List.of(new GatewayException.Issue(code, "", message)), cause);
  }
}
