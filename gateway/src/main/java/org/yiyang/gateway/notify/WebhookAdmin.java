package org.yiyang.gateway.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * Registering, showing and removing a facility's webhook. The URL must pass {@link
 * WebhookUrlPolicy} (ADR 0054); the secret is write-only: no answer and no log line carries it, and
 * it is stored sealed.
 */
@Component
public class WebhookAdmin {

  private static final Logger log = LoggerFactory.getLogger(WebhookAdmin.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("url", "secret");

  /** Standard Webhooks: a secret of at least 24 bytes (192 bits). */
  public static final int MIN_SECRET_BYTES = 24;

  public static final int MAX_SECRET_BYTES = 256;

  private final Webhooks webhooks;
  private final WebhookUrlPolicy policy;

  public WebhookAdmin(Webhooks webhooks, WebhookUrlPolicy policy) {
    this.webhooks = webhooks;
    this.policy = policy;
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
    try {
      policy.checkForRegistration(url);
    } catch (WebhookUrlPolicy.RefusedUrlException e) {
      log.info("Webhook for facility {} refused by rule '{}'", facilityCode, e.rule().code());
      throw e;
    }
    String secret = text(request, "secret");
    boolean exists = webhooks.registered(facilityCode);
    if (secret == null && !exists) {
      throw GatewayException.of(
          ErrorCode.REQUIRED_FIELD, "secret", "secret is required when registering a webhook.");
    }
    int secretBytes = secret == null ? 0 : secret.getBytes(StandardCharsets.UTF_8).length;
    if (secret != null && (secretBytes < MIN_SECRET_BYTES || secretBytes > MAX_SECRET_BYTES)) {
      throw GatewayException.of(
          ErrorCode.INVALID_VALUE,
          "secret",
          "secret must be "
              + MIN_SECRET_BYTES
              + " to "
              + MAX_SECRET_BYTES
              + " bytes long (UTF-8); draw it from a random source.");
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
}
