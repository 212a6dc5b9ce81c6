package org.yiyang.gateway.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;

/**
 * Resends without an {@code Idempotency-Key} (issue 19), with WireMock as the regional FHIR server:
 * a resend is a no-op only when it equals the record's latest version, so A, B, A writes A again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ResendIT {

  @RegisterExtension
  static WireMockExtension fhirServer =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("gateway.data-dir", () -> dataDir.toString());
    registry.add("gateway.security.issuer", () -> GatewayClient.ISSUER);
    registry.add("gateway.security.rate-limit.burst", () -> "100000");
    registry.add("gateway.fhir.base-url", () -> fhirServer.baseUrl() + "/fhir");
    registry.add("gateway.delivery.sync-deadline", () -> "10s");
    registry.add("gateway.delivery.poll-interval", () -> "50ms");
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  private ObjectNode example;

  @BeforeEach
  void reset() throws Exception {
    fhirServer.resetAll();
    try (InputStream in = getClass().getResourceAsStream("/residents/example.json")) {
      example = (ObjectNode) JSON.readTree(in);
    }
    fhirServer.stubFor(
        get(urlPathEqualTo("/fhir/Patient"))
            .willReturn(
                fhirJson(200, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}")));
    fhirServer.stubFor(post(urlPathEqualTo("/fhir")).willReturn(transactionOk()));
  }

  @Test
  void aRecordSentAgainAfterACorrectionIsWrittenAgain() throws Exception {
    example.put("residentNo", "R-ABA");
    ObjectNode a = example.deepCopy().put("phone", "13900000001");
    ObjectNode b = example.deepCopy().put("phone", "13900000002");

    assertThat(send(a).statusCode()).isEqualTo(201);
    assertThat(send(b).statusCode()).isEqualTo(201);
    HttpResponse<String> again = send(a);
    assertThat(again.statusCode()).as(again.body()).isIn(200, 201);
    assertThat(JSON.readTree(again.body()).path("outcome").asText()).isNotEqualTo("unchanged");

    // The FHIR server's last write is A's content, not B's.
    List<LoggedRequest> writes = fhirServer.findAll(postRequestedFor(urlPathEqualTo("/fhir")));
    assertThat(writes).hasSize(3);
    String last = writes.get(writes.size() - 1).getBodyAsString();
    assertThat(last).contains("13900000001").doesNotContain("13900000002");

    // Equal to the latest version: still a no-op, answered unchanged.
    HttpResponse<String> same = send(a);
    assertThat(same.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(same.body()).path("outcome").asText()).isEqualTo("unchanged");
    assertThat(same.headers().firstValue("X-Message-Id"))
        .isEqualTo(again.headers().firstValue("X-Message-Id"));
    fhirServer.verify(3, postRequestedFor(urlPathEqualTo("/fhir")));
  }

  @Test
  void aDeadRecordSentAgainIsANewAttempt() throws Exception {
    refuseTransactions();
    ObjectNode record = example.deepCopy().put("residentNo", "R-DEAD-AGAIN");
    HttpResponse<String> refused = send(record);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    ObjectNode other = record.deepCopy().put("residentNo", "R-DEAD-KEY");
    HttpResponse<String> keyed = sendWithKey(other, "dead-again-1");
    assertThat(keyed.statusCode()).as(keyed.body()).isEqualTo(422);

    // The cause is fixed on the FHIR server's side; the facility sends the same records again.
    fhirServer.resetAll();
    reset();
    HttpResponse<String> again = send(record);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
    assertThat(again.headers().firstValue("X-Message-Id"))
        .isEqualTo(refused.headers().firstValue("X-Message-Id"));
    HttpResponse<String> keyedAgain = sendWithKey(other, "dead-again-1");
    assertThat(keyedAgain.statusCode()).as(keyedAgain.body()).isEqualTo(201);
    JsonNode status =
        JSON.readTree(
            new GatewayClient(port, dataDir)
                .get("/api/v1/messages/" + again.headers().firstValue("X-Message-Id").orElseThrow())
                .body());
    assertThat(status.path("state").asText()).isEqualTo("delivered");
    assertThat(status.path("replays").asInt()).isEqualTo(1);
    fhirServer.verify(2, postRequestedFor(urlPathEqualTo("/fhir")));
  }

  private void refuseTransactions() {
    fhirServer.stubFor(
        post(urlPathEqualTo("/fhir"))
            .atPriority(1)
            .willReturn(
                fhirJson(
                    400,
                    "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                        + "\"code\":\"processing\",\"diagnostics\":\"unknown profile\"}]}")));
  }

  private HttpResponse<String> sendWithKey(JsonNode record, String key) throws Exception {
    return new GatewayClient(port, dataDir)
        .send(
            new GatewayClient(port, dataDir)
                .request("/api/v1/residents")
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(record.toString()))
                .build());
  }

  private HttpResponse<String> send(JsonNode record) throws Exception {
    return new GatewayClient(port, dataDir).post("/api/v1/residents", record.toString());
  }

  static ResponseDefinitionBuilder transactionOk() {
    return fhirJson(
        200,
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\",\"entry\":["
            + "{\"response\":{\"status\":\"200 OK\",\"location\":\"Organization/1/_history/1\"}},"
            + "{\"response\":{\"status\":\"201 Created\",\"location\":"
            + "\"Patient/res-x/_history/1\"}}]}");
  }

  static ResponseDefinitionBuilder fhirJson(int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/fhir+json")
        .withBody(body);
  }
}
