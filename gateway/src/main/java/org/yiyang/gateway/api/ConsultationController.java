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
import org.springframework.web.bind.annotation.RequestParam;
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
 * Remote consultations (远程会诊, issue 20): the facility that invites asks for an opinion, follows the
 * consultation, supplies the material the hospital asks for and may cancel; the invited hospital
 * works on the FHIR server ({@code /fhir}). Binds HTTP to the consultation workflow (its descriptor
 * {@code mappings/workflows/consultation/workflow.json}, run by {@link WorkflowEngine}); every path
 * is the facility's, for its own consultations only (ADR 0050).
 */
@RestController
public class ConsultationController {

  static final String WORKFLOW = "consultation";
  static final String PATH = "/api/v1/consultations";

  private final FlowInvoker flows;
  private final RequestGuard guard;
  private final WorkflowEngine engine;
  private final String intake;

  public ConsultationController(
      FlowInvoker flows, RequestGuard guard, WorkflowEngine engine, Workflows workflows) {
    this.flows = flows;
    this.guard = guard;
    this.engine = engine;
    this.intake = RecordFlow.toFhirEndpoint(workflows.byName(WORKFLOW).intake());
  }

  /**
   * Asks for a consultation: 201 + Location {@code /api/v1/consultations/{id}}, 200 on a resend.
   */
  @PostMapping(PATH)
  @PreAuthorize(Access.FACILITY)
  public ResponseEntity<byte[]> post(
      @RequestBody(required = false) byte[] body,
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    guard.requireJson(contentType);
    guard.requireSize(body, PATH);
    return flows.invoke(
        intake,
        body,
        idempotencyKey == null ? Map.of() : Map.of(RecordIntake.IDEMPOTENCY_KEY, idempotencyKey),
        correlation);
  }

  /** The facility's consultations, the most recently changed first, by state and change time. */
  @GetMapping(PATH)
  @PreAuthorize(Access.FACILITY)
  public ResponseEntity<byte[]> list(
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String since,
      @RequestParam(required = false) String page,
      @RequestParam(required = false) String size,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    Map<String, Object> headers = new HashMap<>();
    put(headers, WorkflowEngine.LIST_STATE, state);
    put(headers, WorkflowEngine.LIST_SINCE, since);
    put(headers, WorkflowEngine.LIST_PAGE, page);
    put(headers, WorkflowEngine.LIST_SIZE, size);
    return flows.invoke(WorkflowRoutes.list(WORKFLOW), null, headers, correlation);
  }

  /** The consultation with its state, history, material requests and report. */
  @GetMapping(PATH + "/{consultationId}")
  @PreAuthorize(Access.FACILITY)
  public ResponseEntity<byte[]> get(
      @PathVariable String consultationId,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    return flows.invoke(
        WorkflowRoutes.read(WORKFLOW),
        null,
        Map.of(WorkflowEngine.INSTANCE_ID, consultationId),
        correlation);
  }

  /** A consultation by the facility's own number for it. */
  @GetMapping(PATH + "/{facilityCode}/{consultationNo}")
  @PreAuthorize(Access.FACILITY)
  public ResponseEntity<byte[]> getByNumber(
      @PathVariable String facilityCode,
      @PathVariable String consultationNo,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    Map<String, Object> headers = new HashMap<>();
    headers.put(WorkflowEngine.FACILITY_CODE, facilityCode);
    headers.put(WorkflowEngine.RECORD_NO, consultationNo);
    return flows.invoke(WorkflowRoutes.readByNumber(WORKFLOW), null, headers, correlation);
  }

  /**
   * {@code material}: a batch of material (consultation material v1) that answers the hospital's
   * request and takes the consultation back from on-hold; {@code cancel}: body empty or {@code
   * {"reason": "…"}}.
   */
  @PostMapping(PATH + "/{consultationId}/{action}")
  @PreAuthorize(Access.FACILITY)
  public ResponseEntity<byte[]> act(
      @PathVariable String consultationId,
      @PathVariable String action,
      @RequestBody(required = false) byte[] body,
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    if (!engine.isAction(WORKFLOW, action)) {
      throw GatewayException.of(ErrorCode.NOT_FOUND, "", "No such path in the API.");
    }
    if (body != null && body.length > 0) {
      guard.requireJson(contentType);
      guard.requireSize(body, PATH);
    }
    Map<String, Object> headers = new HashMap<>();
    headers.put(WorkflowEngine.INSTANCE_ID, consultationId);
    headers.put(WorkflowEngine.ACTION, action);
    put(headers, RecordIntake.IDEMPOTENCY_KEY, idempotencyKey);
    return flows.invoke(WorkflowRoutes.act(WORKFLOW), body, headers, correlation);
  }

  private static void put(Map<String, Object> headers, String name, String value) {
    if (value != null) {
      headers.put(name, value);
    }
  }
}
