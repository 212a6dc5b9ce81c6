package org.yiyang.gateway.flow.record;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.gclient.IQuery;
import ca.uhn.fhir.util.FhirTerser;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.gateway.flow.RecordKeys;
import org.yiyang.gateway.flow.resident.FacilityNames;
import org.yiyang.gateway.flow.resident.PatientResolver;
import org.yiyang.gateway.flow.resident.ResidentStore;
import org.yiyang.gateway.workflow.RequestStatus;
import org.yiyang.gateway.workflow.Workflows;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.Fhir;

/**
 * Health records on the regional FHIR server: one transaction per record on the way in (PUTs with
 * deterministic ids, so a re-sent record updates), one search per record on the way out.
 */
@Component
public class RecordStore {

  private final FhirServer fhir;
  private final PatientResolver residents;
  private final FacilityNames facilityNames;
  private final RequestStatus requests;
  private final Workflows workflows;

  public RecordStore(
      FhirServer fhir,
      PatientResolver residents,
      FacilityNames facilityNames,
      RequestStatus requests,
      Workflows workflows) {
    this.fhir = fhir;
    this.residents = residents;
    this.facilityNames = facilityNames;
    this.requests = requests;
    this.workflows = workflows;
  }

  /** The record-number identifier system of a flow for one facility. */
  public static String recordNoSystem(RecordFlow flow, String facilityCode) {
    return flow.recordNoSystemPrefix() + facilityCode;
  }

  /**
   * Sends a record's transaction Bundle; 201 when any of its resources is new, else 200. The
   * resident's Patient is the one the platform holds now, found by the resident number (ADR 0052):
   * every reference to it, and a stay event's PATCH, point there. No such Patient: 404 naming
   * {@code residentNo} as the message's answer (never a reference to a Patient that does not exist,
   * never a dead message).
   */
  public ApiResponse write(RecordFlow flow, Bundle transaction) {
    Optional<ResidentKey> resident =
        flow.requiresResident() ? residentOf(transaction) : Optional.empty();
    if (resident.isPresent()) {
      String patientId;
      try {
        patientId =
            residents.requirePatientId(resident.get().facilityCode(), resident.get().residentNo());
      } catch (GatewayException notRegistered) {
        return ResidentStore.refused(notRegistered);
      }
      pointAtResident(transaction, "Patient/" + patientId);
    }
    Bundle response = fhir.client().transaction().withBundle(transaction).execute();
    recordKey(flow, transaction)
        .ifPresent(key -> facilityNames.follow(transaction, response, key.facilityCode()));
    workflows
        .byIntake(flow.name())
        .ifPresent(
            w -> {
              // A resent request (referral, consultation) was rewritten as active: back in line
              // with its Task.
              for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
                Resource resource = entry.getResource();
                if (resource != null && w.requestResource().equals(resource.fhirType())) {
                  requests.followTasksOf(resource.getIdElement().getIdPart());
                }
              }
            });
    boolean created =
        response.getEntry().stream()
            .map(e -> e.getResponse().getStatus())
            .anyMatch(s -> s != null && s.startsWith("201"));
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("outcome", created ? "created" : "updated");
    recordKey(flow, transaction)
        .ifPresent(
            key ->
                body.put(
                    "record",
                    "/api/v1/" + flow.path() + "/" + key.facilityCode() + "/" + key.recordNo()));
    ArrayNode resources = body.putArray("resources");
    for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
      if ("PUT".equals(entry.getRequest().getMethod().toCode())) {
        resources.add(entry.getRequest().getUrl());
      }
    }
    ApiResponse answer = ApiResponse.of(created ? 201 : 200, body, created ? "created" : "updated");
    return body.has("record") ? answer.withHeader("Location", body.get("record").asText()) : answer;
  }

  /** Reads one record back: the searchset its from-FHIR mapping takes. */
  public Bundle read(RecordFlow flow, String facilityCode, String recordNo) {
    RecordKeys.requireFacilityCode(facilityCode);
    RecordKeys.requireRecordNo(flow.recordNoField(), recordNo, 40);
    IQuery<Bundle> query =
        fhir.identifierSearch(flow.searchResource(), recordNoSystem(flow, facilityCode), recordNo);
    for (String include : flow.includes()) {
      query = query.include(new Include(include));
    }
    for (String include : flow.iterateIncludes()) {
      query = query.include(new Include(include).asRecursive());
    }
    Bundle found = query.execute();
    boolean any =
        found.getEntry().stream()
            .anyMatch(
                e ->
                    e.getSearch().getMode() == null
                        || e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH);
    if (!any) {
      throw notFound(flow);
    }
    return found;
  }

  /**
   * The answer to a record that is not there, and to another facility's record (ADR 0050: the two
   * cannot be told apart).
   */
  public static GatewayException notFound(RecordFlow flow) {
    return GatewayException.of(
        ErrorCode.NOT_FOUND,
        flow.recordNoField(),
        "No record with this facility code and " + flow.recordNoField() + " is registered.");
  }

  /**
   * Before a record is accepted: its resident must be registered. Answers 404 naming {@code
   * residentNo} when the FHIR server says it is not; when the server cannot be asked, the record is
   * accepted and delivery (ordered after the resident's own messages) sorts it out.
   */
  public boolean residentIsKnownOrUnknowable(String facilityCode, String residentNo) {
    try {
      Bundle found =
          fhir.identifierSearch("Patient", Canonical.residentNoSystem(facilityCode), residentNo)
              .elementsSubset("id")
              .cacheControl(FhirServer.NO_STORE)
              .execute();
      return !found.getEntry().isEmpty();
    } catch (RuntimeException unreachable) {
      return true;
    }
  }

  /** The resident a record is about: the resident-number identifier of its Patient references. */
  static Optional<ResidentKey> residentOf(Bundle bundle) {
    FhirTerser terser = Fhir.r4().newTerser();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.getResource() == null) {
        continue;
      }
      for (Reference reference :
          terser.getAllPopulatedChildElementsOfType(entry.getResource(), Reference.class)) {
        Identifier id = reference.getIdentifier();
        if (id.hasSystem()
            && id.getSystem().startsWith(Canonical.RESIDENT_NO_SYSTEM_PREFIX)
            && id.hasValue()) {
          return Optional.of(
              new ResidentKey(
                  id.getSystem().substring(Canonical.RESIDENT_NO_SYSTEM_PREFIX.length()),
                  id.getValue()));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Points every Patient reference of the record, and a PATCH of a Patient, at the resident's
   * Patient: a record flow refers to no other Patient (BundleInvariantsTest), and the mapping's
   * literal is only a placeholder for the one the platform holds.
   */
  static void pointAtResident(Bundle bundle, String patientReference) {
    FhirTerser terser = Fhir.r4().newTerser();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.hasRequest()
          && entry.getRequest().getUrl() != null
          && entry.getRequest().getUrl().startsWith("Patient/")) {
        entry.getRequest().setUrl(patientReference);
      }
      if (entry.getResource() == null) {
        continue;
      }
      for (Reference reference :
          terser.getAllPopulatedChildElementsOfType(entry.getResource(), Reference.class)) {
        if (reference.getReference() != null && reference.getReference().startsWith("Patient/")) {
          reference.setReference(patientReference);
        }
      }
    }
  }

  /** Facility code and resident number of the resident a record is about. */
  public record ResidentKey(String facilityCode, String residentNo) {}

  /** Facility code and record number, from the record-number identifier inside the Bundle. */
  static Optional<RecordKey> recordKey(RecordFlow flow, Bundle bundle) {
    String prefix = flow.recordNoSystemPrefix();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      Resource resource = entry.getResource();
      if (resource == null) {
        continue;
      }
      for (Identifier identifier : identifiersOf(resource)) {
        if (identifier.getSystem() != null && identifier.getSystem().startsWith(prefix)) {
          return Optional.of(
              new RecordKey(
                  identifier.getSystem().substring(prefix.length()), identifier.getValue()));
        }
      }
    }
    return Optional.empty();
  }

  private static java.util.List<Identifier> identifiersOf(Resource resource) {
    java.util.List<Identifier> out = new java.util.ArrayList<>();
    if (Fhir.r4().getResourceDefinition(resource).getChildByName("identifier") == null) {
      // A Binary (an attachment's bytes) has no identifier.
      return out;
    }
    Fhir.r4().newTerser().getValues(resource, "identifier", Identifier.class).forEach(out::add);
    return out;
  }

  /** A record's key in facility terms. */
  public record RecordKey(String facilityCode, String recordNo) {}
}
