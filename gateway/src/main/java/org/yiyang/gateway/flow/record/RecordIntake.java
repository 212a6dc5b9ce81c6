package org.yiyang.gateway.flow.record;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.audit.RequestAudit;
import org.yiyang.gateway.delivery.MessageIntake;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.flow.resident.ResidentIntake;
import org.yiyang.profiles.ErrorCode;

/**
 * Journals a health record's transaction Bundle. Records share their resident's ordering key, so a
 * check-up sent right after the resident's registration is delivered after it, even when the FHIR
 * server was down in between.
 */
@Component
public class RecordIntake {

  /** Exchange property holding the checked facility record. */
  public static final String SOURCE = "yySourceRecord";

  public static final String IDEMPOTENCY_KEY = ResidentIntake.IDEMPOTENCY_KEY;

  private final MessageIntake intake;
  private final RecordFlows flows;
  private final RecordStore store;

  public RecordIntake(MessageIntake intake, RecordFlows flows, RecordStore store) {
    this.intake = intake;
    this.flows = flows;
    this.store = store;
  }

  public void requireCapacity() {
    intake.requireCapacity();
  }

  /**
   * A record of an unregistered resident is refused (404 naming {@code residentNo}), unless the
   * resident's registration is still waiting in the journal or the FHIR server cannot be asked.
   */
  public void requireRegisteredResident(
      @Header(RecordRoutes.FLOW) String flowName, @ExchangeProperty(SOURCE) JsonNode source) {
    if (!flows.byName(flowName).requiresResident()) {
      return;
    }
    String facilityCode = source.path("facilityCode").asText();
    String residentNo = source.path("residentNo").asText();
    if (intake.hasUndelivered(ResidentIntake.orderingKey(facilityCode, residentNo))) {
      return;
    }
    if (!store.residentIsKnownOrUnknowable(facilityCode, residentNo)) {
      throw GatewayException.of(
          ErrorCode.NOT_FOUND,
          "residentNo",
          "No resident with this facility code and resident number is registered; register the"
              + " resident with POST /api/v1/residents first.");
    }
  }

  public ApiResponse accept(
      @Header(RecordRoutes.FLOW) String flowName,
      @Header(IDEMPOTENCY_KEY) String idempotencyKey,
      @Header(ResidentIntake.CORRELATION_ID) String correlationId,
      @ExchangeProperty(SOURCE) JsonNode source,
      Bundle transaction) {
    RecordFlow flow = flows.byName(flowName);
    String facilityCode = source.path("facilityCode").asText();
    String recordNo = source.path(flow.recordNoField()).asText();
    String orderingKey =
        flow.orderedByResident()
            ? ResidentIntake.orderingKey(facilityCode, source.path("residentNo").asText())
            : MessageIntake.sha256(flow.toFhirFlow() + "|" + facilityCode + "|" + recordNo);
    RequestAudit.noteRecord(
        facilityCode,
        flow.requiresResident() ? source.path("residentNo").asText() : null,
        recordNo);
    return intake.submitBundle(
        flow.toFhirFlow(),
        facilityCode,
        orderingKey,
        recordNo,
        idempotencyKey,
        correlationId,
        transaction);
  }
}
