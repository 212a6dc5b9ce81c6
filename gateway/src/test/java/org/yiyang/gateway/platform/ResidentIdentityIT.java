package org.yiyang.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yiyang.gateway.GatewayClient.JSON;
import static org.yiyang.gateway.GatewayClient.assertOutcome;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;
import org.yiyang.gateway.People;
import org.yiyang.gateway.flow.resident.PatientLinks;
import org.yiyang.profiles.Canonical;

/**
 * One Patient per person (issue 26, ADR 0052), over real HTTP on the embedded HAPI JPA server, with
 * the regional platform playing its part through HAPI's generic client: a resident the platform
 * already holds is linked, not copied; a Patient created on /fhir under the resident number is
 * either read completely or refused naming what it lacks, and records reference it; conflicts are
 * 409 answers, not dead messages; two facilities registering the same person at once leave one
 * Patient; data stored under the package's former systems is found and migrated.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class ResidentIdentityIT {

  static final String FACILITY = "52330300MJ8712345N";
  static final String OTHER_FACILITY = "52330300MJ8754321M";

  private static final Path dataDir = GatewayClient.tempDir("resident-identity-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
  }

  @LocalServerPort int port;
  @Autowired PatientLinks links;
  @Autowired DaoRegistry daos;

  private GatewayClient gateway;
  private IGenericClient platform;

  @BeforeAll
  void clients() {
    gateway = new GatewayClient(port, dataDir);
    platform = gateway.fhirClient();
  }

  @Test
  void aResidentThePlatformAlreadyHoldsIsLinkedNotDuplicated() throws Exception {
    ObjectNode resident = People.resident(FACILITY, "R-LINK", 101);
    resident.put("phone", "13811112222");
    String idCardNo = resident.path("idCardNo").asText();
    // The community health centre registered her first, under the national OID, as base R4.
    String chc = organization("12330300470012345F", "五马街道社区卫生服务中心");
    Patient held = new Patient();
    held.addIdentifier().setSystem(Canonical.SID_CITIZEN_ID).setValue(idCardNo);
    held.addIdentifier().setSystem(Canonical.SID_HEALTH_RECORD_NO).setValue("33030200100100101");
    held.addName().setFamily("测").addGiven("试101");
    held.addTelecom()
        .setSystem(ContactPoint.ContactPointSystem.PHONE)
        .setUse(ContactPoint.ContactPointUse.HOME)
        .setValue("0577-88001234");
    held.setGender(Enumerations.AdministrativeGender.MALE);
    held.setBirthDateElement(new DateType(resident.path("birthDate").asText()));
    held.setManagingOrganization(new Reference("Organization/" + chc));
    String heldId = platform.create().resource(held).execute().getId().getIdPart();

    HttpResponse<String> registered = gateway.post("/api/v1/residents", resident.toString());
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(registered.body());
    assertThat(answer.path("outcome").asText()).isEqualTo("linked");
    assertThat(answer.path("matchedBy").asText()).isEqualTo("citizen-id");
    assertThat(answer.path("patient").asText()).isEqualTo("Patient/" + heldId);

    assertThat(patientsWithCitizenId(idCardNo)).hasSize(1);
    Patient linked = platform.read().resource(Patient.class).withId(heldId).execute();
    assertThat(linked.getIdentifier())
        .extracting(Identifier::getSystem)
        .contains(
            Canonical.SID_CITIZEN_ID,
            Canonical.SID_HEALTH_RECORD_NO,
            Canonical.residentNoSystem(FACILITY));
    // The platform's data stays: its managing organization, its home phone, its name.
    assertThat(linked.getManagingOrganization().getReference()).isEqualTo("Organization/" + chc);
    assertThat(linked.getTelecom()).extracting(ContactPoint::getValue).contains("0577-88001234");
    assertThat(linked.getName()).anyMatch(n -> "测".equals(n.getFamily()));
    assertThat(links.of(FACILITY, "R-LINK"))
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.patient()).isEqualTo("Patient/" + heldId);
              assertThat(l.matchedBy()).isEqualTo("citizen-id");
              assertThat(l.kind()).isEqualTo("linked");
            });

    JsonNode back = JSON.readTree(gateway.get("/api/v1/residents/" + FACILITY + "/R-LINK").body());
    assertThat(back.path("name").asText()).isEqualTo("测试101");
    assertThat(back.path("phone").asText()).isEqualTo("13811112222");
    assertThat(back.path("serviceMode").asText()).isEqualTo("residential");

    // A record of hers references the platform's Patient, and a second registration updates it.
    assertThat(postAssessment("R-LINK", "A-LINK-1").statusCode()).isEqualTo(201);
    assertThat(observationsOf(heldId)).isNotEmpty();
    resident.put("phone", "13833334444");
    HttpResponse<String> again = gateway.post("/api/v1/residents", resident.toString());
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(JSON.readTree(again.body()).path("outcome").asText()).isEqualTo("updated");
    assertThat(patientsWithCitizenId(idCardNo)).hasSize(1);
  }

  @Test
  void aPlatformPatientFoundByHealthRecordNumberGainsTheCitizenId() throws Exception {
    ObjectNode resident = People.resident(FACILITY, "R-HRN", 102);
    resident.put("healthRecordNo", "33030200100100102");
    Patient held = new Patient();
    held.addIdentifier().setSystem(Canonical.SID_HEALTH_RECORD_NO).setValue("33030200100100102");
    held.addName().setText("测试102");
    String heldId = platform.create().resource(held).execute().getId().getIdPart();

    HttpResponse<String> registered = gateway.post("/api/v1/residents", resident.toString());
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
    assertThat(JSON.readTree(registered.body()).path("matchedBy").asText())
        .isEqualTo("health-record-no");
    assertThat(patientsWithCitizenId(resident.path("idCardNo").asText()))
        .singleElement()
        .satisfies(p -> assertThat(p.getIdElement().getIdPart()).isEqualTo(heldId));
  }

  /**
   * Issue 26: a Patient created on /fhir under the facility's resident number was read back 200
   * without name, facilityCode and serviceMode, and an assessment for her went dead with 502.
   */
  @Test
  void aPatientCreatedOnFhirUnderTheResidentNumberIsReadCompletelyOrRefusedAndRecordsReferenceIt()
      throws Exception {
    Patient made = new Patient();
    made.addIdentifier().setSystem(Canonical.residentNoSystem(FACILITY)).setValue("R-FHIR");
    made.addName().setFamily("赵").addGiven("德明");
    made.setGender(Enumerations.AdministrativeGender.MALE);
    made.setBirthDateElement(new DateType("1941-01-01"));
    String madeId = platform.create().resource(made).execute().getId().getIdPart();

    HttpResponse<String> read = gateway.get("/api/v1/residents/" + FACILITY + "/R-FHIR");
    assertThat(read.statusCode()).as(read.body()).isEqualTo(422);
    assertOutcome(read, "GW-2002", "idCardNo");
    assertOutcome(read, "GW-2002", "serviceMode");

    HttpResponse<String> assessment = postAssessment("R-FHIR", "A-FHIR-1");
    assertThat(assessment.statusCode()).as(assessment.body()).isEqualTo(201);
    assertThat(observationsOf(madeId)).isNotEmpty();
  }

  @Test
  void theSamePersonAtAnotherFacilityIsA409WithWhatToDoAndNothingIsJournaled() throws Exception {
    ObjectNode first = People.resident(FACILITY, "R-HERE", 103);
    assertThat(gateway.post("/api/v1/residents", first.toString()).statusCode()).isEqualTo(201);
    ObjectNode second = first.deepCopy();
    second.put("facilityCode", OTHER_FACILITY);
    second.put("residentNo", "B-THERE");

    long journaledBefore = messagesOf(OTHER_FACILITY, "resident.to-fhir");
    HttpResponse<String> refused =
        gateway.asFacility(OTHER_FACILITY).post("/api/v1/residents", second.toString());
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    assertOutcome(refused, "GW-1013", "idCardNo");
    assertThat(refused.body())
        .contains("stay-events")
        .doesNotContain(first.path("idCardNo").asText());
    assertThat(messagesOf(OTHER_FACILITY, "resident.to-fhir")).isEqualTo(journaledBefore);
    assertThat(messagesOf(null, null, "dead")).isZero();

    // Once her stay here ended, the other facility's registration links the same Patient.
    ObjectNode discharge = JSON.createObjectNode();
    discharge.put("facilityCode", FACILITY);
    discharge.put("residentNo", "R-HERE");
    discharge.put("stayNo", "S-HERE-1");
    discharge.put("eventType", "discharge");
    discharge.put("admissionDate", "2024-03-01");
    discharge.put("eventDate", "2025-01-15");
    HttpResponse<String> ended = gateway.post("/api/v1/stay-events", discharge.toString());
    assertThat(ended.statusCode()).as(ended.body()).isEqualTo(201);
    HttpResponse<String> moved =
        gateway.asFacility(OTHER_FACILITY).post("/api/v1/residents", second.toString());
    assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
    assertThat(JSON.readTree(moved.body()).path("outcome").asText()).isEqualTo("linked");
    Patient one = patientsWithCitizenId(first.path("idCardNo").asText()).get(0);
    assertThat(patientsWithCitizenId(first.path("idCardNo").asText())).hasSize(1);
    assertThat(one.getActive()).isTrue();
    assertThat(one.getIdentifier())
        .filteredOn(i -> Canonical.residentNoSystem(FACILITY).equals(i.getSystem()))
        .singleElement()
        .satisfies(i -> assertThat(i.getUse()).isEqualTo(Identifier.IdentifierUse.OLD));
    assertThat(links.of(OTHER_FACILITY, "B-THERE"))
        .singleElement()
        .satisfies(l -> assertThat(l.kind()).isEqualTo("relinked"));
    // Each facility still reads its own resident number.
    assertThat(
            gateway
                .asFacility(OTHER_FACILITY)
                .get("/api/v1/residents/" + OTHER_FACILITY + "/B-THERE")
                .statusCode())
        .isEqualTo(200);
    JsonNode old = JSON.readTree(gateway.get("/api/v1/residents/" + FACILITY + "/R-HERE").body());
    assertThat(old.path("residentNo").asText()).isEqualTo("R-HERE");
  }

  /** Issue 26: two facilities registering the same person at once end with one Patient. */
  @Test
  void twoFacilitiesRegisteringTheSamePersonAtOnceLeaveOnePatient(CapturedOutput output)
      throws Exception {
    int people = 12;
    List<String> citizenIds = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int n = 200; n < 200 + people; n++) {
        ObjectNode atA = People.resident(FACILITY, "RACE-" + n, n);
        citizenIds.add(atA.path("idCardNo").asText());
        ObjectNode atB = atA.deepCopy();
        atB.put("facilityCode", OTHER_FACILITY);
        atB.put("residentNo", "RACE-B-" + n);
        ObjectNode atAagain = atA.deepCopy();
        atAagain.put("residentNo", "RACE-A2-" + n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (ObjectNode record : List.of(atA, atB, atAagain)) {
          Callable<HttpResponse<String>> post =
              () -> {
                start.await();
                return gateway
                    .asFacility(record.path("facilityCode").asText())
                    .post("/api/v1/residents", record.toString());
              };
          answers.add(pool.submit(post));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<HttpResponse<String>> answer : answers) {
          HttpResponse<String> r = answer.get();
          statuses.add(r.statusCode());
          if (r.statusCode() == 409) {
            assertOutcome(r, "GW-1013", "idCardNo");
          }
        }
        assertThat(patientsWithCitizenId(atA.path("idCardNo").asText()))
            .as("Patients of person %d (answers %s)", n, statuses)
            .hasSize(1);
        assertThat(statuses).as("person %d", n).containsOnlyOnce(201).containsOnly(201, 409);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(messagesOf(null, null, "dead")).isZero();
    // The server's unique-key violations of the losers quote the conditional URL: masked.
    for (String idCardNo : citizenIds) {
      assertThat(output.getAll()).doesNotContain(idCardNo);
    }
  }

  /**
   * ADR 0052 decision 2: stored under the former systems, found, then migrated on its next write.
   */
  @Test
  void aPatientStoredUnderTheFormerSystemsIsFoundAndMigratedOnItsNextWrite() throws Exception {
    ObjectNode resident = People.resident(FACILITY, "R-OLD", 104);
    String idCardNo = resident.path("idCardNo").asText();
    Patient stored = formerVersionsPatient(resident);
    daos.getResourceDao(Patient.class).update(stored, new SystemRequestDetails());

    HttpResponse<String> read = gateway.get("/api/v1/residents/" + FACILITY + "/R-OLD");
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    JsonNode back = JSON.readTree(read.body());
    assertThat(back.path("idCardNo").asText()).isEqualTo(idCardNo);
    assertThat(back.path("genderCode").asText()).isEqualTo(resident.path("genderCode").asText());
    assertThat(back.path("maritalStatusCode").asText()).isEqualTo("30");

    HttpResponse<String> written = gateway.post("/api/v1/residents", resident.toString());
    assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
    assertThat(JSON.readTree(written.body()).path("patient").asText())
        .isEqualTo("Patient/res-0123456789abcdef0123456789abcdef");
    Patient migrated =
        platform
            .read()
            .resource(Patient.class)
            .withId("res-0123456789abcdef0123456789abcdef")
            .execute();
    assertThat(migrated.getIdentifier())
        .extracting(Identifier::getSystem)
        .contains(Canonical.SID_CITIZEN_ID)
        .doesNotContain(Canonical.SID_CITIZEN_ID_ALIAS);
    assertThat(patientsWithCitizenId(idCardNo)).hasSize(1);
    assertThat(
            platform
                .search()
                .forResource(Patient.class)
                .where(
                    Patient.IDENTIFIER
                        .exactly()
                        .systemAndCode(Canonical.SID_CITIZEN_ID_ALIAS, idCardNo))
                .returnBundle(Bundle.class)
                .execute()
                .getEntry())
        .isEmpty();
  }

  @Test
  void theFacilitysOrganizationTakesTheNameItsRecordsState() throws Exception {
    String facility = "52330300MJ8799999T";
    assertThat(
            gateway
                .asFacility(facility)
                .post("/api/v1/residents", People.resident(facility, "N-1", 105).toString())
                .statusCode())
        .isEqualTo(201);
    assertThat(facilityOrganization(facility).hasName()).isFalse();
    ObjectNode named = People.resident(facility, "N-2", 106);
    named.put("facilityName", "温州市鹿城区颐养院");
    assertThat(
            gateway.asFacility(facility).post("/api/v1/residents", named.toString()).statusCode())
        .isEqualTo(201);
    assertThat(facilityOrganization(facility).getName()).isEqualTo("温州市鹿城区颐养院");
    ObjectNode third = People.resident(facility, "N-3", 107);
    third.put("facilityName", "温州市鹿城区康养中心");
    assertThat(
            gateway.asFacility(facility).post("/api/v1/residents", third.toString()).statusCode())
        .isEqualTo(201);
    assertThat(facilityOrganization(facility).getName()).isEqualTo("温州市鹿城区康养中心");
  }

  /** A Patient as the gateway wrote it before ADR 0052: former URIs, an id of its own scheme. */
  private static Patient formerVersionsPatient(ObjectNode resident) {
    Patient p = new Patient();
    p.setId("res-0123456789abcdef0123456789abcdef");
    p.addExtension()
        .setUrl(Canonical.EXT_GB_SEX)
        .setValue(
            new org.hl7.fhir.r4.model.Coding(
                Canonical.CS_GB_SEX_ALIAS, resident.path("genderCode").asText(), null));
    org.hl7.fhir.r4.model.Extension service =
        p.addExtension().setUrl(Canonical.EXT_ELDERCARE_SERVICE);
    service
        .addExtension()
        .setUrl("serviceMode")
        .setValue(new org.hl7.fhir.r4.model.Coding(Canonical.CS_SERVICE_MODE, "residential", null));
    p.addIdentifier()
        .setUse(Identifier.IdentifierUse.OFFICIAL)
        .setSystem(Canonical.SID_CITIZEN_ID_ALIAS)
        .setValue(resident.path("idCardNo").asText());
    p.addIdentifier()
        .setUse(Identifier.IdentifierUse.USUAL)
        .setSystem(Canonical.residentNoSystem(FACILITY))
        .setValue(resident.path("residentNo").asText());
    p.setActive(true);
    p.addName()
        .setUse(org.hl7.fhir.r4.model.HumanName.NameUse.OFFICIAL)
        .setText(resident.path("name").asText());
    p.setGender(
        "1".equals(resident.path("genderCode").asText())
            ? Enumerations.AdministrativeGender.MALE
            : Enumerations.AdministrativeGender.FEMALE);
    p.setBirthDateElement(new DateType(resident.path("birthDate").asText()));
    p.getMaritalStatus().addCoding().setSystem(Canonical.CS_GB_MARITAL_ALIAS).setCode("30");
    p.getManagingOrganization().getIdentifier().setSystem(Canonical.SID_USCC).setValue(FACILITY);
    return p;
  }

  private HttpResponse<String> postAssessment(String residentNo, String assessmentNo)
      throws Exception {
    ObjectNode assessment = GatewayClient.sample("assessment-to-observations");
    assessment.put("residentNo", residentNo);
    assessment.put("assessmentNo", assessmentNo);
    return gateway.post("/api/v1/assessments", assessment.toString());
  }

  private List<Observation> observationsOf(String patientId) {
    return platform
        .search()
        .forResource(Observation.class)
        .where(Observation.SUBJECT.hasId("Patient/" + patientId))
        .returnBundle(Bundle.class)
        .execute()
        .getEntry()
        .stream()
        .map(e -> (Observation) e.getResource())
        .toList();
  }

  private List<Patient> patientsWithCitizenId(String idCardNo) {
    return platform
        .search()
        .forResource(Patient.class)
        .where(Patient.IDENTIFIER.exactly().systemAndCode(Canonical.SID_CITIZEN_ID, idCardNo))
        .returnBundle(Bundle.class)
        .execute()
        .getEntry()
        .stream()
        .map(e -> (Patient) e.getResource())
        .toList();
  }

  private String organization(String uscc, String name) {
    Organization org = new Organization();
    org.addIdentifier().setSystem(Canonical.SID_USCC).setValue(uscc);
    org.setName(name);
    return platform.create().resource(org).execute().getId().getIdPart();
  }

  private Organization facilityOrganization(String uscc) {
    return platform
        .search()
        .forResource(Organization.class)
        .where(Organization.IDENTIFIER.exactly().systemAndCode(Canonical.SID_USCC, uscc))
        .returnBundle(Bundle.class)
        .execute()
        .getEntry()
        .stream()
        .map(e -> (Organization) e.getResource())
        .findFirst()
        .orElseThrow();
  }

  private long messagesOf(String facility, String flow) throws Exception {
    return messagesOf(facility, flow, null);
  }

  private long messagesOf(String facility, String flow, String state) throws Exception {
    StringBuilder query = new StringBuilder("/api/v1/messages?size=1");
    if (facility != null) {
      query.append("&facility=").append(facility);
    }
    if (flow != null) {
      query.append("&flow=").append(flow);
    }
    if (state != null) {
      query.append("&state=").append(state);
    }
    HttpResponse<String> r = gateway.as("operator").get(query.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).path("total").asLong();
  }
}
