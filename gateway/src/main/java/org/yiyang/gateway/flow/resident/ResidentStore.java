package org.yiyang.gateway.flow.resident;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.apache.camel.Header;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.delivery.DeliveryTarget;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.ErrorResponses;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.gateway.flow.RecordKeys;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.Fhir;
import org.yiyang.profiles.RegionalValidator;

/**
 * Writes residents to the regional FHIR server and reads them back. A resident is one Patient per
 * person (ADR 0052): found by the facility's resident number or the national identifiers the record
 * carries ({@link PatientResolver}), updated or linked in place when it exists, created
 * (conditional create on the citizen ID) only when none does.
 */
@Component
public class ResidentStore implements DeliveryTarget {

  public static final String FACILITY_CODE = "yyFacilityCode";
  public static final String RESIDENT_NO = "yyResidentNo";

  /** Writes that lost a race (a version changed, a conditional create matched) are tried again. */
  private static final int ATTEMPTS = 3;

  private static final Logger log = LoggerFactory.getLogger(ResidentStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FhirServer fhir;
  private final PatientResolver resolver;
  private final PatientLinks links;
  private final FacilityNames facilityNames;
  private final RegionalValidator validator;

  public ResidentStore(
      FhirServer fhir,
      PatientResolver resolver,
      PatientLinks links,
      FacilityNames facilityNames,
      RegionalValidator validator) {
    this.fhir = fhir;
    this.resolver = resolver;
    this.links = links;
    this.facilityNames = facilityNames;
    this.validator = validator;
  }

  @Override
  public String flow() {
    return ResidentIntake.FLOW;
  }

  /**
   * Delivers a journaled resident message. Identity is decided here, just before the write, because
   * only then does the gateway see the FHIR server's present state; a conflict is the message's
   * answer (409), neither retried nor dead.
   */
  @Override
  public ApiResponse deliver(String payload) {
    return write(Fhir.r4().newJsonParser().parseResource(Bundle.class, payload));
  }

  /**
   * Before a record is journaled: 409 naming {@code idCardNo} when it conflicts with another
   * resident already on the platform. When the server cannot be asked the record is accepted, and
   * delivery decides.
   */
  public Bundle requireNoConflict(Bundle transaction) {
    Patient incoming = patientOf(transaction);
    Identifier residentNo = residentNoIdentifier(incoming).orElseThrow();
    PatientResolver.Resolution resolution;
    try {
      resolution =
          resolver.forRegistration(incoming, facilityCodeOf(residentNo), residentNo.getValue());
    } catch (BaseServerResponseException unreachable) {
      // Unreachable (a connection failure is one too) or refusing: delivery decides.
      return transaction;
    }
    if (resolution instanceof PatientResolver.Conflict conflict) {
      throw GatewayException.of(ErrorCode.CONFLICT, "idCardNo", conflict.message());
    }
    return transaction;
  }

  /**
   * Writes the resident's transaction Bundle (the facility's Organization created on first use; the
   * Patient created, updated or linked). 201 when the Patient is new, 200 otherwise; 409 when the
   * person is another resident's.
   */
  public ApiResponse write(Bundle transaction) {
    int patientIndex = indexOfPatient(transaction);
    Patient incoming = (Patient) transaction.getEntry().get(patientIndex).getResource();
    Identifier residentNo = residentNoIdentifier(incoming).orElseThrow();
    String facilityCode = facilityCodeOf(residentNo);
    for (int attempt = 1; ; attempt++) {
      PatientResolver.Resolution resolution =
          resolver.forRegistration(incoming, facilityCode, residentNo.getValue());
      if (resolution instanceof PatientResolver.Conflict conflict) {
        return refused(GatewayException.of(ErrorCode.CONFLICT, "idCardNo", conflict.message()));
      }
      Bundle outgoing = transaction.copy();
      Bundle.BundleEntryComponent entry = outgoing.getEntry().get(patientIndex);
      PatientResolver.Update update = null;
      if (resolution instanceof PatientResolver.Update u) {
        update = u;
        Patient merged = PatientMerge.merge(u.current(), incoming, u.link());
        claimProfileOnlyIfConformant(merged);
        entry.setResource(merged);
        entry
            .getRequest()
            .setMethod(Bundle.HTTPVerb.PUT)
            .setUrl("Patient/" + merged.getIdElement().getIdPart())
            .setIfNoneExist(null)
            .setIfMatch("W/\"" + u.current().getIdElement().getVersionIdPart() + "\"");
      }
      Bundle response;
      try {
        response = fhir.client().transaction().withBundle(outgoing).execute();
      } catch (PreconditionFailedException | ResourceVersionConflictException lostRace) {
        // The Patient changed since it was read, or another writer created it meanwhile.
        if (attempt < ATTEMPTS) {
          continue;
        }
        throw lostRace;
      }
      Bundle.BundleEntryResponseComponent result =
          response.getEntry().get(patientIndex).getResponse();
      boolean created = result.getStatus() != null && result.getStatus().startsWith("201");
      if (update == null && !created) {
        // The conditional create matched a Patient someone created a moment ago: decide again.
        if (attempt < ATTEMPTS) {
          continue;
        }
        throw new ResourceVersionConflictException(
            "The citizen ID was registered concurrently; the delivery is tried again.");
      }
      String patientId = idOf(result.getLocation());
      facilityNames.follow(outgoing, response, facilityCode);
      if (update != null && update.link()) {
        links.record(
            new PatientLinks.Link(
                facilityCode,
                residentNo.getValue(),
                "Patient/" + patientId,
                update.matchedBy().code(),
                PatientResolver.heldByNoResident(update.current()) ? "linked" : "relinked"));
        log.info(
            "Resident linked to an existing Patient: patient=Patient/{} matchedBy={}",
            patientId,
            update.matchedBy().code());
      }
      return answer(created, update, patientId, result.getLocation(), facilityCode, residentNo);
    }
  }

  /** Reads the Patient of a resident; 404 when the FHIR server has none. */
  public Patient read(
      @Header(FACILITY_CODE) String facilityCode, @Header(RESIDENT_NO) String residentNo) {
    RecordKeys.requireFacilityCode(facilityCode);
    RecordKeys.requireRecordNo("residentNo", residentNo, 32);
    Patient found =
        resolver.byResidentNo(facilityCode, residentNo).orElseThrow(ResidentStore::notFound);
    return viewFor(found, Canonical.residentNoSystem(facilityCode), residentNo);
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
   * The Patient as this resident's record: one Patient may carry the resident numbers of several
   * stays (ADR 0052); the reader sees only the one it asked for.
   */
  static Patient viewFor(Patient patient, String residentSystem, String residentNo) {
    Patient view = patient.copy();
    view.getIdentifier()
        .removeIf(
            i ->
                PatientResolver.isResidentNumber(i)
                    && !(residentSystem.equals(i.getSystem()) && residentNo.equals(i.getValue())));
    return view;
  }

  /**
   * The Patient claims yy-patient only when it conforms: a platform's Patient managed by another
   * organization, linked to a resident, stays an unprofiled R4 Patient.
   */
  private void claimProfileOnlyIfConformant(Patient merged) {
    if (!merged.getMeta().hasProfile(Canonical.PATIENT_PROFILE)) {
      merged.getMeta().addProfile(Canonical.PATIENT_PROFILE);
    }
    if (!validator.errors(merged).isEmpty()) {
      merged
          .getMeta()
          .getProfile()
          .removeIf((CanonicalType c) -> Canonical.PATIENT_PROFILE.equals(c.getValue()));
    }
  }

  private ApiResponse answer(
      boolean created,
      PatientResolver.Update update,
      String patientId,
      String location,
      String facilityCode,
      Identifier residentNo) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    String outcome = created ? "created" : update != null && update.link() ? "linked" : "updated";
    body.put("outcome", outcome);
    body.put("patient", "Patient/" + patientId);
    String versionId = versionOf(location);
    if (versionId != null) {
      body.put("versionId", versionId);
    }
    if (update != null && update.link()) {
      body.put("matchedBy", update.matchedBy().code());
    }
    body.put("resident", "/api/v1/residents/" + facilityCode + "/" + residentNo.getValue());
    return ApiResponse.of(created ? 201 : 200, body, outcome)
        .withHeader("Location", fhir.baseUrl() + "/Patient/" + patientId);
  }

  /**
   * A refusal decided at delivery: the message's answer (delivered, with this status), so that it
   * is neither retried nor dead.
   */
  public static ApiResponse refused(GatewayException e) {
    JsonNode body;
    try {
      body =
          JSON.readTree(
              Fhir.r4().newJsonParser().encodeResourceToString(ErrorResponses.outcome(e)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
    return ApiResponse.of(e.code().httpStatus(), body, e.code().code());
  }

  private static Patient patientOf(Bundle bundle) {
    return (Patient) bundle.getEntry().get(indexOfPatient(bundle)).getResource();
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
    return patient.getIdentifier().stream().filter(PatientResolver::isResidentNumber).findFirst();
  }

  private static String facilityCodeOf(Identifier residentNo) {
    return residentNo.getSystem().substring(Canonical.RESIDENT_NO_SYSTEM_PREFIX.length());
  }

  /** {@code Patient/123/_history/2} (relative or absolute) → {@code 123}. */
  private static String idOf(String location) {
    org.hl7.fhir.r4.model.IdType id = new org.hl7.fhir.r4.model.IdType(location);
    if (location == null || !id.hasIdPart()) {
      throw new IllegalStateException("The FHIR server answered no Patient location");
    }
    return id.getIdPart();
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
