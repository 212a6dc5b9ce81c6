package org.yiyang.gateway.flow.referral;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.flow.FlowSteps;

/**
 * Reads one referral from the regional FHIR server in facility form (referral v1): the API's {@code
 * GET /api/v1/referrals/{id}} and the notifications of issue 6 both use it.
 *
 * <p>A referral's id is the id of its ServiceRequest ({@code ServiceRequest/{id}}). The facility
 * JSON carries {@code referralId}, {@code direction} ({@code up} or {@code down}), {@code
 * facilityCode} (the USCC of the eldercare facility the referral concerns: the requester of an
 * up-referral, the performer of a down-referral), {@code hospitalCode}, {@code status} (the Task's
 * status), {@code history} (each state with {@code at}, {@code by} and, when given, {@code
 * reason}), the green-channel appointment and the completion links ({@code completion.encounter},
 * {@code completion.dischargeSummary}, {@code completion.carePlan}). Never logs any of it.
 */
@Component
public class ReferralReader {

  /** The from-FHIR mapping: the read Bundle (see {@link ReferralStore#read}) → referral v1. */
  public static final String FROM_FHIR_MAPPING = "servicerequest-to-referral";

  private final ReferralStore store;
  private final FlowSteps steps;

  public ReferralReader(ReferralStore store, FlowSteps steps) {
    this.store = store;
    this.steps = steps;
  }

  /**
   * The referral in facility JSON, read now from the FHIR server; empty when no referral
   * ServiceRequest has this id (or the id is not a FHIR id).
   *
   * @throws RuntimeException when the FHIR server cannot be reached (HAPI client exceptions)
   */
  public Optional<JsonNode> read(String referralId) {
    return store.read(referralId).map(this::toFacilityJson);
  }

  /** The facility JSON of a read Bundle (the result of {@link ReferralStore#read}). */
  public JsonNode toFacilityJson(Bundle read) {
    return steps.mapFromFhir(FROM_FHIR_MAPPING, read);
  }

  /**
   * The USCC of the eldercare facility a referral concerns (the facility that notifications go to):
   * the same value as {@code facilityCode} in {@link #read}'s JSON.
   */
  public Optional<String> facilityCode(String referralId) {
    return read(referralId).map(json -> json.path("facilityCode").asText(null));
  }

  /**
   * The referral id a changed resource belongs to, without reading anything: a ServiceRequest is
   * its own referral, a Task points at it in {@code focus}, an Appointment in {@code basedOn}.
   * Empty for any other resource or when the reference is not a local {@code ServiceRequest/id}.
   */
  public static Optional<String> referralIdOf(IBaseResource changed) {
    if (changed instanceof ServiceRequest request) {
      return Optional.ofNullable(request.getIdElement().getIdPart());
    }
    if (changed instanceof Task task) {
      return serviceRequestId(task.getFocus());
    }
    if (changed instanceof Appointment appointment) {
      return appointment.getBasedOn().stream()
          .map(ReferralReader::serviceRequestId)
          .flatMap(Optional::stream)
          .findFirst();
    }
    return Optional.empty();
  }

  private static Optional<String> serviceRequestId(Reference reference) {
    if (reference == null || !reference.hasReference()) {
      return Optional.empty();
    }
    var id = reference.getReferenceElement();
    // A ServiceRequest on another server is not a referral of this one (absolute reference).
    return "ServiceRequest".equals(id.getResourceType()) && id.hasIdPart() && !id.isAbsolute()
        ? Optional.of(id.getIdPart())
        : Optional.empty();
  }
}
