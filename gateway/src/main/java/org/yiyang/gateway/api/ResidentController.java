package org.yiyang.gateway.api;

import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.yiyang.gateway.flow.resident.ResidentIntake;
import org.yiyang.gateway.flow.resident.ResidentRoutes;
import org.yiyang.gateway.flow.resident.ResidentStore;
import org.yiyang.gateway.flow.summary.SummaryRoutes;
import org.yiyang.gateway.security.Access;
import org.yiyang.gateway.security.Caller;
import org.yiyang.gateway.security.Tenancy;

/**
 * Facility-side resident API (v1), for facilities; a facility sees its own residents only. The
 * routes do the work; this class only declares paths and who may call them.
 */
@RestController
@RequestMapping("/api/v1/residents")
public class ResidentController {

  private final FlowInvoker flows;
  private final RequestGuard guard;

  public ResidentController(FlowInvoker flows, RequestGuard guard) {
    this.flows = flows;
    this.guard = guard;
  }

  /**
   * Registers or updates a resident: 201 when the Patient is new, 200 when it is updated, within
   * the sync deadline; else 202 with the message's status URL. Idempotent per {@code
   * Idempotency-Key} (or per identical record when the header is absent).
   */
  @PostMapping
  @PreAuthorize(Access.FACILITY)
  public ResponseEntity<byte[]> post(
      @RequestBody(required = false) byte[] body,
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    guard.requireJson(contentType);
    guard.requireSize(body);
    Map<String, Object> headers =
        idempotencyKey == null ? Map.of() : Map.of(ResidentIntake.IDEMPOTENCY_KEY, idempotencyKey);
    return flows.invoke(ResidentRoutes.TO_FHIR, body, headers, correlation);
  }

  /** The resident's health record summary in facility form, read from the FHIR server. */
  @GetMapping("/{facilityCode}/{residentNo}/summary")
  @PreAuthorize(Access.FACILITY)
  public ResponseEntity<byte[]> summary(
      @PathVariable String facilityCode,
      @PathVariable String residentNo,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    Tenancy.requireOwnOrMissing(
        Caller.current().orElse(null), facilityCode, ResidentStore::notFound);
    return flows.invoke(
        SummaryRoutes.SUMMARY,
        null,
        Map.of(ResidentStore.FACILITY_CODE, facilityCode, ResidentStore.RESIDENT_NO, residentNo),
        correlation);
  }

  /** Reads a resident back from the FHIR server, in facility form. */
  @GetMapping("/{facilityCode}/{residentNo}")
  @PreAuthorize(Access.FACILITY)
  public ResponseEntity<byte[]> get(
      @PathVariable String facilityCode,
      @PathVariable String residentNo,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    Tenancy.requireOwnOrMissing(
        Caller.current().orElse(null), facilityCode, ResidentStore::notFound);
    return flows.invoke(
        ResidentRoutes.FROM_FHIR,
        null,
        Map.of(ResidentStore.FACILITY_CODE, facilityCode, ResidentStore.RESIDENT_NO, residentNo),
        correlation);
  }
}
