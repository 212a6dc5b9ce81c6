package org.yiyang.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;
import org.yiyang.gateway.sandbox.ElderGenerator;

/**
 * One client over its budget gets 429 with {@code Retry-After} and an OperationOutcome, before any
 * work; another client is not affected; health probes are never limited.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RateLimitIT {

  static Path dataDir = GatewayClient.tempDir("rate-limit-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
    registry.add("gateway.security.rate-limit.burst", () -> "5");
    registry.add("gateway.security.rate-limit.requests-per-second", () -> "0.1");
  }

  @LocalServerPort int port;

  @Test
  void aFloodingClientIsSlowedAloneAndProbesAreNeverLimited() throws Exception {
    GatewayClient gateway = new GatewayClient(port, dataDir);
    GatewayClient flooding = gateway.asFacility("52331000MJ9876543W");
    flooding.token();
    gateway.token();
    List<Integer> statuses = new ArrayList<>();
    HttpResponse<String> refused = null;
    for (int i = 0; i < 8; i++) {
      HttpResponse<String> answer = flooding.get("/api/v1/messages?size=1");
      statuses.add(answer.statusCode());
      if (answer.statusCode() == 429) {
        refused = answer;
      }
    }
    assertThat(statuses.subList(0, 5)).containsOnly(200);
    assertThat(statuses.subList(5, 8)).containsOnly(429);
    GatewayClient.assertOutcome(refused, "GW-1032", null);
    assertThat(refused.headers().firstValue("Retry-After"))
        .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
    // The refusal is audited (ADR 0055): who was slowed, and the rule.
    String correlation = refused.headers().firstValue("X-Correlation-Id").orElseThrow();
    HttpResponse<String> audited =
        gateway.as("auditor").get("/api/v1/admin/audit?correlation=" + correlation);
    assertThat(audited.statusCode()).as(audited.body()).isEqualTo(200);
    JsonNode event = GatewayClient.JSON.readTree(audited.body()).path("events").path(0);
    assertThat(event.at("/outcome/status").asInt()).isEqualTo(429);
    assertThat(event.at("/outcome/result").asText()).isEqualTo("refused");
    assertThat(event.at("/outcome/code").asText()).isEqualTo("GW-1032");
    assertThat(event.at("/outcome/detail").asText()).contains("requests");
    assertThat(event.at("/client/organization").asText()).isEqualTo("52331000MJ9876543W");

    assertThat(gateway.get("/api/v1/messages?size=1").statusCode())
        .as("another client keeps its own budget")
        .isEqualTo(200);
    for (int i = 0; i < 10; i++) {
      assertThat(gateway.anonymous().get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }
  }

  /**
   * The gateway's own calls to its embedded FHIR server (Patient searches at intake and delivery,
   * the transaction) belong to the request that was admitted: they are not counted. Counted, the
   * third record's calls would be over this test's budget of 5 and wait 10 s each: 202, not 201.
   */
  @Test
  void theGatewaysOwnCallsToItsFhirServerAreNotCounted() throws Exception {
    String facility = "52331000MJ98765440";
    GatewayClient sender = new GatewayClient(port, dataDir).asFacility(facility);
    ElderGenerator elders = new ElderGenerator(18, null, facility);
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> created =
          sender.post("/api/v1/residents", elders.nextElder().resident().toString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }
  }
}
