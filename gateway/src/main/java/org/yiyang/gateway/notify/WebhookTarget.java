package org.yiyang.gateway.notify;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.delivery.DeliveryTarget;
import org.yiyang.gateway.delivery.DeliveryTargets;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.workflow.Workflows;
import org.yiyang.profiles.ErrorCode;

/**
 * Delivers a journaled notification to its facility's webhook: its thin form, signed at each
 * attempt, to a URL checked again now and an address checked as it is connected to (ADR 0054). A
 * 2xx answer delivers it; 5xx, 408/409/412/425/429, timeouts and broken connections are retried by
 * the delivery worker; a refused URL or address, a redirect or any other answer dead-letters it.
 */
@Component
public class WebhookTarget implements DeliveryTargets {

  private static final Logger log = LoggerFactory.getLogger(WebhookTarget.class);
  private static final Set<Integer> RETRYABLE_4XX = Set.of(408, 409, 412, 425, 429);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Webhooks webhooks;
  private final NotifyProperties properties;
  private final WebhookUrlPolicy policy;
  private final WebhookHttp http;
  private final Clock clock;
  private final List<Notifications.Instance> instances;

  @Autowired
  public WebhookTarget(
      Webhooks webhooks,
      NotifyProperties properties,
      WebhookUrlPolicy policy,
      WebhookHttp http,
      Workflows workflows) {
    this(
        webhooks,
        properties,
        policy,
        http,
        Clock.systemUTC(),
        workflows.all().stream().map(Notifications.Instance::of).toList());
  }

  /** The referral workflow's notifications only (tests). */
  WebhookTarget(
      Webhooks webhooks, NotifyProperties properties, WebhookUrlPolicy policy, WebhookHttp http) {
    this(
        webhooks,
        properties,
        policy,
        http,
        Clock.systemUTC(),
        List.of(Notifications.Instance.REFERRAL));
  }

  WebhookTarget(
      Webhooks webhooks,
      NotifyProperties properties,
      WebhookUrlPolicy policy,
      WebhookHttp http,
      Clock clock,
      List<Notifications.Instance> instances) {
    this.instances = List.copyOf(instances);
    this.webhooks = webhooks;
    this.properties = properties;
    this.policy = policy;
    this.http = http;
    this.clock = clock;
    for (int i = 0; i < properties.webhooks().size(); i++) {
      NotifyProperties.ConfiguredWebhook configured = properties.webhooks().get(i);
      try {
        policy.checkForDelivery(configured.url());
      } catch (GatewayException e) {
        throw new IllegalStateException(
            "gateway.notify.webhooks["
                + i
                + "] (facility "
                + configured.facilityCode()
                + "): "
                + e.issues().get(0).message());
      }
    }
  }

  /**
   * One target per workflow's notification flow ({@code referral.notify} …), all delivered here.
   */
  @Override
  public List<DeliveryTarget> targets() {
    return instances.stream()
        .map(Notifications.Instance::workflow)
        .map(Notifications::flowOf)
        .distinct()
        .<DeliveryTarget>map(
            flow ->
                new DeliveryTarget() {
                  @Override
                  public String flow() {
                    return flow;
                  }

                  @Override
                  public ApiResponse deliver(String payload) {
                    return WebhookTarget.this.deliver(payload);
                  }
                })
        .toList();
  }

  /** Delivers one journaled notification, of any workflow. */
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
      // Removed since the change was journaled: nothing to send; the instance stays readable.
      return ApiResponse.of(204, null, "no-webhook");
    }
    URI uri;
    try {
      uri = policy.checkForDelivery(webhook.url());
    } catch (WebhookUrlPolicy.RefusedUrlException e) {
      throw refused(facilityCode, e.rule(), e);
    }
    byte[] body =
        Notifications.thin(envelope, instances).toString().getBytes(StandardCharsets.UTF_8);
    long now = clock.instant().getEpochSecond();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(WebhookSignature.EVENT_ID_HEADER, envelope.path("eventId").asText());
    headers.put(WebhookSignature.EVENT_HEADER, envelope.path("event").asText());
    headers.put(
        WebhookSignature.HEADER,
        WebhookSignature.header(properties.signature(), webhook.secret(), now, body));
    int status;
    try {
      status = http.post(uri, headers, body);
    } catch (WebhookUrlPolicy.UnsafeAddressException e) {
      throw refused(facilityCode, e.rule(), e);
    } catch (InterruptedIOException e) {
      throw failure(ErrorCode.UPSTREAM_TIMEOUT, "The facility webhook did not answer in time.", e);
    } catch (IOException e) {
      throw failure(
          ErrorCode.UPSTREAM_UNAVAILABLE, "The facility webhook could not be reached.", e);
    }
    if (status >= 200 && status < 300) {
      return ApiResponse.of(status, null, "notified");
    }
    ErrorCode code =
        status >= 500 || RETRYABLE_4XX.contains(status)
            ? ErrorCode.UPSTREAM_UNAVAILABLE
            : ErrorCode.UPSTREAM_REJECTED;
    String message =
        status >= 300 && status < 400
            ? "The facility webhook answered HTTP " + status + "; redirects are not followed."
            : "The facility webhook answered HTTP " + status + ".";
    throw failure(
        code,
        message,
        BaseServerResponseException.newInstance(status, "Facility webhook answered " + status));
  }

  /** A URL or address refused at delivery: a dead letter naming the rule, never the URL. */
  private static GatewayException refused(String facilityCode, UrlRule rule, Throwable cause) {
    log.warn(
        "Webhook of facility {} refused at delivery by rule '{}'; not called",
        facilityCode,
        rule.code());
    return new GatewayException(
        ErrorCode.UNSAFE_URL,
        List.of(
            new GatewayException.Issue(
                ErrorCode.UNSAFE_URL, "url", rule.message() + " Checked at delivery; not called.")),
        cause);
  }

  private static GatewayException failure(ErrorCode code, String message, Throwable cause) {
    return new GatewayException(
        code, List.of(new GatewayException.Issue(code, "", message)), cause);
  }
}
