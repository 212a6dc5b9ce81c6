package org.yiyang.gateway.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.yiyang.gateway.delivery.ResendIT.fhirJson;
import static org.yiyang.gateway.delivery.ResendIT.transactionOk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;
import org.yiyang.gateway.flow.resident.ResidentIntake;
import org.yiyang.gateway.journal.Journal;
import org.yiyang.gateway.journal.JournalConfig;

/**
 * Journal errors during delivery (issue 19), injected at the JDBC level by {@link JournalFault},
 * with WireMock as the regional FHIR server: a failed claim strands neither the message nor the
 * resident's later ones, and a delivery the journal fails to record is delivered again, never dead.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JournalFaultsIT {

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
    registry.add("gateway.delivery.initial-backoff", () -> "100ms");
    registry.add("gateway.delivery.max-backoff", () -> "200ms");
    registry.add("gateway.delivery.lease", () -> LEASE.toMillis() + "ms");
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Duration LEASE = Duration.ofMillis(1500);

  @LocalServerPort int port;

  @Autowired
  @Qualifier(JournalConfig.JDBC)
  JdbcTemplate journal;

  @Autowired Journal journalApi;

  private ObjectNode example;

  @BeforeEach
  void reset() throws Exception {
    JournalFault.install(journal);
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
  void aClaimTheJournalFailsStrandsNeitherTheMessageNorTheResidentsLaterOnes() throws Exception {
    String resident = "R-CLAIM";
    JournalFault.arm(JournalFault.Kind.CLAIM, orderingKey(resident), 1);
    example.put("residentNo", resident);
    HttpResponse<String> first = send(example.put("phone", "13900000011"));
    assertThat(first.statusCode()).as(first.body()).isIn(201, 202);
    assertThat(JournalFault.left(JournalFault.Kind.CLAIM, orderingKey(resident))).isZero();
    HttpResponse<String> second = send(example.put("phone", "13900000012"));
    assertThat(second.statusCode()).as(second.body()).isIn(200, 201, 202);

    awaitState(messageId(first), "delivered");
    awaitState(messageId(second), "delivered");
    List<String> writes = new ArrayList<>();
    fhirServer
        .findAll(postRequestedFor(urlPathEqualTo("/fhir")))
        .forEach(r -> writes.add(r.getBodyAsString()));
    assertThat(writes).hasSize(2);
    assertThat(writes.get(1)).contains("13900000012");
  }

  @Test
  void aDeliveryTheJournalFailsToRecordIsDeliveredAgainNeverDead() throws Exception {
    String resident = "R-RECORD";
    JournalFault.arm(JournalFault.Kind.DELIVERED, orderingKey(resident), 1);
    example.put("residentNo", resident);
    HttpResponse<String> response = send(example);
    assertThat(response.statusCode()).as(response.body()).isIn(200, 201, 202);
    assertThat(JournalFault.left(JournalFault.Kind.DELIVERED, orderingKey(resident))).isZero();

    JsonNode delivered = awaitState(messageId(response), "delivered");
    assertThat(delivered.path("attempts").asInt()).isEqualTo(1);
    assertThat(delivered.has("lastError")).isFalse();
    fhirServer.verify(2, postRequestedFor(urlPathEqualTo("/fhir")));
  }

  @Test
  void aDeliveryLongerThanTheLeaseKeepsItsClaim() throws Exception {
    String resident = "R-LONG";
    Duration delivery = LEASE.multipliedBy(3);
    fhirServer.stubFor(
        post(urlPathEqualTo("/fhir"))
            .atPriority(1)
            .willReturn(transactionOk().withFixedDelay((int) delivery.toMillis())));
    example.put("residentNo", resident);
    CompletableFuture<HttpResponse<String>> answer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return send(example);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    String id =
        await()
            .atMost(PATIENCE)
            .until(
                () ->
                    journal.queryForList(
                        "SELECT id FROM message WHERE ordering_key = ? AND lease_owner IS NOT NULL",
                        String.class,
                        orderingKey(resident)),
                ids -> !ids.isEmpty())
            .get(0);

    // Another gateway instance tries to take the message over while the delivery runs, well past
    // the first lease's end: the running delivery's renewed lease keeps it out.
    await()
        .during(LEASE.multipliedBy(2))
        .atMost(delivery)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              Instant now = Instant.now();
              return !journalApi.claim(id, "another-instance", now, now.plus(PATIENCE));
            });
    assertThat(answer.get().statusCode()).isEqualTo(201);
    assertThat(status(id).path("state").asText()).isEqualTo("delivered");
    fhirServer.verify(1, postRequestedFor(urlPathEqualTo("/fhir")));
  }

  private static String orderingKey(String residentNo) {
    return ResidentIntake.orderingKey(GatewayClient.FACILITY, residentNo);
  }

  private JsonNode awaitState(String id, String state) throws Exception {
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(status(id).path("state").asText()).isEqualTo(state));
    return status(id);
  }

  private JsonNode status(String id) throws Exception {
    HttpResponse<String> response = client().get("/api/v1/messages/" + id);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static String messageId(HttpResponse<String> response) {
    return response.headers().firstValue("X-Message-Id").orElseThrow();
  }

  private HttpResponse<String> send(JsonNode record) throws Exception {
    return client().post("/api/v1/residents", record.toString());
  }

  private GatewayClient client() {
    return new GatewayClient(port, dataDir);
  }
}
