package org.yiyang.gateway.flow.resident;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.apache.camel.Header;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.delivery.DeliveryTarget;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.gateway.flow.RecordKeys;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.Fhir;

/**
 * Writes residents to the regional FHIR server and reads them back. A resident is one Patient,
 * known by facility code + resident number (its deterministic id) and by citizen ID number.
 */
@Component
public class ResidentStore implements DeliveryTarget {

  public static final String FACILITY_CODE = "yyFacilityCode";
  public static final String RESIDENT_NO = "yyResidentNo";

  private final FhirServer fhir;

  public ResidentStore(FhirServer fhir) {
    this.fhir = fhir;
  }

  @Override
  public String flow() {
    return ResidentIntake.FLOW;
  }

  /**
   * Delivers a journaled resident message. The citizen-ID conflict check runs here, just before the
   * write, because only then does it see the FHIR server's present state; a conflict is final
   * (dead, GW-1013), not retried.
   */
  @Override
  public ApiResponse deliver(String payload) {
    return write(Fhir.r4().newJsonParser().parseResource(Bundle.class, payload));
  }

  /**
   * Sends the resident's transaction Bundle (facility Organization created on first use, Patient
   * updated or created under its deterministic id). 201 when the Patient is new, 200 otherwise.
   */
  public ApiResponse write(Bundle transaction) {
    int patientIndex = indexOfPatient(transaction);
    Patient patient = (Patient) transaction.getEntry().get(patientIndex).getResource();
    String patientId = patient.getIdElement().getIdPart();
    requireNoOtherResidentWithSameCitizenId(patient, patientId)
        .ifPresent(current -> keepStayState(current, patient));

    IGenericClient client = fhir.client();
    Bundle response = client.transaction().withBundle(transaction).execute();
    Bundle.BundleEntryResponseComponent result =
        response.getEntry().get(patientIndex).getResponse();
    boolean created = result.getStatus() != null && result.getStatus().startsWith("201");
    String versionId = versionOf(result.getLocation());

    Identifier residentNo = residentNoIdentifier(patient).orElseThrow();
    String facilityCode =
        residentNo.getSystem().substring(Canonical.RESIDENT_NO_SYSTEM_PREFIX.length());
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("outcome", created ? "created" : "updated");
    body.put("patient", "Patient/" + patientId);
    if (versionId != null) {
      body.put("versionId", versionId);
    }
    body.put("resident", "/api/v1/residents/" + facilityCode + "/" + residentNo.getValue());
    return ApiResponse.of(created ? 201 : 200, body, created ? "created" : "updated")
        .withHeader("Location", fhir.baseUrl() + "/Patient/" + patientId);
  }

  /** Reads the Patient of a resident; 404 when the FHIR server has none. */
  public Patient read(
      @Header(FACILITY_CODE) String facilityCode, @Header(RESIDENT_NO) String residentNo) {
    RecordKeys.requireFacilityCode(facilityCode);
    RecordKeys.requireRecordNo("residentNo", residentNo, 32);
    Bundle found =
        fhir.identifierSearch("Patient", Canonical.residentNoSystem(facilityCode), residentNo)
            .execute();
    return found.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(Patient.class::isInstance)
        .map(Patient.class::cast)
        .findFirst()
        .orElseThrow(ResidentStore::notFound);
  }

  /**
   * The answer to a resident who is not registered, and to another facility's resident (ADR 0050:
   * the two cannot be told apart).
   */
  public static GatewayException notFound() {
    return GatewayException.of(
        ErrorCode.NOT_FOUND,
        "residentNo",
        "No resident with this facility code and resident number is registered.");
  }

  /**
   * Throws GW-1013 when another resident record holds the citizen ID; returns this resident's
   * current Patient when the same search found it.
   */
  private Optional<Patient> requireNoOtherResidentWithSameCitizenId(
      Patient patient, String patientId) {
    Optional<Identifier> citizenId =
        patient.getIdentifier().stream()
            .filter(i -> Canonical.SID_CITIZEN_ID.equals(i.getSystem()))
            .findFirst();
    if (citizenId.isEmpty()) {
      return Optional.empty();
    }
    Bundle found =
        fhir.identifierSearch("Patient", Canonical.SID_CITIZEN_ID, citizenId.get().getValue())
            .execute();
    // A resident discharged or transferred from another facility (inactive, alive) may be
    // registered here under this facility's own resident number (ADR 0021).
    boolean other =
        found.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Patient.class::isInstance)
            .map(Patient.class::cast)
            .filter(p -> !p.getIdElement().getIdPart().equals(patientId))
            .anyMatch(p -> !p.hasActive() || p.getActive() || p.hasDeceased());
    if (other) {
      throw GatewayException.of(
          ErrorCode.CONFLICT,
          "idCardNo",
          "This citizen ID number is already registered for a resident with another facility code"
              + " or resident number who is still in care or deceased; one person has one active"
              + " resident record.");
    }
    return found.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(Patient.class::isInstance)
        .map(Patient.class::cast)
        .filter(p -> p.getIdElement().getIdPart().equals(patientId))
        .findFirst();
  }

  /**
   * {@code active} and {@code deceased[x]} belong to the stay flow (ADR 0021): a resident record
   * sent again after a discharge, transfer or death (a facility re-syncing its list) must not put
   * the resident back in care or bring a deceased resident back to life.
   */
  private static void keepStayState(Patient current, Patient outgoing) {
    if (current.hasActive()) {
      outgoing.setActiveElement(current.getActiveElement().copy());
    }
    if (current.hasDeceased()) {
      outgoing.setDeceased(current.getDeceased().copy());
    }
  }

  private static int indexOfPatient(Bundle bundle) {
    for (int i = 0; i < bundle.getEntry().size(); i++) {
      if (bundle.getEntry().get(i).getResource() instanceof Patient) {
        return i;
      }
    }
    throw new IllegalStateException("The resident mapping produced no Patient");
  }

  private static Optional<Identifier> residentNoIdentifier(Patient patient) {
    return patient.getIdentifier().stream()
        .filter(i -> i.getSystem() != null)
        .filter(i -> i.getSystem().startsWith(Canonical.RESIDENT_NO_SYSTEM_PREFIX))
        .findFirst();
  }

  private static String versionOf(String location) {
    if (location == null) {
      return null;
    }
    int at = location.indexOf("/_history/");
    if (at < 0) {
      return null;
    }
    String rest = location.substring(at + "/_history/".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }
}
