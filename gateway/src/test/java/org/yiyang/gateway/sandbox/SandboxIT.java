package org.yiyang.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yiyang.gateway.GatewayClient.JSON;
import static org.yiyang.gateway.GatewayClient.assertOutcome;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;

/**
 * The sandbox end to end (issue 21): a facility asks the gateway for 100 synthetic elders and
 * registers them all (201 each), with their records for a few; each broken kind gets the status,
 * code and field its label states.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxIT {

  static final Path dataDir = GatewayClient.tempDir("sandbox-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
    registry.add("gateway.sandbox.enabled", () -> "true");
  }

  @LocalServerPort int port;

  private GatewayClient facility;

  @BeforeAll
  void client() {
    facility = new GatewayClient(port, dataDir);
  }

  @Test
  void generatedEldersAreRegisteredAndEachBrokenKindIsRefusedAsLabelled() throws Exception {
    HttpResponse<String> answer =
        facility.post("/api/v1/sandbox/elders?count=100&seed=21&invalid=true", null);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/x-ndjson");
    List<JsonNode> elders = new ArrayList<>();
    List<JsonNode> invalid = new ArrayList<>();
    for (String line : answer.body().split("\n")) {
      JsonNode node = JSON.readTree(line);
      (node.has("invalid") ? invalid : elders).add(node);
    }
    assertThat(elders).hasSize(100);
    assertThat(invalid).hasSize(InvalidKind.values().length);

    List<String> failures = new ArrayList<>();
    for (JsonNode elder : elders) {
      assertThat(elder.at("/resident/facilityCode").asText()).isEqualTo(GatewayClient.FACILITY);
      HttpResponse<String> sent =
          facility.post("/api/v1/residents", elder.get("resident").toString());
      if (sent.statusCode() != 201) {
        failures.add(sent.statusCode() + " " + sent.body());
      }
    }
    assertThat(failures).isEmpty();
    for (JsonNode elder : elders.subList(0, 3)) {
      expectCreated("/api/v1/assessments", elder.get("assessment"));
      expectCreated("/api/v1/checkups", elder.get("checkup"));
      for (JsonNode followUp : elder.get("followUps")) {
        expectCreated("/api/v1/chronic-disease-followups", followUp);
      }
    }

    for (JsonNode record : invalid) {
      HttpResponse<String> refused =
          facility.post("/api/v1/residents", record.get("resident").toString());
      assertThat(refused.statusCode())
          .as(record.get("invalid").asText() + " " + refused.body())
          .isEqualTo(record.at("/expect/status").asInt());
      assertOutcome(
          refused, record.at("/expect/code").asText(), record.at("/expect/field").asText());
    }
  }

  @Test
  void theEndpointGivesTheCliLinesForTheSameArguments() throws Exception {
    GatewayClient operator = facility.as("operator");
    String facilityCode = "52331000MJ9876543W";
    HttpResponse<String> answer =
        operator.post(
            "/api/v1/sandbox/elders?count=5&seed=3&division=331002&facilityCode=" + facilityCode,
            null);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body())
        .isEqualTo(ElderLines.lines(new ElderGenerator(3, "331002", facilityCode), 5, false));
  }

  @Test
  void badParametersAreRefusedNamingTheParameter() throws Exception {
    assertRefused(facility.post("/api/v1/sandbox/elders?count=0", null), 400, "GW-1003", "count");
    assertRefused(facility.post("/api/v1/sandbox/elders?count=x", null), 400, "GW-1003", "count");
    assertRefused(
        facility.post("/api/v1/sandbox/elders?division=999999", null), 400, "GW-1006", "division");
    assertRefused(
        facility.post("/api/v1/sandbox/elders?invalid=maybe", null), 400, "GW-1003", "invalid");
    assertRefused(
        facility.post("/api/v1/sandbox/elders?facilityCode=52331000MJ9876543W", null),
        403,
        "GW-1021",
        "facilityCode");
    assertRefused(
        facility
            .as("operator")
            .post("/api/v1/sandbox/elders?facilityCode=52331000MJ9876543A", null),
        400,
        "GW-1008",
        "facilityCode");
  }

  private void expectCreated(String path, JsonNode record) throws Exception {
    HttpResponse<String> sent = facility.post(path, record.toString());
    assertThat(sent.statusCode()).as(path + " " + sent.body()).isEqualTo(201);
  }

  private static void assertRefused(
      HttpResponse<String> answer, int status, String code, String field) throws Exception {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
    assertOutcome(answer, code, field);
  }
}
