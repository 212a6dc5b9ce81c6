package org.yiyang.gateway.flow.summary;

import ca.uhn.fhir.rest.gclient.IQuery;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Header;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.gateway.flow.FlowSteps;
import org.yiyang.gateway.flow.record.RecordFlow;
import org.yiyang.gateway.flow.record.RecordFlows;
import org.yiyang.gateway.flow.record.RecordStore;
import org.yiyang.gateway.flow.resident.ResidentStore;
import org.yiyang.profiles.Fhir;

/**
 * A resident's health record summary in facility form (issue 4), composed from the record flows:
 * for each part one search finds the record number of the latest record (or of the current stay,
 * the active contract, the latest follow-up of each active care plan), then the record is read and
 * mapped exactly as its own {@code GET} does. No field is mapped here.
 */
@Component
public class ResidentSummary {

  /** Follow-up records looked at per summary (newest first), to find one per care plan. */
  static final int MAX_FOLLOWUPS = 200;

  private final ResidentStore residents;
  private final RecordStore records;
  private final FlowSteps steps;
  private final FhirServer fhir;

  // The flows a summary reads, by name: start-up fails if a descriptor is missing.
  private final RecordFlow stayFlow;
  private final RecordFlow checkupFlow;
  private final RecordFlow assessmentFlow;
  private final RecordFlow contractFlow;
  private final RecordFlow followupFlow;

  public ResidentSummary(
      ResidentStore residents,
      RecordStore records,
      FlowSteps steps,
      FhirServer fhir,
      RecordFlows flows) {
    this.residents = residents;
    this.records = records;
    this.steps = steps;
    this.fhir = fhir;
    this.stayFlow = flows.byName(RecordFlows.STAY);
    this.checkupFlow = flows.byName(RecordFlows.CHECKUP);
    this.assessmentFlow = flows.byName(RecordFlows.ASSESSMENT);
    this.contractFlow = flows.byName(RecordFlows.CONTRACT);
    this.followupFlow = flows.byName(RecordFlows.FOLLOWUP);
  }

  public ApiResponse summary(
      @Header(ResidentStore.FACILITY_CODE) String facilityCode,
      @Header(ResidentStore.RESIDENT_NO) String residentNo) {
    Patient patient = residents.read(facilityCode, residentNo);
    String patientRef = "Patient/" + patient.getIdElement().getIdPart();
    ObjectNode summary = JsonNodeFactory.instance.objectNode();
    summary.put("facilityCode", facilityCode);
    summary.put("residentNo", residentNo);
    summary.set(
        "resident",
        steps.requireComplete(
            "patient-to-resident", steps.mapFromFhir("patient-to-resident", patient)));

    latest(stayFlow, "EpisodeOfCare", "patient", patientRef, facilityCode, Map.of())
        .ifPresent(no -> summary.set("stay", record(stayFlow, facilityCode, no)));
    latest(checkupFlow, "DiagnosticReport", "subject", patientRef, facilityCode, Map.of())
        .ifPresent(no -> summary.set("latestCheckup", record(checkupFlow, facilityCode, no)));
    latest(assessmentFlow, "Observation", "subject", patientRef, facilityCode, Map.of())
        .ifPresent(no -> summary.set("latestAssessment", record(assessmentFlow, facilityCode, no)));
    latest(
            contractFlow,
            "CareTeam",
            "subject",
            patientRef,
            facilityCode,
            Map.of("status", List.of("active")))
        .ifPresent(
            no -> summary.set("familyDoctorContract", record(contractFlow, facilityCode, no)));
    ArrayNode chronic = summary.putArray("chronicDiseaseFollowups");
    for (String no : latestFollowUpPerActiveCarePlan(patientRef, facilityCode)) {
      chronic.add(record(followupFlow, facilityCode, no));
    }
    return ApiResponse.of(200, summary, "ok");
  }

  /** The record as {@code GET /api/v1/<flow>/<facilityCode>/<recordNo>} answers it. */
  private JsonNode record(RecordFlow flow, String facilityCode, String recordNo) {
    return steps.requireComplete(
        flow.fromFhirMapping(),
        steps.mapFromFhir(flow.fromFhirMapping(), records.read(flow, facilityCode, recordNo)));
  }

  /**
   * The record number of the resident's latest record of a flow: {@code <type>?<patientParam>=
   * Patient/<id>&identifier=<record-no system>|&_sort=-date&_count=1} (a token with a system and no
   * value matches any value of that system).
   */
  private Optional<String> latest(
      RecordFlow flow,
      String type,
      String patientParam,
      String patientRef,
      String facilityCode,
      Map<String, List<String>> extra) {
    Bundle found = search(flow, type, patientParam, patientRef, facilityCode, extra, 1);
    return matches(found).stream()
        .flatMap(r -> recordNo(flow, facilityCode, r).stream())
        .findFirst();
  }

  /**
   * One follow-up per active care plan: the follow-up Observations of the resident, newest first,
   * grouped by the CarePlan they are based on (one per chronic disease), keeping the newest record
   * number of each CarePlan that is still active.
   */
  private List<String> latestFollowUpPerActiveCarePlan(String patientRef, String facilityCode) {
    Bundle observations =
        search(
            followupFlow,
            "Observation",
            "subject",
            patientRef,
            facilityCode,
            Map.of(),
            MAX_FOLLOWUPS);
    Map<String, String> newestByCarePlan = new LinkedHashMap<>();
    for (Resource resource : matches(observations)) {
      if (!(resource instanceof Observation observation)) {
        continue;
      }
      Optional<String> no = recordNo(followupFlow, facilityCode, observation);
      for (Reference basedOn : observation.getBasedOn()) {
        String carePlan = basedOn.getReferenceElement().toUnqualifiedVersionless().getValue();
        if (carePlan != null && carePlan.startsWith("CarePlan/") && no.isPresent()) {
          newestByCarePlan.putIfAbsent(carePlan, no.get());
        }
      }
    }
    if (newestByCarePlan.isEmpty()) {
      return List.of();
    }
    Bundle active =
        fhir.client()
            .search()
            .forResource("CarePlan")
            .whereMap(Map.of("subject", List.of(patientRef), "status", List.of("active")))
            .elementsSubset("id")
            .count(MAX_FOLLOWUPS)
            .returnBundle(Bundle.class)
            .cacheControl(FhirServer.NO_CACHE)
            .execute();
    Set<String> activeIds = new LinkedHashSet<>();
    matches(active)
        .forEach(r -> activeIds.add(r.getIdElement().toUnqualifiedVersionless().getValue()));
    List<String> out = new ArrayList<>();
    newestByCarePlan.forEach(
        (carePlan, no) -> {
          if (activeIds.contains(carePlan) && !out.contains(no)) {
            out.add(no);
          }
        });
    return out;
  }

  private Bundle search(
      RecordFlow flow,
      String type,
      String patientParam,
      String patientRef,
      String facilityCode,
      Map<String, List<String>> extra,
      int count) {
    Map<String, List<String>> where = new LinkedHashMap<>(extra);
    where.put(patientParam, List.of(patientRef));
    where.put("identifier", List.of(RecordStore.recordNoSystem(flow, facilityCode) + "|"));
    IQuery<Bundle> query =
        fhir.client()
            .search()
            .forResource(type)
            .whereMap(where)
            .sort()
            .descending("date")
            .count(count)
            .returnBundle(Bundle.class)
            .cacheControl(FhirServer.NO_CACHE);
    return query.execute();
  }

  private static List<Resource> matches(Bundle bundle) {
    List<Resource> out = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.getResource() != null
          && (entry.getSearch().getMode() == null
              || entry.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)) {
        out.add(entry.getResource());
      }
    }
    return out;
  }

  private static Optional<String> recordNo(
      RecordFlow flow, String facilityCode, Resource resource) {
    String system = RecordStore.recordNoSystem(flow, facilityCode);
    for (Identifier identifier :
        Fhir.r4().newTerser().getValues(resource, "identifier", Identifier.class)) {
      if (system.equals(identifier.getSystem()) && identifier.hasValue()) {
        return Optional.of(identifier.getValue());
      }
    }
    return Optional.empty();
  }
}
