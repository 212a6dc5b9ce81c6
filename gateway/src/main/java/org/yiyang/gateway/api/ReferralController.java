package org.yiyang.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.flow.record.RecordFlow;
import org.yiyang.gateway.flow.record.RecordFlows;
import org.yiyang.gateway.flow.record.RecordIntake;
import org.yiyang.gateway.flow.referral.ReferralActions;
import org.yiyang.gateway.flow.referral.ReferralRoutes;
import org.yiyang.gateway.security.Access;
import org.yiyang.profiles.ErrorCode;

/**
 * Referrals (v1, issue 6): a facility sends up-referrals; the facility and the hospital a referral
 * concerns read it and take their steps on it. The acting party is the caller's organization, from
 * its access token (ADR 0050).
 */
@RestController
public class ReferralController {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FlowInvoker flows;
  private final RequestGuard guard;

  public ReferralController(FlowInvoker flows, RequestGuard guard) {
    this.flows = flows;
    this.guard = guard;
  }

  /** Sends an up-referral: 201 + Location {@code /api/v1/referrals/{id}}, 200 on a resend. */
  @PostMapping("/api/v1/referrals")
  @PreAuthorize(Access.FACILITY)
  public ResponseEntity<byte[]> post(
      @RequestBody(required = false) byte[] body,
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    guard.requireJson(contentType);
    guard.requireSize(body);
    requireUpReferral(body);
    ResponseEntity<byte[]> answer =
        flows.invoke(
            RecordFlow.toFhirEndpoint(RecordFlows.REFERRAL),
            body,
            idempotencyKey == null
                ? Map.of()
                : Map.of(RecordIntake.IDEMPOTENCY_KEY, idempotencyKey),
            correlation);
    return withReferralLocation(answer);
  }

  /** The referral with its status and history, read from the FHIR server, for its parties. */
  @GetMapping("/api/v1/referrals/{referralId}")
  @PreAuthorize(Access.FACILITY_OR_HOSPITAL)
  public ResponseEntity<byte[]> get(
      @PathVariable String referralId,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    return flows.invoke(
        ReferralRoutes.READ, null, Map.of(ReferralActions.REFERRAL_ID, referralId), correlation);
  }

  /** An up-referral by the facility's own referral number (as the other records are read). */
  @GetMapping("/api/v1/referrals/{facilityCode}/{referralNo}")
  @PreAuthorize(Access.FACILITY)
  public ResponseEntity<byte[]> getByNumber(
      @PathVariable String facilityCode,
      @PathVariable String referralNo,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    Map<String, Object> headers = new HashMap<>();
    headers.put(ReferralActions.FACILITY_CODE, facilityCode);
    headers.put(ReferralActions.REFERRAL_NO, referralNo);
    return flows.invoke(ReferralRoutes.READ_BY_NUMBER, null, headers, correlation);
  }

  /** accept | reject | complete | cancel; body empty or {@code {"reason": "…"}}. */
  @PostMapping("/api/v1/referrals/{referralId}/{action}")
  @PreAuthorize(Access.FACILITY_OR_HOSPITAL)
  public ResponseEntity<byte[]> act(
      @PathVariable String referralId,
      @PathVariable String action,
      @RequestBody(required = false) byte[] body,
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    if (!ReferralActions.isAction(action)) {
      throw GatewayException.of(ErrorCode.NOT_FOUND, "", "No such path in the API.");
    }
    if (body != null && body.length > 0) {
      guard.requireJson(contentType);
      guard.requireSize(body);
    }
    Map<String, Object> headers = new HashMap<>();
    headers.put(ReferralActions.REFERRAL_ID, referralId);
    headers.put(ReferralActions.ACTION, action);
    return flows.invoke(ReferralRoutes.ACT, body, headers, correlation);
  }

  /**
   * A facility sends up-referrals only: a body marked {@code "direction": "down"} is refused
   * (down-referrals are the hospital's, on the FHIR server). That the body's facilityCode is the
   * caller's own is checked by the flow, as for every record. A body that is not JSON is left to
   * the flow, which names the error.
   */
  private static void requireUpReferral(byte[] body) {
    JsonNode json;
    try {
      json = body == null ? null : JSON.readTree(body);
    } catch (java.io.IOException notJson) {
      return;
    }
    if (json != null && json.isObject() && "down".equals(json.path("direction").asText())) {
      throw GatewayException.of(
          ErrorCode.INVALID_VALUE,
          "direction",
          "direction: a facility sends up-referrals; down-referrals come from the hospital.");
    }
  }

  /** 201/200 answers point at {@code /api/v1/referrals/{id}}, the id of the ServiceRequest. */
  private static ResponseEntity<byte[]> withReferralLocation(ResponseEntity<byte[]> answer) {
    int status = answer.getStatusCode().value();
    if ((status != 200 && status != 201) || answer.getBody() == null) {
      return answer;
    }
    try {
      JsonNode body = JSON.readTree(answer.getBody());
      String id = null;
      for (JsonNode resource : body.path("resources")) {
        String url = resource.asText();
        if (url.startsWith("ServiceRequest/")) {
          id = url.substring("ServiceRequest/".length());
        }
      }
      if (id == null || !(body instanceof ObjectNode object)) {
        return answer;
      }
      String location = "/api/v1/referrals/" + id;
      object.put("referralId", id);
      object.put("record", location);
      HttpHeaders headers = new HttpHeaders();
      headers.putAll(answer.getHeaders());
      headers.set(HttpHeaders.LOCATION, location);
      return ResponseEntity.status(status)
          .headers(headers)
          .body(object.toPrettyString().getBytes(StandardCharsets.UTF_8));
    } catch (java.io.IOException notJson) {
      return answer;
    }
  }
}
