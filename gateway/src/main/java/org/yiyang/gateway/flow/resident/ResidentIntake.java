package org.yiyang.gateway.flow.resident;

import org.apache.camel.Header;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.audit.RequestAudit;
import org.yiyang.gateway.delivery.MessageIntake;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.profiles.Canonical;

/**
 * Turns a resident's mapped transaction Bundle into a journal message. Its idempotency key is the
 * caller's {@code Idempotency-Key}, else facility + resident + a hash of the mapped content: an
 * identical resend is the same message, a changed record a new one. Messages of one resident are
 * delivered in order.
 */
@Component
public class ResidentIntake {

  public static final String FLOW = "resident.to-fhir";
  public static final String IDEMPOTENCY_KEY = "yyIdempotencyKey";
  public static final String CORRELATION_ID = "X-Correlation-Id";

  private final MessageIntake intake;

  public ResidentIntake(MessageIntake intake) {
    this.intake = intake;
  }

  /** Refuses new records early (before parsing) while the journal's backlog is full. */
  public void requireCapacity() {
    intake.requireCapacity();
  }

  public ApiResponse accept(
      @Header(IDEMPOTENCY_KEY) String idempotencyKey,
      @Header(CORRELATION_ID) String correlationId,
      Bundle transaction) {
    Patient patient =
        transaction.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Patient.class::isInstance)
            .map(Patient.class::cast)
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("The resident mapping produced no Patient"));
    Identifier residentNo =
        patient.getIdentifier().stream()
            .filter(i -> i.getSystem() != null)
            .filter(i -> i.getSystem().startsWith(Canonical.RESIDENT_NO_SYSTEM_PREFIX))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException("The resident mapping produced no resident number"));
    String facilityCode =
        residentNo.getSystem().substring(Canonical.RESIDENT_NO_SYSTEM_PREFIX.length());
    RequestAudit.noteRecord(facilityCode, residentNo.getValue(), null);
    return intake.submitBundle(
        FLOW,
        facilityCode,
        orderingKey(facilityCode, residentNo.getValue()),
        residentNo.getValue(),
        idempotencyKey,
        correlationId,
        transaction);
  }

  /**
   * One ordering key per resident, shared by every flow about that resident: a record is delivered
   * after the resident's own registration.
   */
  public static String orderingKey(String facilityCode, String residentNo) {
    return MessageIntake.sha256(FLOW + "|" + facilityCode + "|" + residentNo);
  }
}
