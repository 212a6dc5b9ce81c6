package org.yiyang.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yiyang.gateway.GatewayClient.JSON;
import static org.yiyang.gateway.GatewayClient.enc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;
import org.yiyang.profiles.Canonical;

/**
 * The first flow end to end, over real HTTP: facility JSON in, a valid Patient on the embedded HAPI
 * FHIR JPA server, and back. Every reject is a 4xx OperationOutcome naming the field.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class ResidentApiIT {

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    // The first write to a cold embedded server can take seconds; these tests are about answers.
    GatewayClient.embeddedServer(registry, () -> dataDir);
  }

  @LocalServerPort int port;

  private GatewayClient gateway;
  private ObjectNode example;

  @BeforeEach
  void loadExample() throws IOException {
    gateway = new GatewayClient(port, dataDir);
    try (InputStream in = getClass().getResourceAsStream("/residents/example.json")) {
      example = (ObjectNode) JSON.readTree(in);
    }
  }

  @Test
  void postTwiceCreatesThenUpdatesOnePatientAndReadsItBack(CapturedOutput output) throws Exception {
    example.put("residentNo", "R-TWICE");
    example.put("idCardNo", "330302194202020047");
    example.put("birthDate", "1942-02-02");

    HttpResponse<String> first = post(example.toString());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    JsonNode created = JSON.readTree(first.body());
    assertThat(created.path("outcome").asText()).isEqualTo("created");
    String patientRef = created.path("patient").asText();
    // A Patient the gateway creates gets the server's id (conditional create, ADR 0052).
    assertThat(patientRef).startsWith("Patient/");
    assertThat(first.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).endsWith("/fhir/" + patientRef));

    // An identical resend is the same message (no second write); it created nothing: 200.
    HttpResponse<String> resend = post(example.toString());
    assertThat(resend.statusCode()).as(resend.body()).isEqualTo(200);
    assertThat(JSON.readTree(resend.body()).path("outcome").asText()).isEqualTo("unchanged");
    assertThat(JSON.readTree(resend.body()).path("patient").asText()).isEqualTo(patientRef);
    assertThat(resend.headers().firstValue("X-Message-Id"))
        .isEqualTo(first.headers().firstValue("X-Message-Id"));

    // A changed record is a new message: the same Patient, updated.
    example.put("phone", "13900000000");
    HttpResponse<String> second = post(example.toString());
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    JsonNode updated = JSON.readTree(second.body());
    assertThat(updated.path("patient").asText()).isEqualTo(patientRef);
    assertThat(updated.path("versionId").asText()).isEqualTo("2");

    JsonNode byCitizenId =
        fhirSearch("Patient?identifier=" + enc(Canonical.SID_CITIZEN_ID + "|330302194202020047"));
    assertThat(byCitizenId.path("total").asInt()).isEqualTo(1);
    JsonNode patient = byCitizenId.path("entry").get(0).path("resource");
    assertThat(patient.path("meta").path("profile").get(0).asText())
        .isEqualTo(Canonical.PATIENT_PROFILE);
    assertThat(patient.path("gender").asText()).isEqualTo("female");
    assertThat(patient.path("birthDate").asText()).isEqualTo("1942-02-02");

    JsonNode byResidentNo =
        fhirSearch(
            "Patient?identifier="
                + enc(Canonical.residentNoSystem("52330300MJ8712345N") + "|R-TWICE"));
    assertThat(byResidentNo.path("total").asInt()).isEqualTo(1);

    JsonNode org =
        fhirSearch("Organization?identifier=" + enc(Canonical.SID_USCC + "|52330300MJ8712345N"));
    assertThat(org.path("total").asInt()).isEqualTo(1);

    HttpResponse<String> back = gateway.get("/api/v1/residents/52330300MJ8712345N/R-TWICE");
    assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
    JsonNode resident = JSON.readTree(back.body());
    example
        .fieldNames()
        .forEachRemaining(
            field -> assertThat(resident.get(field)).as(field).isEqualTo(example.get(field)));

    assertThat(output.getAll())
        .doesNotContain("330302194202020047")
        .doesNotContain("王秀英")
        .doesNotContain("13800000000")
        .doesNotContain("13900000000");
  }

  @Test
  void wrongCheckDigitIsRejectedNamingIdCardNoAndNothingIsWritten() throws Exception {
    example.put("residentNo", "R-BADCHECK");
    example.put("idCardNo", "330302194305120025");
    HttpResponse<String> response = post(example.toString());
    assertReject(response, 400, "GW-1004", "idCardNo");
    assertThat(gateway.get("/api/v1/residents/52330300MJ8712345N/R-BADCHECK").statusCode())
        .isEqualTo(404);
    assertThat(
            fhirSearch(
                    "Patient?identifier=" + enc(Canonical.SID_CITIZEN_ID + "|330302194305120025"))
                .path("total")
                .asInt())
        .isZero();
  }

  @Test
  void idNumberContradictingBirthDateOrSexIsRejected() throws Exception {
    example.put("residentNo", "R-CONTRA");
    example.put("birthDate", "1943-05-13");
    assertReject(post(example.toString()), 400, "GW-1005", "idCardNo");

    loadExample();
    example.put("residentNo", "R-CONTRA");
    example.put("genderCode", "1");
    assertReject(post(example.toString()), 400, "GW-1005", "idCardNo");
  }

  @Test
  void malformedJsonIsRejected() throws Exception {
    assertReject(post("{\"facilityCode\": \"52330300MJ8712345N\","), 400, "GW-1001", null);
    assertReject(post("[1,2]"), 400, "GW-1001", null);
    assertReject(post(""), 400, "GW-1001", null);
  }

  @Test
  void missingRequiredFieldIsRejectedNamingIt() throws Exception {
    example.remove("birthDate");
    assertReject(post(example.toString()), 400, "GW-1002", "birthDate");
  }

  @Test
  void unknownCodeIsRejectedNamingTheField() throws Exception {
    example.put("genderCode", "7");
    assertReject(post(example.toString()), 400, "GW-1006", "genderCode");

    loadExample();
    example.put("ethnicCode", "99");
    assertReject(post(example.toString()), 400, "GW-1006", "ethnicCode");
  }

  @Test
  void unknownFieldIsRejectedRatherThanDropped() throws Exception {
    example.put("favouriteColour", "blue");
    assertReject(post(example.toString()), 400, "GW-1007", "favouriteColour");
  }

  @Test
  void wrongContentTypeIs415() throws Exception {
    HttpResponse<String> response =
        gateway.send(
            gateway
                .request("/api/v1/residents")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(example.toString()))
                .build());
    assertReject(response, 415, "GW-1010", null);
  }

  @Test
  void unknownResidentIs404AndBadFacilityCodeIs400() throws Exception {
    assertReject(
        gateway.get("/api/v1/residents/52330300MJ8712345N/NOBODY"), 404, "GW-1011", "residentNo");
    assertReject(
        gateway.get("/api/v1/residents/52330300MJ8712345X/R0001"), 400, "GW-1008", "facilityCode");
  }

  @Test
  void theSameCitizenIdUnderAnotherResidentNumberIsAConflict() throws Exception {
    example.put("residentNo", "R-FIRST");
    example.put("idCardNo", "330302194001010010");
    example.put("genderCode", "1");
    example.put("birthDate", "1940-01-01");
    assertThat(post(example.toString()).statusCode()).isEqualTo(201);
    example.put("residentNo", "R-SECOND");
    assertReject(post(example.toString()), 409, "GW-1013", "idCardNo");
  }

  @Test
  void embeddedServerAndHealthAreUp() throws Exception {
    HttpResponse<String> metadata = gateway.get("/fhir/metadata");
    assertThat(metadata.statusCode()).isEqualTo(200);
    assertThat(metadata.body()).contains("CapabilityStatement");
    HttpResponse<String> health = gateway.get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("UP");
  }

  /**
   * HAPI's JPA server brings springdoc onto the class path; its auto-configuration published a
   * Swagger UI and an OpenAPI document that answered 500. The gateway publishes neither there; its
   * own description of the facility API is at /api/v1/openapi.json (ApiDocsIT).
   */
  @Test
  void noUnpublishedPagesFromLibraries() throws Exception {
    for (String path :
        new String[] {"/v3/api-docs", "/swagger-ui/index.html", "/swagger-ui.html"}) {
      assertReject(gateway.get(path), 404, "GW-1011", null);
    }
  }

  private void assertReject(HttpResponse<String> response, int status, String code, String field)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/fhir+json"));
    JsonNode outcome = JSON.readTree(response.body());
    assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    boolean found = false;
    for (JsonNode issue : outcome.path("issue")) {
      boolean codeMatches =
          code.equals(issue.path("details").path("coding").get(0).path("code").asText());
      boolean fieldMatches =
          field == null || field.equals(issue.path("expression").path(0).asText());
      found |= codeMatches && fieldMatches;
    }
    assertThat(found).as("issue %s on %s in %s", code, field, response.body()).isTrue();
  }

  private HttpResponse<String> post(String body) throws Exception {
    return gateway.post("/api/v1/residents", body);
  }

  private JsonNode fhirSearch(String query) throws Exception {
    HttpResponse<String> response =
        gateway.asHospital(GatewayClient.HOSPITAL).get("/fhir/" + query + "&_total=accurate");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
