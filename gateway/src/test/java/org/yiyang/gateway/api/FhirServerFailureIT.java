package org.yiyang.gateway.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An external regional FHIR server (WireMock) that fails. The record is journaled first, so a
 * server that is down, slow or cut off gives the caller 202 and a status URL (the message is
 * retried); a server that refuses the record dead-letters it, and the caller gets a 422
 * OperationOutcome (GW-4004), also visible at the status URL; never a stack trace. Setting the base
 * URL switches the embedded server off.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class FhirServerFailureIT {

  @RegisterExtension
  static WireMockExtension fhirServer =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("gateway.data-dir", () -> dataDir.toString());
    registry.add("gateway.security.issuer", () -> org.yiyang.gateway.GatewayClient.ISSUER);
    registry.add("gateway.fhir.base-url", () -> fhirServer.baseUrl() + "/fhir");
    registry.add("gateway.fhir.read-timeout", () -> "1s");
    // No retry during this class: each test sees its own first attempt only.
    registry.add("gateway.delivery.initial-backoff", () -> "10m");
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalServerPort int port;
  private String example;

  @BeforeEach
  void reset() throws Exception {
    fhirServer.resetAll();
    try (InputStream in = getClass().getResourceAsStream("/residents/example.json")) {
      example = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void serverAnswering503GivesA202AndTheMessageWaitsForRetry(CapturedOutput output)
      throws Exception {
    fhirServer.stubFor(
        any(anyUrl())
            .willReturn(
                aResponse()
                    .withStatus(503)
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody(
                        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                            + "\"code\":\"transient\",\"diagnostics\":\"maintenance\"}]}")));
    JsonNode status = assertAcceptedAndFailed(post(record("R-503")), "GW-4001");
    assertThat(status.path("lastError").path("httpStatus").asInt()).isEqualTo(503);
    assertThat(output.getAll()).doesNotContain("330302194305120024").doesNotContain("王秀英");
  }

  @Test
  void serverSlowerThanTheReadTimeoutGivesA202() throws Exception {
    fhirServer.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withFixedDelay(3_000)));
    assertAcceptedAndFailed(post(record("R-SLOW")), "GW-4002");
  }

  @Test
  void connectionResetGivesA202() throws Exception {
    fhirServer.stubFor(
        any(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    assertAcceptedAndFailed(post(record("R-RESET")), "GW-4001");
  }

  @Test
  void aRecordTheServerRefusesIsDeadAndItsOutcomeIsVisible(CapturedOutput output) throws Exception {
    stubNoPatientYet();
    fhirServer.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/fhir"))
            .willReturn(
                aResponse()
                    .withStatus(422)
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody(
                        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                            + "\"code\":\"invariant\",\"diagnostics\":\"王秀英 330302194305120024\","
                            + "\"expression\":[\"Patient.identifier[0]\"]}]}")));
    HttpResponse<String> response = post(record("R-422"));
    // A refusal of the record is the sender's to fix: 422 with the server's issues (by type and
    // location; its diagnostics withheld), not a 502 that reads as the gateway's fault.
    assertUpstreamError(response, 422, "GW-4004");
    JsonNode answered = JSON.readTree(response.body());
    assertThat(answered.path("issue").get(1).path("code").asText()).isEqualTo("invariant");
    assertThat(answered.path("issue").get(1).path("expression").get(0).asText())
        .isEqualTo("Patient.identifier[0]");
    assertThat(response.body()).doesNotContain("王秀英").doesNotContain("330302194305120024");
    String id = response.headers().firstValue("X-Message-Id").orElseThrow();
    HttpResponse<String> status = getPath("/api/v1/messages/" + id);
    assertThat(status.statusCode()).isEqualTo(200);
    JsonNode message = JSON.readTree(status.body());
    assertThat(message.path("state").asText()).isEqualTo("dead");
    assertThat(message.path("attempts").asInt()).isEqualTo(1);
    assertThat(message.path("lastError").path("code").asText()).isEqualTo("GW-4004");
    assertThat(message.path("lastError").path("httpStatus").asInt()).isEqualTo(422);
    JsonNode outcome = message.path("lastError").path("outcome");
    assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
    assertThat(outcome.path("issue").get(1).path("code").asText()).isEqualTo("invariant");
    assertThat(outcome.path("issue").get(1).path("expression").get(0).asText())
        .isEqualTo("Patient.identifier[0]");
    // The server's diagnostics may quote the record: kept out of the status API and the logs.
    assertThat(status.body()).doesNotContain("王秀英").doesNotContain("330302194305120024");
    assertThat(output.getAll()).doesNotContain("330302194305120024").doesNotContain("王秀英");
    fhirServer.verify(1, postRequestedFor(urlPathEqualTo("/fhir")));
  }

  /** The identity check's search finds no Patient holding the citizen ID number. */
  private static void stubNoPatientYet() {
    fhirServer.stubFor(
        get(urlPathEqualTo("/fhir/Patient"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}")));
  }

  @Test
  void aProfileValidRecordIsSentAsOneTransaction() throws Exception {
    stubNoPatientYet();
    fhirServer.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/fhir"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody(
                        "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\",\"entry\":["
                            + "{\"response\":{\"status\":\"200 OK\",\"location\":\"Organization/1/_history/1\"}},"
                            + "{\"response\":{\"status\":\"201 Created\",\"location\":"
                            + "\"Patient/res-x/_history/1\"}}]}")));
    HttpResponse<String> response = post(record("R-OK"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    fhirServer.verify(1, postRequestedFor(urlPathEqualTo("/fhir")));
    JsonNode sent =
        JSON.readTree(
            fhirServer.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().getName().equals("POST"))
                .findFirst()
                .orElseThrow()
                .getRequest()
                .getBodyAsString());
    assertThat(sent.path("type").asText()).isEqualTo("transaction");
    assertThat(sent.path("entry")).hasSize(2);
  }

  @Test
  void anUnreachableFhirServerLeavesTheGatewayDegradedNotDown() {
    fhirServer.stubFor(
        any(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    // The health check caches its answer for a few seconds; wait for it to see the outage.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              HttpResponse<String> health =
                  HTTP.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              assertThat(health.statusCode()).isEqualTo(200);
              JsonNode body = JSON.readTree(health.body());
              assertThat(body.path("status").asText()).isEqualTo("DEGRADED");
              assertThat(body.path("components").path("fhirServer").path("status").asText())
                  .isEqualTo("DEGRADED");
            });
  }

  @Test
  void theEmbeddedServerIsOffWhenABaseUrlIsSet() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/metadata"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(404);
  }

  private void assertUpstreamError(HttpResponse<String> response, int status, String code)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/fhir+json"));
    JsonNode outcome = JSON.readTree(response.body());
    assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
    assertThat(
            outcome
                .path("issue")
                .get(0)
                .path("details")
                .path("coding")
                .get(0)
                .path("code")
                .asText())
        .isEqualTo(code);
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  /** A 202 naming the message, whose status shows the failed first attempt. */
  private JsonNode assertAcceptedAndFailed(HttpResponse<String> response, String code)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    String location = response.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("/api/v1/messages/");
    JsonNode body = JSON.readTree(response.body());
    assertThat(location).endsWith(body.path("message").asText());
    HttpResponse<String> status = getPath(location);
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    JsonNode message = JSON.readTree(status.body());
    assertThat(message.path("state").asText()).isEqualTo("failed");
    assertThat(message.path("attempts").asInt()).isEqualTo(1);
    assertThat(message.path("lastError").path("code").asText()).isEqualTo(code);
    assertThat(message.has("nextAttemptAt")).isTrue();
    assertThat(status.body()).doesNotContain("330302194305120024").doesNotContain("王秀英");
    return message;
  }

  private String record(String residentNo) throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode node =
        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(example);
    node.put("residentNo", residentNo);
    return node.toString();
  }

  private HttpResponse<String> getPath(String path) throws Exception {
    return new org.yiyang.gateway.GatewayClient(port, dataDir).get(path);
  }

  private HttpResponse<String> post(String body) throws Exception {
    return new org.yiyang.gateway.GatewayClient(port, dataDir).post("/api/v1/residents", body);
  }
}
