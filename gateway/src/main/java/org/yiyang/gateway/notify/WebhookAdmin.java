package org.yiyang.gateway.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.flow.RecordKeys;
import org.yiyang.profiles.ErrorCode;

/**
 * Registering, showing and removing a facility's webhook. The secret is write-only: no answer and
 * no log line carries it.
 */
@Component
public class WebhookAdmin {

  private static final Logger log = LoggerFactory.getLogger(WebhookAdmin.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("url", "secret");

  private final Webhooks webhooks;

  public WebhookAdmin(Webhooks webhooks) {
    this.webhooks = webhooks;
  }

  /** Registers or replaces the webhook: {@code {"url": "...", "secret": "..."}}. */
  public ApiResponse put(String facilityCode, byte[] body) {
    RecordKeys.requireFacilityCode(facilityCode);
    JsonNode request;
    try {
      request = JSON.readTree(body);
    } catch (IOException e) {
      throw GatewayException.of(ErrorCode.MALFORMED_JSON, "", "The body is not well-formed JSON.");
    }
    if (request == null || !request.isObject()) {
      throw GatewayException.of(
          ErrorCode.INVALID_VALUE, "", "The body must be a JSON object with url and secret.");
    }
    for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw GatewayException.of(
            ErrorCode.UNKNOWN_FIELD, name, "Only url and secret are defined for a webhook.");
      }
    }
    String url = text(request, "url");
    if (url == null) {
      throw GatewayException.of(ErrorCode.REQUIRED_FIELD, "url", "url is required.");
    }
    requireUrl(url);
    String secret = text(request, "secret");
    boolean exists = webhooks.registered(facilityCode);
    if (secret == null && !exists) {
      throw GatewayException.of(
          ErrorCode.REQUIRED_FIELD, "secret", "secret is required when registering a webhook.");
    }
    if (secret != null && (secret.length() < 16 || secret.length() > 256)) {
      throw GatewayException.of(
          ErrorCode.INVALID_VALUE, "secret", "secret must be 16 to 256 characters long.");
    }
    boolean created = webhooks.put(facilityCode, url, secret, Instant.now());
    log.info("Webhook {} for facility {}", created ? "registered" : "updated", facilityCode);
    ApiResponse answer = show(webhooks.find(facilityCode).orElseThrow());
    return created ? new ApiResponse(201, answer.headers(), answer.body(), "created") : answer;
  }

  public ApiResponse get(String facilityCode) {
    RecordKeys.requireFacilityCode(facilityCode);
    return webhooks.find(facilityCode).map(WebhookAdmin::show).orElseThrow(() -> notFound());
  }

  /** Removes the registration; a webhook from configuration can only be changed there. */
  public ApiResponse delete(String facilityCode) {
    RecordKeys.requireFacilityCode(facilityCode);
    if (!webhooks.delete(facilityCode)) {
      if (webhooks.find(facilityCode).isPresent()) {
        throw GatewayException.of(
            ErrorCode.CONFLICT,
            "facilityCode",
            "This facility's webhook comes from configuration (gateway.notify.webhooks); change it"
                + " there.");
      }
      throw notFound();
    }
    log.info("Webhook removed for facility {}", facilityCode);
    return ApiResponse.of(204, null, "deleted");
  }

  /** No webhook for this facility, or (to a facility) another facility's webhook (ADR 0050). */
  public static GatewayException notFound() {
    return GatewayException.of(
        ErrorCode.NOT_FOUND, "facilityCode", "No webhook is registered for this facility.");
  }

  private static ApiResponse show(Webhooks.Webhook webhook) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("facilityCode", webhook.facilityCode());
    body.put("url", webhook.url());
    body.put("source", webhook.source().name().toLowerCase(java.util.Locale.ROOT));
    // Write-only: its presence is shown, never its value.
    body.put("secret", "set");
    return ApiResponse.of(200, body, "ok");
  }

  private static String text(JsonNode request, String field) {
    JsonNode value = request.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw GatewayException.of(
          ErrorCode.INVALID_VALUE, field, field + " must be a non-empty string.");
    }
    return value.asText();
  }

  private static void requireUrl(String url) {
    try {
      URI uri = new URI(url);
      if (url.length() <= 2048
          && uri.isAbsolute()
          && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getUserInfo() == null) {
        return;
      }
    } catch (java.net.URISyntaxException e) {
      // Reported below.
    }
    throw GatewayException.of(
        ErrorCode.INVALID_VALUE,
        "url",
        "url must be an absolute http or https URL without user info, at most 2048 characters.");
  }
}
