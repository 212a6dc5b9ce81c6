package org.yiyang.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.NamingSystem;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StructureDefinition;
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
import org.yiyang.gateway.fhirserver.RegionalPackageInstaller;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ConformancePackage;

/**
 * The embedded server from the regional platform's side, driven through HAPI's generic client as a
 * platform would (issue 26): the package is published and enforced (CapabilityStatement, {@code
 * $validate?profile=}, refused writes), and residents the gateway wrote are found by national
 * identifiers, name parts, address parts and division, with {@code _include} and paging; HAPI's own
 * error logging leaks no personal data.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class RegionalPlatformIT {

  /** The facility of the residents the searches look for. */
  static final String HOME = "52330300MJ8799999T";

  /** The facility of the Patients the write tests make directly on /fhir. */
  static final String FACILITY = "52330300MJ8712345N";

  private static final Path dataDir = GatewayClient.tempDir("regional-platform-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
    registry.add("gateway.fhir-server.install-package", () -> "true");
  }

  @LocalServerPort int port;
  @Autowired RegionalPackageInstaller installer;

  private GatewayClient gateway;
  private IGenericClient platform;
  private final List<ObjectNode> residents = new ArrayList<>();
  private String facilityOrganization;
  private String homeOrganization;

  /** Six residents in three divisions, written by the gateway once the package is installed. */
  @BeforeAll
  void residentsOfThreeDivisions() throws Exception {
    gateway = new GatewayClient(port, dataDir);
    platform = gateway.fhirClient();
    installer.installed().get(5, TimeUnit.MINUTES);
    String[][] people = {
      {"王", "秀英", "330302", "residential"},
      {"王", "建国", "330302", "day-care"},
      {"李", "桂兰", "330302", "residential"},
      {"张", "丽", "110101", "home-based"},
      {"赵", "德明", "110101", "residential"},
      {"刘", "芳", "370406", "day-care"}
    };
    for (int i = 0; i < people.length; i++) {
      ObjectNode r = People.resident(HOME, "P-" + i, 300 + i);
      r.put("name", people[i][0] + people[i][1]);
      r.put("familyName", people[i][0]);
      r.put("givenName", people[i][1]);
      r.putObject("address").put("divisionCode", people[i][2]).put("text", "某街道" + i + "号");
      r.put("serviceMode", people[i][3]);
      if (i == 0) {
        r.put("healthRecordNo", "33030200100100300");
      }
      HttpResponse<String> posted =
          gateway.asFacility(HOME).post("/api/v1/residents", r.toString());
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
      residents.add(r);
    }
    homeOrganization = organizationOf(HOME);
    Organization facility = new Organization().setName("直接写入的养老机构");
    facility.addIdentifier().setSystem(Canonical.SID_USCC).setValue(FACILITY);
    facilityOrganization = platform.create().resource(facility).execute().getId().getIdPart();
  }

  private String organizationOf(String uscc) {
    return platform
        .search()
        .forResource(Organization.class)
        .where(Organization.IDENTIFIER.exactly().systemAndCode(Canonical.SID_USCC, uscc))
        .returnBundle(Bundle.class)
        .execute()
        .getEntryFirstRep()
        .getResource()
        .getIdElement()
        .getIdPart();
  }

  @Test
  void residentsAreFoundByTheirNationalIdentifiers() {
    String idCardNo = residents.get(0).path("idCardNo").asText();
    assertThat(
            patients(
                Patient.IDENTIFIER.exactly().systemAndCode(Canonical.SID_CITIZEN_ID, idCardNo)))
        .hasSize(1);
    assertThat(
            patients(
                Patient.IDENTIFIER
                    .exactly()
                    .systemAndCode(Canonical.SID_HEALTH_RECORD_NO, "33030200100100300")))
        .hasSize(1);
    // Written under the national OID, not under the package's former URI.
    assertThat(
            patients(
                Patient.IDENTIFIER
                    .exactly()
                    .systemAndCode(Canonical.SID_CITIZEN_ID_ALIAS, idCardNo)))
        .isEmpty();
  }

  @Test
  void residentsAreFoundByNameParts() {
    assertThat(names(patients(Patient.FAMILY.matchesExactly().value("王"))))
        .containsExactlyInAnyOrder("王秀英", "王建国");
    assertThat(names(patients(Patient.GIVEN.matchesExactly().value("桂兰")))).containsExactly("李桂兰");
    assertThat(names(patients(Patient.NAME.matches().value("赵德明")))).containsExactly("赵德明");
  }

  @Test
  void residentsAreFoundByAddressPartsAndDivision() {
    assertThat(patients(Patient.ADDRESS_CITY.matchesExactly().value("温州市"))).hasSize(3);
    assertThat(patients(Patient.ADDRESS_STATE.matchesExactly().value("北京市"))).hasSize(2);
    assertThat(names(patients(Patient.ADDRESS_CITY.matchesExactly().value("北京市"))))
        .containsExactlyInAnyOrder("张丽", "赵德明");
    // R4 has no address-district parameter; address matches any part, the district included.
    assertThat(names(patients(Patient.ADDRESS.matches().value("山亭区")))).containsExactly("刘芳");
    // The package's own search parameters, installed in the server.
    assertThat(
            patients(
                new TokenClientParam("division")
                    .exactly()
                    .systemAndCode(Canonical.CS_GB_DIVISION, "330302")))
        .hasSize(3);
    assertThat(
            names(
                patients(
                    new TokenClientParam("service-mode")
                        .exactly()
                        .systemAndCode(Canonical.CS_SERVICE_MODE, "day-care"))))
        .containsExactlyInAnyOrder("王建国", "刘芳");
  }

  @Test
  void aSearchIncludesTheFacilityAndPages() {
    Bundle first =
        platform
            .search()
            .forResource(Patient.class)
            .where(Patient.ADDRESS_CITY.matchesExactly().value("温州市"))
            .and(Patient.ORGANIZATION.hasId("Organization/" + homeOrganization))
            .include(Patient.INCLUDE_ORGANIZATION)
            .count(2)
            .totalMode(ca.uhn.fhir.rest.api.SearchTotalModeEnum.ACCURATE)
            .returnBundle(Bundle.class)
            .execute();
    assertThat(first.getTotal()).isEqualTo(3);
    assertThat(matches(first)).hasSize(2);
    assertThat(first.getEntry())
        .anyMatch(
            e ->
                e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE
                    && e.getResource() instanceof Organization o
                    && o.getIdElement().getIdPart().equals(homeOrganization));
    assertThat(first.getLink(Bundle.LINK_NEXT)).isNotNull();
    Bundle second = platform.loadPage().next(first).execute();
    assertThat(matches(second)).hasSize(1);
    List<String> ids = new ArrayList<>();
    matches(first).forEach(p -> ids.add(p.getIdElement().getIdPart()));
    matches(second).forEach(p -> ids.add(p.getIdElement().getIdPart()));
    assertThat(ids).doesNotHaveDuplicates().hasSize(3);
  }

  @Test
  void theCapabilityStatementListsEveryRegionalProfileAndSearchParameter() {
    CapabilityStatement cs = platform.capabilities().ofType(CapabilityStatement.class).execute();
    List<String> expected = new ArrayList<>();
    for (StructureDefinition sd : ConformancePackage.load().structureDefinitions()) {
      if (sd.getKind() == StructureDefinition.StructureDefinitionKind.RESOURCE) {
        expected.add(sd.getType() + " " + sd.getUrl());
      }
    }
    List<String> listed = new ArrayList<>();
    for (CapabilityStatement.CapabilityStatementRestResourceComponent r :
        cs.getRestFirstRep().getResource()) {
      r.getSupportedProfile().forEach(p -> listed.add(r.getType() + " " + p.getValue()));
    }
    assertThat(expected).hasSize(22);
    assertThat(listed).containsAll(expected);
    CapabilityStatement.CapabilityStatementRestResourceComponent patient =
        cs.getRestFirstRep().getResource().stream()
            .filter(r -> r.getType().equals("Patient"))
            .findFirst()
            .orElseThrow();
    assertThat(patient.getSearchParam())
        .extracting(
            CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent::getName)
        .contains("division", "service-mode", "family", "address-city");
  }

  @Test
  void thePackageIsPublishedOnTheServer() {
    assertThat(
            platform
                .search()
                .forResource(StructureDefinition.class)
                .where(StructureDefinition.URL.matches().value(Canonical.PATIENT_PROFILE))
                .returnBundle(Bundle.class)
                .execute()
                .getEntry())
        .hasSize(1);
    assertThat(
            platform
                .search()
                .forResource(CodeSystem.class)
                .where(CodeSystem.URL.matches().value(Canonical.CS_GB_SEX))
                .returnBundle(Bundle.class)
                .execute()
                .getEntry())
        .hasSize(1);
    assertThat(
            platform
                .search()
                .forResource(NamingSystem.class)
                .where(NamingSystem.VALUE.matches().value("2.16.156.10011.1.3"))
                .returnBundle(Bundle.class)
                .execute()
                .getEntry())
        .hasSize(1);
    assertThat(
            platform
                .search()
                .forResource(SearchParameter.class)
                .where(SearchParameter.CODE.exactly().code("division"))
                .returnBundle(Bundle.class)
                .execute()
                .getEntry())
        .hasSize(1);
  }

  @Test
  void validateWithARegionalProfileJudgesAgainstIt() {
    Patient good = validPatient("V-GOOD", 320);
    OperationOutcome judged = validate(good, Canonical.PATIENT_PROFILE);
    assertThat(errors(judged)).as("%s", diagnostics(judged)).isEmpty();
    Patient bad = validPatient("V-BAD", 321);
    bad.getExtension().removeIf(e -> e.getUrl().equals(Canonical.EXT_GB_SEX));
    assertThat(errors(validate(bad, Canonical.PATIENT_PROFILE)))
        .anyMatch(
            i ->
                i.getDiagnostics().contains("yy-ext-gb-sex")
                    || i.getDiagnostics().contains("gbSex"));
    // The same Patient claiming no profile is valid base R4.
    bad.getMeta().getProfile().clear();
    assertThat(errors(validate(bad, null))).as("%s", diagnostics(validate(bad, null))).isEmpty();
  }

  /**
   * Issue 26 target: 100 % of direct writes that claim a regional profile and break it are refused
   * with an OperationOutcome; valid ones and the platform's unprofiled resources are unaffected.
   */
  @Test
  void directWritesThatClaimARegionalProfileAndBreakItAreRefused() {
    List<Supplier<MethodOutcome>> broken = new ArrayList<>();
    Patient noSex = validPatient("W-1", 330);
    noSex.getExtension().removeIf(e -> e.getUrl().equals(Canonical.EXT_GB_SEX));
    broken.add(() -> platform.create().resource(noSex).execute());
    Patient aliasSystem = validPatient("W-2", 331);
    aliasSystem.getIdentifier().stream()
        .filter(i -> Canonical.SID_CITIZEN_ID.equals(i.getSystem()))
        .forEach(i -> i.setSystem(Canonical.SID_CITIZEN_ID_ALIAS));
    broken.add(() -> platform.create().resource(aliasSystem).execute());
    Patient badDivision = validPatient("W-3", 332);
    ((org.hl7.fhir.r4.model.Coding)
            badDivision.getAddressFirstRep().getExtensionFirstRep().getValue())
        .setCode("999999");
    broken.add(() -> platform.create().resource(badDivision).execute());
    Patient noName = validPatient("W-4", 333);
    noName.setName(null);
    broken.add(
        () ->
            platform
                .update()
                .resource(noName)
                .conditional()
                .where(
                    Patient.IDENTIFIER
                        .exactly()
                        .systemAndCode(Canonical.residentNoSystem(FACILITY), "W-4"))
                .execute());

    // An update and a patch that break a Patient stored valid.
    Patient stored = validPatient("W-5", 334);
    String storedId = platform.create().resource(stored).execute().getId().getIdPart();
    Patient worse = stored.copy();
    worse.setId(storedId);
    worse.setBirthDate(null);
    broken.add(() -> platform.update().resource(worse).execute());
    broken.add(
        () ->
            platform
                .patch()
                .withBody("[{\"op\": \"remove\", \"path\": \"/gender\"}]")
                .withId("Patient/" + storedId)
                .execute());
    // A transaction with one broken entry: refused whole.
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Patient inTransaction = validPatient("W-7", 336);
    inTransaction.setBirthDate(null);
    Organization fine = new Organization().setName("某社区卫生服务中心");
    transaction
        .addEntry()
        .setResource(fine)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Organization");
    transaction
        .addEntry()
        .setResource(inTransaction)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Patient");
    broken.add(
        () -> {
          platform.transaction().withBundle(transaction).execute();
          return new MethodOutcome();
        });

    int refused = 0;
    for (Supplier<MethodOutcome> write : broken) {
      UnprocessableEntityException e =
          catchThrowableOfType(UnprocessableEntityException.class, write::get);
      assertThat(e).as("write %d is refused with 422", refused + 1).isNotNull();
      assertThat(e.getOperationOutcome()).isInstanceOf(OperationOutcome.class);
      assertThat(errors(e.getOperationOutcome())).isNotEmpty();
      // The error body quotes no ID or phone digits of the resource.
      assertThat(
              platform
                  .getFhirContext()
                  .newJsonParser()
                  .encodeResourceToString(e.getOperationOutcome()))
          .doesNotContainPattern("[0-9]{7,}");
      refused++;
    }
    assertThat(refused).isEqualTo(broken.size()).isEqualTo(7);
    // Nothing of the refused writes is stored; the stored Patient is unchanged.
    for (String residentNo : List.of("W-1", "W-2", "W-3", "W-4", "W-7")) {
      assertThat(
              everyPatient(
                  Patient.IDENTIFIER
                      .exactly()
                      .systemAndCode(Canonical.residentNoSystem(FACILITY), residentNo)))
          .as(residentNo)
          .isEmpty();
    }
    Patient still = platform.read().resource(Patient.class).withId(storedId).execute();
    assertThat(still.hasBirthDate()).isTrue();
    assertThat(still.hasGender()).isTrue();
    assertThat(still.getMeta().getVersionId()).isEqualTo("1");

    // Valid writes and the platform's own unprofiled resources are unaffected.
    assertThat(platform.create().resource(validPatient("W-8", 337)).execute().getCreated())
        .isTrue();
    Patient chc = new Patient();
    chc.addIdentifier().setSystem(Canonical.SID_CITIZEN_ID).setValue("330302194001010034");
    chc.addName().setFamily("陈").addGiven("某");
    String chcId = platform.create().resource(chc).execute().getId().getIdPart();
    Encounter visit = new Encounter();
    visit.setStatus(Encounter.EncounterStatus.FINISHED);
    visit.setClass_(
        new org.hl7.fhir.r4.model.Coding(
            "http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null));
    visit.setSubject(new Reference("Patient/" + chcId));
    assertThat(platform.create().resource(visit).execute().getCreated()).isTrue();
    // Unprofiled, but not base R4 (an Observation needs a status): refused as well.
    Observation noStatus = new Observation();
    noStatus.getCode().setText("血压");
    assertThat(
            catchThrowableOfType(
                UnprocessableEntityException.class,
                () -> platform.create().resource(noStatus).execute()))
        .isNotNull();
  }

  @Test
  void malformedInputIsA4xxNotA500() throws Exception {
    HttpResponse<String> response =
        gateway.send(
            gateway
                .asHospital(GatewayClient.HOSPITAL)
                .request("/fhir/Patient")
                .header("Content-Type", "application/fhir+json")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"resourceType\": \"Patient\", \"meta\": {\"profile\": [\""
                            + Canonical.PATIENT_PROFILE
                            + "\"]}, \"name\": "))
                .build());
    assertThat(response.statusCode()).isBetween(400, 499);
  }

  /** Issue 26: a bad /fhir search parameter wrote the citizen ID into an ERROR line. */
  @Test
  void aBadSearchParameterLeavesNoPersonalDataInTheLog(CapturedOutput output) {
    String idCardNo = residents.get(1).path("idCardNo").asText();
    BaseServerResponseException e =
        catchThrowableOfType(
            BaseServerResponseException.class,
            () ->
                platform
                    .search()
                    .byUrl("Patient?birthdate=" + idCardNo)
                    .returnBundle(Bundle.class)
                    .execute());
    assertThat(e).isInstanceOf(InvalidRequestException.class);
    catchThrowableOfType(
        BaseServerResponseException.class,
        () ->
            platform
                .search()
                .byUrl("Patient?telecom:contains=13800000000&_sort=" + idCardNo)
                .returnBundle(Bundle.class)
                .execute());
    assertThat(output.getAll()).doesNotContain(idCardNo).doesNotContain("13800000000");
  }

  /** A valid yy-patient as a platform would write it directly, managed by the facility. */
  private Patient validPatient(String residentNo, int n) {
    Patient p =
        (Patient)
            ((Patient)
                    ConformancePackage.load().examplesByFile().get("Patient-example-resident.json"))
                .copy();
    ObjectNode person = People.resident(FACILITY, residentNo, n);
    p.setId((String) null);
    for (Identifier i : p.getIdentifier()) {
      if (Canonical.SID_CITIZEN_ID.equals(i.getSystem())) {
        i.setValue(person.path("idCardNo").asText());
      } else {
        i.setValue(residentNo);
      }
    }
    boolean male = "1".equals(person.path("genderCode").asText());
    for (Extension e : p.getExtension()) {
      if (e.getUrl().equals(Canonical.EXT_GB_SEX)) {
        ((org.hl7.fhir.r4.model.Coding) e.getValue()).setCode(male ? "1" : "2");
      }
    }
    p.setGender(
        male
            ? org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.MALE
            : org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
    p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(person.path("birthDate").asText()));
    p.getManagingOrganization().setReference("Organization/" + facilityOrganization);
    return p;
  }

  /**
   * {@code POST Patient/$validate?profile=…} with the Patient as the body, as the issue asks. (HAPI
   * 8.6 reads a {@code profile} given inside a Parameters body as the text of its UriType object
   * and finds no profile; the URL form is the one platforms use.)
   */
  private OperationOutcome validate(Patient patient, String profile) {
    String url =
        "/fhir/Patient/$validate"
            + (profile == null ? "" : "?profile=" + GatewayClient.enc(profile));
    try {
      HttpResponse<String> response =
          gateway.send(
              gateway
                  .asHospital(GatewayClient.HOSPITAL)
                  .request(url)
                  .header("Content-Type", "application/fhir+json")
                  .header("Accept", "application/fhir+json")
                  .POST(
                      java.net.http.HttpRequest.BodyPublishers.ofString(
                          platform
                              .getFhirContext()
                              .newJsonParser()
                              .encodeResourceToString(patient)))
                  .build());
      return platform
          .getFhirContext()
          .newJsonParser()
          .parseResource(OperationOutcome.class, response.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> diagnostics(OperationOutcome outcome) {
    return errors(outcome).stream().map(i -> i.getDiagnostics()).toList();
  }

  private static List<OperationOutcome.OperationOutcomeIssueComponent> errors(
      IBaseOperationOutcome outcome) {
    return ((OperationOutcome) outcome)
        .getIssue().stream()
            .filter(
                i ->
                    i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                        || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
            .toList();
  }

  /**
   * The residents of {@link #residentsOfThreeDivisions} that a search finds (the write tests make
   * Patients of another facility).
   */
  private List<Patient> patients(ca.uhn.fhir.rest.gclient.ICriterion<?> criterion) {
    String home = Canonical.residentNoSystem(HOME);
    return everyPatient(criterion).stream()
        .filter(p -> p.getIdentifier().stream().anyMatch(i -> home.equals(i.getSystem())))
        .toList();
  }

  private List<Patient> everyPatient(ca.uhn.fhir.rest.gclient.ICriterion<?> criterion) {
    return matches(
        platform
            .search()
            .forResource(Patient.class)
            .where(criterion)
            .count(50)
            .returnBundle(Bundle.class)
            .execute());
  }

  private static List<Patient> matches(Bundle bundle) {
    return bundle.getEntry().stream()
        .filter(e -> e.getSearch().getMode() != Bundle.SearchEntryMode.INCLUDE)
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(Patient.class::isInstance)
        .map(Patient.class::cast)
        .toList();
  }

  private static List<String> names(List<Patient> patients) {
    return patients.stream()
        .map(p -> p.getName().stream().map(HumanName::getText).findFirst().orElse(""))
        .toList();
  }
}
