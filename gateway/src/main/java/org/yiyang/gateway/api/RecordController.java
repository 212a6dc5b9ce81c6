package org.yiyang.gateway.api;

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
import org.yiyang.gateway.flow.record.RecordFlows;
import org.yiyang.gateway.flow.record.RecordIntake;
import org.yiyang.gateway.flow.record.RecordRoutes;
import org.yiyang.gateway.flow.record.RecordStore;
import org.yiyang.gateway.security.Access;
import org.yiyang.gateway.security.Caller;
import org.yiyang.gateway.security.Tenancy;
import org.yiyang.profiles.ErrorCode;

/**
 * Health records (v1): {@code /api/v1/assessments}, {@code /api/v1/checkups}, {@code
 * /api/v1/chronic-disease-followups}, {@code /api/v1/family-doctor-contracts}, {@code
 * /api/v1/cooperation-agreements}, {@code /api/v1/stay-events} — one collection per {@link
 * RecordFlow}.
 */
@RestController
public class RecordController {

  private final FlowInvoker flows;
  private final RequestGuard guard;
  private final RecordFlows records;

  public RecordController(FlowInvoker flows, RequestGuard guard, RecordFlows records) {
    this.flows = flows;
    this.guard = guard;
    this.records = records;
  }

  /** Sends one record: 201 when new, 200 when updated, 202 when accepted for later delivery. */
  @PostMapping("/api/v1/{collection}")
  @PreAuthorize(Access.FACILITY)
  public ResponseEntity<byte[]> post(
      @PathVariable String collection,
      @RequestBody(required = false) byte[] body,
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    RecordFlow flow = flow(collection);
    guard.requireJson(contentType);
    guard.requireSize(body, "/api/v1/" + flow.path());
    return flows.invoke(
        flow.toFhirEndpoint(),
        body,
        idempotencyKey == null ? Map.of() : Map.of(RecordIntake.IDEMPOTENCY_KEY, idempotencyKey),
        correlation);
  }

  /** Reads one record back from the FHIR server, in facility form; a facility's own only. */
  @GetMapping("/api/v1/{collection}/{facilityCode}/{recordNo}")
  @PreAuthorize(Access.FACILITY)
  public ResponseEntity<byte[]> get(
      @PathVariable String collection,
      @PathVariable String facilityCode,
      @PathVariable String recordNo,
      @RequestHeader(value = FlowInvoker.CORRELATION_HEADER, required = false) String correlation) {
    RecordFlow flow = flow(collection);
    Tenancy.requireOwnOrMissing(
        Caller.current().orElse(null), facilityCode, () -> RecordStore.notFound(flow));
    return flows.invoke(
        flow.fromFhirEndpoint(),
        null,
        Map.of(RecordRoutes.FACILITY_CODE, facilityCode, RecordRoutes.RECORD_NO, recordNo),
        correlation);
  }

  private RecordFlow flow(String collection) {
    return records
        .byPath(collection)
        .orElseThrow(
            () -> GatewayException.of(ErrorCode.NOT_FOUND, "", "No such path in the API."));
  }
}
