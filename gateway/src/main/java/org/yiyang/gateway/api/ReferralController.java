package org.yiyang.gateway.api;

import java.util.HashMap;
import java.util.Map;
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
import org.yiyang.gateway.flow.record.RecordIntake;
import org.yiyang.gateway.security.Access;
import org.yiyang.gateway.workflow.WorkflowEngine;
import org.yiyang.gateway.workflow.WorkflowRoutes;
import org.yiyang.gateway.workflow.Workflows;
import org.yiyang.profiles.ErrorCode;

/**
 * Referrals (v1, issue 6): a facility sends up-referrals; the facility and the hospital a referral
 * concerns read it and take their steps on it. Binds HTTP to the referral workflow (its descriptor
 * {@code mappings/workflows/referral/workflow.json}, run by {@link WorkflowEngine}); the acting
 * party is the caller's organization, from its access token (ADR 0050).
 */
@RestController
public class ReferralController {

  private static final String WORKFLOW = Workflows.REFERRAL;

  private final FlowInvoker flows;
  private final RequestGuard guard;
  private final WorkflowEngine engine;
  private final String intake;

  public ReferralController(
      FlowInvoker flows, RequestGuard guard, WorkflowEngine engine, Workflows workflows) {
    this.flows = flows;
    this.guard = guard;
    this.engine = engine;
    this.intake = RecordFlow.toFhirEndpoint(workflows.byName(WORKFLOW).intake());
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
    return flows.invoke(
        intake,
        body,
        idempotencyKey == null ? Map.of() : Map.of(RecordIntake.IDEMPOTENCY_KEY, idempotencyKey),
        correlation);
  }

  /** The referral with its status and history, read from the FHIR server, for its parties. */
  @GetMapping("/api/v1/referrals/{referralId}")
  @PreAuthorize(Access.FACILITY_OR_HOSPITAL)
  public ResponseEntity<byte[]> get(
      @PathVariable String referralId,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    return flows.invoke(
        WorkflowRoutes.read(WORKFLOW),
        null,
        Map.of(WorkflowEngine.INSTANCE_ID, referralId),
        correlation);
  }

  /** An up-referral by the facility's own referral number (as the other records are read). */
  @GetMapping("/api/v1/referrals/{facilityCode}/{referralNo}")
  @PreAuthorize(Access.FACILITY)
  public ResponseEntity<byte[]> getByNumber(
      @PathVariable String facilityCode,
      @PathVariable String referralNo,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    Map<String, Object> headers = new HashMap<>();
    headers.put(WorkflowEngine.FACILITY_CODE, facilityCode);
    headers.put(WorkflowEngine.RECORD_NO, referralNo);
    return flows.invoke(WorkflowRoutes.readByNumber(WORKFLOW), null, headers, correlation);
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
    if (!engine.isAction(WORKFLOW, action)) {
      throw GatewayException.of(ErrorCode.NOT_FOUND, "", "No such path in the API.");
    }
    if (body != null && body.length > 0) {
      guard.requireJson(contentType);
      guard.requireSize(body);
    }
    Map<String, Object> headers = new HashMap<>();
    headers.put(WorkflowEngine.INSTANCE_ID, referralId);
    headers.put(WorkflowEngine.ACTION, action);
    return flows.invoke(WorkflowRoutes.act(WORKFLOW), body, headers, correlation);
  }
}
