package org.yiyang.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yiyang.gateway.GatewayClient.JSON;
import static org.yiyang.gateway.GatewayClient.assertOutcome;
import static org.yiyang.gateway.GatewayClient.sample;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;
import org.yiyang.profiles.Canonical;

/**
 * Health records both ways (issue 4) over real HTTP against the embedded HAPI server: each flow's
 * sample posts with 201, re-posts with 200, reads back equal in facility form; records of an
 * unregistered resident and contradicting records are rejected naming the field.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordFlowsIT {

  private static final Path dataDir = GatewayClient.tempDir("record-flows-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    // Answers here are the synchronous ones; the 202 path is DeliveryFaultsIT's subject.
    GatewayClient.embeddedServer(registry, () -> dataDir);
  }

  /** Fields a record flow cannot carry back (the platform keeps the first name it was given). */
  private static final Map<String, List<String>> NOT_RETURNED =
      Map.of(
          "checkups", List.of("/institutionName"),
          "chronic-disease-followups", List.of("/institutionName"),
          "family-doctor-contracts", List.of("/team/institutionName"),
          "cooperation-agreements", List.of("/medicalInstitution/type"),
          "stay-events", List.of("/transferTo/organizationName"));

  @LocalServerPort int port;

  private GatewayClient gateway;

  @BeforeAll
  void registerTheResident() throws Exception {
    gateway = new GatewayClient(port, dataDir);
    HttpResponse<String> resident =
        gateway.post("/api/v1/residents", sample("resident-to-patient").toString());
    assertThat(resident.statusCode()).as(resident.body()).isIn(200, 201);
  }

  @ParameterizedTest
  @CsvSource({
    "assessments, assessment-to-observations, assessmentNo",
    "checkups, checkup-to-report, checkupNo",
    "chronic-disease-followups, followup-to-careplan, followUpNo",
    "family-doctor-contracts, contract-to-careteam, contractNo",
    "cooperation-agreements, agreement-to-affiliation, agreementNo",
    "stay-events, stay-event-to-episode, stayNo"
  })
  void aRecordPostsOnceUpdatesOnResendAndReadsBackInFacilityForm(
      String collection, String mapping, String recordNoField) throws Exception {
    ObjectNode record = sample(mapping);
    HttpResponse<String> first = gateway.post("/api/v1/" + collection, record.toString());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    String location = first.headers().firstValue("Location").orElseThrow();
    assertThat(location)
        .isEqualTo(
            "/api/v1/" + collection + "/52330300MJ8712345N/" + record.get(recordNoField).asText());

    HttpResponse<String> again = gateway.post("/api/v1/" + collection, record.toString());
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(JSON.readTree(again.body()).path("outcome").asText()).isEqualTo("unchanged");

    HttpResponse<String> back = gateway.get(location);
    assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
    // Fields the platform keeps from its first registration are compared on neither side.
    ObjectNode read = (ObjectNode) JSON.readTree(back.body());
    ObjectNode expected = record.deepCopy();
    for (String pointer : NOT_RETURNED.getOrDefault(collection, List.of())) {
      JsonPointer path = JsonPointer.compile(pointer);
      for (JsonNode side : List.of(expected, read)) {
        if (side.at(path.head()) instanceof ObjectNode object) {
          object.remove(path.last().getMatchingProperty());
        }
      }
    }
    Iterator<String> fields = expected.fieldNames();
    while (fields.hasNext()) {
      String field = fields.next();
      assertThat(read.get(field)).as(collection + " " + field).isEqualTo(expected.get(field));
    }
  }

  @Test
  void aRecordOfAnUnregisteredResidentIsRejectedNamingResidentNo() throws Exception {
    ObjectNode record = sample("assessment-to-observations");
    record.put("residentNo", "NOT-REGISTERED");
    record.put("assessmentNo", "A-ORPHAN");
    HttpResponse<String> response = gateway.post("/api/v1/assessments", record.toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
    assertOutcome(response, "GW-1011", "residentNo");
  }

  @Test
  void aLevelContradictingItsScoreIsABusinessRuleError() throws Exception {
    ObjectNode record = sample("assessment-to-observations");
    record.put("assessmentNo", "A-CONTRA");
    ObjectNode ability = (ObjectNode) record.get("ability");
    int level = Integer.parseInt(ability.get("level").asText());
    ability.put("level", String.valueOf(level == 0 ? 3 : 0));
    HttpResponse<String> response = gateway.post("/api/v1/assessments", record.toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertOutcome(response, "GW-1015", null);
    assertThat(gateway.get("/api/v1/assessments/52330300MJ8712345N/A-CONTRA").statusCode())
        .isEqualTo(404);
  }

  @Test
  void aStayFromAdmissionToDeathUpdatesTheStayAndPatchesThePatientKeepingItsOtherFields()
      throws Exception {
    ObjectNode resident = sample("resident-to-patient");
    resident.put("residentNo", "R-STAY-1");
    resident.put("idCardNo", "330302194305120040");
    HttpResponse<String> registered = gateway.post("/api/v1/residents", resident.toString());
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    String patientUrl = JSON.readTree(registered.body()).path("patient").asText();
    JsonNode before = fhir(patientUrl);
    assertThat(before.path("active").asBoolean()).isTrue();

    ObjectNode admission = JSON.createObjectNode();
    admission.put("facilityCode", "52330300MJ8712345N").put("residentNo", "R-STAY-1");
    admission.put("stayNo", "S-STAY-1").put("eventType", "admission");
    admission.put("admissionDate", "2024-03-01");
    HttpResponse<String> admitted = gateway.post("/api/v1/stay-events", admission.toString());
    assertThat(admitted.statusCode()).as(admitted.body()).isEqualTo(201);
    HttpResponse<String> stay = gateway.get("/api/v1/stay-events/52330300MJ8712345N/S-STAY-1");
    assertThat(JSON.readTree(stay.body())).isEqualTo(admission);
    assertThat(fhir(patientUrl).path("active").asBoolean()).isTrue();

    ObjectNode death = admission.deepCopy();
    death.put("eventType", "death").put("eventDate", "2025-02-14");
    HttpResponse<String> died = gateway.post("/api/v1/stay-events", death.toString());
    assertThat(died.statusCode()).as(died.body()).isEqualTo(200);
    assertThat(JSON.readTree(gateway.get("/api/v1/stay-events/52330300MJ8712345N/S-STAY-1").body()))
        .isEqualTo(death);

    // One stay, finished; the Patient is dead and inactive and otherwise what the resident flow
    // wrote (the patch touched nothing else).
    JsonNode stays =
        fhir(
            "EpisodeOfCare?identifier=https://fhir.yiyang.org/sid/stay-no/52330300MJ8712345N%7CS-STAY-1");
    assertThat(stays.path("entry")).hasSize(1);
    JsonNode episode = stays.path("entry").get(0).path("resource");
    assertThat(episode.path("status").asText()).isEqualTo("finished");
    assertThat(episode.path("period").path("end").asText()).isEqualTo("2025-02-14");
    ObjectNode after = (ObjectNode) fhir(patientUrl);
    assertThat(after.path("deceasedDateTime").asText()).isEqualTo("2025-02-14");
    assertThat(after.path("active").asBoolean()).isFalse();
    ObjectNode rest = after.deepCopy();
    rest.remove(List.of("deceasedDateTime", "active", "meta"));
    ObjectNode restBefore = ((ObjectNode) before).deepCopy();
    restBefore.remove(List.of("active", "meta"));
    assertThat(rest).isEqualTo(restBefore);
    // The resident still reads back in facility form.
    assertThat(gateway.get("/api/v1/residents/52330300MJ8712345N/R-STAY-1").statusCode())
        .isEqualTo(200);

    // The facility re-sends the resident record with a new phone number: the update lands, and the
    // resident stays deceased and out of care (the stay flow owns those two elements).
    resident.put("phone", "13800000099");
    HttpResponse<String> resent = gateway.post("/api/v1/residents", resident.toString());
    assertThat(resent.statusCode()).as(resent.body()).isEqualTo(200);
    JsonNode afterResend = fhir(patientUrl);
    assertThat(afterResend.path("telecom").toString()).contains("13800000099");
    assertThat(afterResend.path("deceasedDateTime").asText()).isEqualTo("2025-02-14");
    assertThat(afterResend.path("active").asBoolean()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "death, 2023-11-19, GW-1015, eventDate",
    "discharge, 2999-01-01, GW-1003, eventDate",
    "transfer, 2025-06-30, GW-1002, transferTo",
    "discharge, , GW-1002, eventDate",
    "admission, 2025-06-30, GW-1003, eventDate"
  })
  void aStayEventThatContradictsItselfIsRejectedNamingTheField(
      String eventType, String eventDate, String code, String field) throws Exception {
    ObjectNode event = JSON.createObjectNode();
    event.put("facilityCode", "52330300MJ8712345N").put("residentNo", "R0001");
    event.put("stayNo", "S-BAD").put("eventType", eventType).put("admissionDate", "2023-11-20");
    if (eventDate != null) {
      event.put("eventDate", eventDate);
    }
    HttpResponse<String> response = gateway.post("/api/v1/stay-events", event.toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertOutcome(response, code, field);
    assertThat(gateway.get("/api/v1/stay-events/52330300MJ8712345N/S-BAD").statusCode())
        .isEqualTo(404);
  }

  @Test
  void aTransferredResidentCanBeRegisteredAgainButADeadOneCannot() throws Exception {
    ObjectNode resident = sample("resident-to-patient");
    resident.put("residentNo", "R-STAY-2").put("idCardNo", "330302194305120083");
    assertThat(gateway.post("/api/v1/residents", resident.toString()).statusCode()).isEqualTo(201);
    ObjectNode transfer = sample("stay-event-to-episode");
    transfer.put("residentNo", "R-STAY-2").put("stayNo", "S-STAY-2");
    HttpResponse<String> moved = gateway.post("/api/v1/stay-events", transfer.toString());
    assertThat(moved.statusCode()).as(moved.body()).isEqualTo(201);

    // The same person under another resident number (as the receiving facility would register
    // them): allowed once the first record is inactive, and linked to the same Patient (ADR 0052:
    // one Patient per person; the first number is kept as old).
    String first =
        gateway
            .fhir(
                "GET",
                "Patient?identifier="
                    + GatewayClient.enc(
                        Canonical.residentNoSystem("52330300MJ8712345N") + "|R-STAY-2"),
                null)
            .at("/entry/0/resource/id")
            .asText();
    resident.put("residentNo", "R-STAY-2B");
    HttpResponse<String> again = gateway.post("/api/v1/residents", resident.toString());
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(JSON.readTree(again.body()).path("outcome").asText()).isEqualTo("linked");
    assertThat(JSON.readTree(again.body()).path("patient").asText()).isEqualTo("Patient/" + first);
    // ... but while that record is active, a third one is still a conflict.
    resident.put("residentNo", "R-STAY-2C");
    HttpResponse<String> third = gateway.post("/api/v1/residents", resident.toString());
    assertThat(third.statusCode()).as(third.body()).isEqualTo(409);
    assertOutcome(third, "GW-1013", "idCardNo");
  }

  @Test
  void aStayEventOfAnUnregisteredResidentIs404() throws Exception {
    ObjectNode event = sample("stay-event-to-episode");
    event.put("residentNo", "NOT-REGISTERED").put("stayNo", "S-ORPHAN");
    HttpResponse<String> response = gateway.post("/api/v1/stay-events", event.toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
    assertOutcome(response, "GW-1011", "residentNo");
  }

  @Test
  void theSummaryReturnsTheLatestRecordsAsPostedInFacilityForm() throws Exception {
    String resident = "R-SUM-1";
    ObjectNode person = sample("resident-to-patient");
    person.put("residentNo", resident).put("idCardNo", "330302194305120067");
    assertThat(gateway.post("/api/v1/residents", person.toString()).statusCode()).isEqualTo(201);
    // Older records before and after the latest: the summary must pick the latest by date, neither
    // the first nor the last posted.
    postDated("checkups", "checkup-to-report", resident, "checkupNo", "C-1", "2024-04-10");
    ObjectNode newCheckup = posted("checkups", "checkup-to-report", resident, "checkupNo", "C-2");
    postDated("checkups", "checkup-to-report", resident, "checkupNo", "C-0", "2023-04-10");
    postDated(
        "chronic-disease-followups",
        "followup-to-careplan",
        resident,
        "followUpNo",
        "F-1",
        "2025-03-15");
    ObjectNode followUp =
        posted("chronic-disease-followups", "followup-to-careplan", resident, "followUpNo", "F-2");
    postDated(
        "chronic-disease-followups",
        "followup-to-careplan",
        resident,
        "followUpNo",
        "F-0",
        "2024-12-15");
    ObjectNode assessment =
        posted("assessments", "assessment-to-observations", resident, "assessmentNo", "A-1");
    ObjectNode contract =
        posted("family-doctor-contracts", "contract-to-careteam", resident, "contractNo", "FD-1");
    // A later contract ended early: inactive on the platform, read back with its termination, and
    // not the resident's family doctor in the summary.
    ObjectNode ended = sample("contract-to-careteam");
    ended.put("residentNo", resident).put("contractNo", "FD-2");
    ((ObjectNode) ended.get("period")).put("start", "2025-02-01").put("end", "2026-01-31");
    ended.putObject("termination").put("date", "2025-06-30").put("reason", "居民迁出本辖区");
    HttpResponse<String> endedAnswer =
        gateway.post("/api/v1/family-doctor-contracts", ended.toString());
    assertThat(endedAnswer.statusCode()).as(endedAnswer.body()).isEqualTo(201);
    JsonNode endedBack =
        JSON.readTree(
            gateway.get("/api/v1/family-doctor-contracts/52330300MJ8712345N/FD-2").body());
    assertThat(endedBack.get("termination")).isEqualTo(ended.get("termination"));
    assertThat(endedBack.get("period")).isEqualTo(ended.get("period"));
    ObjectNode stay = JSON.createObjectNode();
    stay.put("facilityCode", "52330300MJ8712345N").put("residentNo", resident);
    stay.put("stayNo", "S-SUM-1").put("eventType", "admission").put("admissionDate", "2024-03-01");
    assertThat(gateway.post("/api/v1/stay-events", stay.toString()).statusCode()).isEqualTo(201);

    HttpResponse<String> response =
        gateway.get("/api/v1/residents/52330300MJ8712345N/" + resident + "/summary");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode summary = JSON.readTree(response.body());
    assertThat(summaryErrors(summary)).isEmpty();

    person.remove("facilityName");
    assertThat(summary.get("resident")).isEqualTo(person);
    assertThat(summary.get("stay")).isEqualTo(stay);
    newCheckup.remove("institutionName");
    assertThat(summary.get("latestCheckup")).isEqualTo(newCheckup);
    assertThat(summary.get("latestAssessment")).isEqualTo(assessment);
    ((ObjectNode) contract.get("team")).remove("institutionName");
    assertThat(summary.get("familyDoctorContract")).isEqualTo(contract);
    followUp.remove("institutionName");
    assertThat(summary.get("chronicDiseaseFollowups")).containsExactly(followUp);
  }

  @Test
  void theSummaryOfAResidentWithoutRecordsHasTheResidentOnly() throws Exception {
    ObjectNode person = sample("resident-to-patient");
    person.put("residentNo", "R-SUM-2").put("idCardNo", "330302194305120104");
    assertThat(gateway.post("/api/v1/residents", person.toString()).statusCode()).isEqualTo(201);
    HttpResponse<String> response =
        gateway.get("/api/v1/residents/52330300MJ8712345N/R-SUM-2/summary");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode summary = JSON.readTree(response.body());
    assertThat(summaryErrors(summary)).isEmpty();
    assertThat(summary.get("resident").get("residentNo").asText()).isEqualTo("R-SUM-2");
    assertThat(summary.has("latestCheckup") || summary.has("stay")).isFalse();
    assertThat(summary.get("chronicDiseaseFollowups")).isEmpty();
  }

  @Test
  void theSummaryOfAnUnknownResidentIs404() throws Exception {
    HttpResponse<String> response =
        gateway.get("/api/v1/residents/52330300MJ8712345N/NOBODY/summary");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
    assertOutcome(response, "GW-1011", "residentNo");
  }

  /** Posts a check-up or follow-up sample dated {@code date} (report two days later). */
  private void postDated(
      String collection,
      String mapping,
      String residentNo,
      String recordNoField,
      String recordNo,
      String date)
      throws Exception {
    ObjectNode record = sample(mapping);
    record.put("residentNo", residentNo).put(recordNoField, recordNo);
    if (record.has("checkupDate")) {
      record.put("checkupDate", date);
      record.put("reportDate", java.time.LocalDate.parse(date).plusDays(2).toString());
    } else {
      record.put("followUpDate", date);
    }
    HttpResponse<String> response = gateway.post("/api/v1/" + collection, record.toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
  }

  /** Posts a sample as a record of this resident under this number; answers what was posted. */
  private ObjectNode posted(
      String collection, String mapping, String residentNo, String recordNoField, String recordNo)
      throws Exception {
    ObjectNode record = sample(mapping);
    record.put("residentNo", residentNo).put(recordNoField, recordNo);
    HttpResponse<String> response = gateway.post("/api/v1/" + collection, record.toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return record;
  }

  private static java.util.Set<com.networknt.schema.ValidationMessage> summaryErrors(
      JsonNode summary) throws IOException {
    try (InputStream in =
        RecordFlowsIT.class.getResourceAsStream("/exchange/summary-v1.schema.json")) {
      com.networknt.schema.JsonSchema schema =
          com.networknt.schema.JsonSchemaFactory.getInstance(
                  com.networknt.schema.SpecVersion.VersionFlag.V202012)
              .getSchema(in);
      return schema.validate(summary);
    }
  }

  @Test
  void anUnknownCollectionIs404() throws Exception {
    HttpResponse<String> response = gateway.post("/api/v1/horoscopes", "{}");
    assertThat(response.statusCode()).isEqualTo(404);
    assertOutcome(response, "GW-1011", null);
  }

  /** A resource or search straight from the embedded FHIR server. */
  private JsonNode fhir(String path) throws Exception {
    HttpResponse<String> response = gateway.asHospital(GatewayClient.HOSPITAL).get("/fhir/" + path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
