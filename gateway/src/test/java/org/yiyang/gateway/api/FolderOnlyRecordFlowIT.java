package org.yiyang.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yiyang.gateway.GatewayClient.JSON;
import static org.yiyang.gateway.GatewayClient.assertOutcome;
import static org.yiyang.gateway.GatewayClient.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;

/**
 * A record flow is one folder (issue 23): {@code hearing-screening} exists only under this module's
 * test resources ({@code mappings/flows/hearing-screening/}: descriptor, both mappings, schema,
 * sample, and the test index that lists them), and the unchanged gateway serves it end to end —
 * POST, journal, FHIR transaction, GET back in facility form — with its checks: the schema's field
 * rules, the registered resident, another facility's record answering like a missing one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FolderOnlyRecordFlowIT {

  private static final Path dataDir = GatewayClient.tempDir("folder-flow-it");
  private static final String FOLDER = "/mappings/flows/hearing-screening/";
  private static final String FACILITY = "52330300MJ8712345N";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
  }

  @LocalServerPort int port;

  private GatewayClient gateway;

  @BeforeAll
  void registerTheResident() throws Exception {
    gateway = new GatewayClient(port, dataDir);
    HttpResponse<String> resident =
        gateway.post("/api/v1/residents", sample("resident-to-patient").toString());
    assertThat(resident.statusCode()).as(resident.body()).isIn(200, 201);
  }

  @Test
  void aFlowDefinedOnlyByItsFolderPostsJournalsReachesFhirAndReadsBack() throws Exception {
    ObjectNode record = screening();
    HttpResponse<String> first = gateway.post("/api/v1/hearing-screenings", record.toString());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    String location = first.headers().firstValue("Location").orElseThrow();
    assertThat(location)
        .isEqualTo(
            "/api/v1/hearing-screenings/" + FACILITY + "/" + record.get("screeningNo").asText());

    // Journaled under the descriptor's name, and delivered.
    JsonNode journaled =
        JSON.readTree(
            gateway.get("/api/v1/messages?flow=hearing-screening.to-fhir&size=10").body());
    assertThat(journaled.path("total").asLong()).isEqualTo(1);
    assertThat(journaled.at("/messages/0/state").asText()).isEqualTo("delivered");

    // On the FHIR server under the descriptor's identifier system, about the resident's Patient.
    Bundle found =
        gateway
            .fhirClient()
            .search()
            .forResource(Observation.class)
            .where(
                Observation.IDENTIFIER
                    .exactly()
                    .systemAndCode(
                        "https://fhir.yiyang.org/sid/test-hearing-screening-no/" + FACILITY,
                        record.get("screeningNo").asText()))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(found.getEntry()).hasSize(1);
    Observation stored = (Observation) found.getEntryFirstRep().getResource();
    assertThat(stored.getSubject().getReference()).startsWith("Patient/");
    assertThat(stored.getComponent()).hasSize(2);

    HttpResponse<String> back = gateway.get(location);
    assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
    assertThat(JSON.readTree(back.body())).isEqualTo(record);

    HttpResponse<String> again = gateway.post("/api/v1/hearing-screenings", record.toString());
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
  }

  @Test
  void theFlowsSchemaRulesAnswerNamingTheField() throws Exception {
    ObjectNode record = screening().put("screeningNo", "HS-BAD").put("leftEar", "maybe");
    HttpResponse<String> response = gateway.post("/api/v1/hearing-screenings", record.toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertOutcome(response, "GW-1006", "leftEar");
  }

  @Test
  void aScreeningOfAnUnregisteredResidentIsRefusedNamingResidentNo() throws Exception {
    ObjectNode record = screening().put("screeningNo", "HS-ORPHAN").put("residentNo", "NOBODY");
    HttpResponse<String> response = gateway.post("/api/v1/hearing-screenings", record.toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
    assertOutcome(response, "GW-1011", "residentNo");
  }

  @Test
  void anotherFacilitysScreeningAnswersLikeAMissingOne() throws Exception {
    HttpResponse<String> other =
        gateway.get("/api/v1/hearing-screenings/52330300MJ8754321M/HS2025-0001");
    HttpResponse<String> missing =
        gateway.get("/api/v1/hearing-screenings/" + FACILITY + "/HS-NEVER-SENT");
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertOutcome(other, "GW-1011", "screeningNo");
    assertOutcome(missing, "GW-1011", "screeningNo");
  }

  private static ObjectNode screening() throws Exception {
    try (InputStream in =
        FolderOnlyRecordFlowIT.class.getResourceAsStream(
            FOLDER + "to-fhir/hearing-screening-to-observation/sample.json")) {
      return (ObjectNode) JSON.readTree(in);
    }
  }
}
