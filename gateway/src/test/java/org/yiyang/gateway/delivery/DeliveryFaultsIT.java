package org.yiyang.gateway.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * Fault injection with WireMock as the regional FHIR server: 503 bursts, answers slower than the
 * read timeout, reset connections, empty responses and a full outage all end with the message
 * delivered exactly once; a refusal dead-letters it until it is replayed; concurrent duplicates
 * make one message and one write; a full backlog refuses new records with 503 + Retry-After.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class DeliveryFaultsIT {

  @RegisterExtension
  static WireMockExtension fhirServer =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir static Path dataDir;

  static final int MAX_BACKLOG = 5;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("gateway.data-dir", () -> dataDir.toString());
    registry.add("gateway.security.issuer", () -> org.yiyang.gateway.GatewayClient.ISSUER);
    registry.add("gateway.security.rate-limit.burst", () -> "100000");
    registry.add("gateway.fhir.base-url", () -> fhirServer.baseUrl() + "/fhir");
    registry.add("gateway.fhir.read-timeout", () -> "2s");
    registry.add("gateway.delivery.sync-deadline", () -> "5s");
    registry.add("gateway.delivery.poll-interval", () -> "50ms");
    registry.add("gateway.delivery.initial-backoff", () -> "100ms");
    registry.add("gateway.delivery.max-backoff", () -> "400ms");
    registry.add("gateway.delivery.max-attempts", () -> "40");
    registry.add("gateway.journal.max-backlog", () -> String.valueOf(MAX_BACKLOG));
    registry.add("gateway.journal.retry-after", () -> "7s");
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String SCENARIO = "faults";

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
            .atPriority(3)
            .willReturn(
                fhirJson(200, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}")));
  }

  @Test
  void a503BurstIsRetriedAndDeliveredOnce(CapturedOutput output) throws Exception {
    firstTransactionsFail(aResponse().withStatus(503), aResponse().withStatus(503));
    HttpResponse<String> response = postRecord("R-BURST");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonNode delivered = awaitState(messageId(response), "delivered");
    assertThat(delivered.path("attempts").asInt()).isEqualTo(3);
    assertThat(delivered.path("result").path("status").asInt()).isEqualTo(201);
    fhirServer.verify(3, postRequestedFor(urlPathEqualTo("/fhir")));
    assertThat(output.getAll()).doesNotContain("330302194305120024").doesNotContain("王秀英");
  }

  @Test
  void anAnswerSlowerThanTheReadTimeoutIsRetried() throws Exception {
    firstTransactionsFail(transactionOk().withFixedDelay(4_000));
    HttpResponse<String> response = postRecord("R-SLOW");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonNode delivered = awaitState(messageId(response), "delivered");
    assertThat(delivered.path("attempts").asInt()).isEqualTo(2);
  }

  @Test
  void aResetConnectionIsRetried() throws Exception {
    firstTransactionsFail(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
    HttpResponse<String> response = postRecord("R-RESET");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(awaitState(messageId(response), "delivered").path("attempts").asInt()).isEqualTo(2);
    fhirServer.verify(2, postRequestedFor(urlPathEqualTo("/fhir")));
  }

  @Test
  void anEmptyResponseIsRetried() throws Exception {
    firstTransactionsFail(aResponse().withFault(Fault.EMPTY_RESPONSE));
    HttpResponse<String> response = postRecord("R-EMPTY");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(awaitState(messageId(response), "delivered").path("attempts").asInt()).isEqualTo(2);
    fhirServer.verify(2, postRequestedFor(urlPathEqualTo("/fhir")));
  }

  @Test
  void aFullOutageAnswers202ThenBackpressureAndEveryMessageArrivesOnceWhenItEnds()
      throws Exception {
    fhirServer.stubFor(any(anyUrl()).atPriority(2).willReturn(aResponse().withStatus(503)));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < MAX_BACKLOG; i++) {
      HttpResponse<String> response = postRecord("R-OUT-" + i);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      assertThat(response.headers().firstValue("Location"))
          .hasValue("/api/v1/messages/" + messageId(response));
      ids.add(messageId(response));
    }
    HttpResponse<String> refused = postRecord("R-OUT-FULL");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(
            JSON.readTree(refused.body())
                .path("issue")
                .get(0)
                .path("details")
                .path("coding")
                .get(0)
                .path("code")
                .asText())
        .isEqualTo("GW-9003");
    for (String id : ids) {
      await()
          .atMost(PATIENCE)
          .untilAsserted(() -> assertThat(status(id).path("attempts").asInt()).isGreaterThan(1));
    }

    // The outage ends: success stubs take precedence over the 503 one.
    fhirServer.stubFor(
        get(urlPathEqualTo("/fhir/Patient"))
            .atPriority(1)
            .willReturn(
                fhirJson(200, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}")));
    fhirServer.stubFor(post(urlPathEqualTo("/fhir")).atPriority(1).willReturn(transactionOk()));
    for (String id : ids) {
      assertThat(awaitState(id, "delivered").path("state").asText()).isEqualTo("delivered");
    }
    long accepted =
        fhirServer.getAllServeEvents().stream()
            .filter(e -> e.getRequest().getMethod().getName().equals("POST"))
            .filter(e -> e.getResponse().getStatus() == 200)
            .count();
    assertThat(accepted).isEqualTo(MAX_BACKLOG);
    assertThat(postRecord("R-OUT-AFTER").statusCode()).isEqualTo(201);
  }

  @Test
  void aRefusedRecordIsDeadUntilReplayedAfterTheFix() throws Exception {
    fhirServer.stubFor(
        post(urlPathEqualTo("/fhir"))
            .willReturn(
                fhirJson(
                    400,
                    "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                        + "\"code\":\"processing\",\"diagnostics\":\"unknown profile\"}]}")));
    String id1 = messageId(postRecord("R-DEAD-1"));
    String id2 = messageId(postRecord("R-DEAD-2"));
    // A refusal is final: dead after one attempt (502 at once when within the sync deadline).
    assertThat(awaitState(id1, "dead").path("lastError").path("httpStatus").asInt()).isEqualTo(400);
    assertThat(awaitState(id2, "dead").path("attempts").asInt()).isEqualTo(1);

    JsonNode deadList =
        JSON.readTree(
            httpGet("/api/v1/messages?state=dead&facility=52330300MJ8712345N&size=500").body());
    List<String> dead = new ArrayList<>();
    deadList.path("messages").forEach(m -> dead.add(m.path("id").asText()));
    assertThat(dead).contains(id1, id2);
    assertThat(deadList.toString()).doesNotContain("王秀英").doesNotContain("330302194305120024");

    HttpResponse<String> tooEarly = httpPost("/api/v1/messages/" + id1 + "/replay", "");
    assertThat(tooEarly.statusCode()).isEqualTo(202);
    awaitState(id1, "dead");
    assertThat(status(id1).path("replays").asInt()).isEqualTo(1);

    fhirServer.resetAll();
    stubSearchAndTransactionOk();
    HttpResponse<String> replay = httpPost("/api/v1/messages/" + id1 + "/replay", "");
    assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
    assertThat(awaitState(id1, "delivered").path("replays").asInt()).isEqualTo(2);
    HttpResponse<String> notDead = httpPost("/api/v1/messages/" + id1 + "/replay", "");
    assertThat(notDead.statusCode()).isEqualTo(409);

    HttpResponse<String> bulk =
        httpPost("/api/v1/messages/replay?state=dead&facility=52330300MJ8712345N", "");
    assertThat(bulk.statusCode()).as(bulk.body()).isEqualTo(202);
    assertThat(JSON.readTree(bulk.body()).path("messages").toString()).contains(id2);
    awaitState(id2, "delivered");
    fhirServer.verify(2, postRequestedFor(urlPathEqualTo("/fhir")));

    assertThat(httpGet("/api/v1/messages/" + java.util.UUID.randomUUID()).statusCode())
        .isEqualTo(404);
    assertThat(httpGet("/api/v1/messages?state=lost").statusCode()).isEqualTo(400);
  }

  @Test
  void eightConcurrentSendersOfOneRecordMakeOneMessageAndOneWrite() throws Exception {
    fhirServer.stubFor(
        post(urlPathEqualTo("/fhir")).willReturn(transactionOk().withFixedDelay(300)));
    long before = total();
    example.put("residentNo", "R-RACE");
    String body = example.toString();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Callable<HttpResponse<String>> send =
            () -> {
              start.await();
              return httpPost("/api/v1/residents", body);
            };
        answers.add(pool.submit(send));
      }
      start.countDown();
      List<String> ids = new ArrayList<>();
      List<Integer> statuses = new ArrayList<>();
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get();
        statuses.add(response.statusCode());
        ids.add(response.headers().firstValue("X-Message-Id").orElseThrow());
      }
      assertThat(ids).containsOnly(ids.get(0));
      // The one that created the Patient hears 201; the seven identical resends created nothing.
      assertThat(statuses).containsOnlyOnce(201).containsOnly(201, 200);
    } finally {
      pool.shutdownNow();
    }
    assertThat(total()).isEqualTo(before + 1);
    fhirServer.verify(1, postRequestedFor(urlPathEqualTo("/fhir")));
  }

  @Test
  void anIdempotencyKeyIsOneMessageAndCannotBeReusedForAnotherRecord() throws Exception {
    stubSearchAndTransactionOk();
    example.put("residentNo", "R-KEY");
    HttpResponse<String> first = postWithKey(example.toString(), "order-42");
    HttpResponse<String> again = postWithKey(example.toString(), "order-42");
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.headers().firstValue("X-Message-Id"))
        .isEqualTo(first.headers().firstValue("X-Message-Id"));
    example.put("phone", "13900000000");
    assertThat(postWithKey(example.toString(), "order-42").statusCode()).isEqualTo(409);
    assertThat(postWithKey(example.toString(), "bad key!").statusCode()).isEqualTo(400);
    fhirServer.verify(1, postRequestedFor(urlPathEqualTo("/fhir")));
  }

  /** The first transactions get these answers in turn; every later one succeeds. */
  private void firstTransactionsFail(ResponseDefinitionBuilder... failures) {
    String state = STARTED;
    for (int i = 0; i < failures.length; i++) {
      String next = "after-" + (i + 1);
      MappingBuilder stub =
          post(urlPathEqualTo("/fhir"))
              .inScenario(SCENARIO)
              .whenScenarioStateIs(state)
              .willReturn(failures[i])
              .willSetStateTo(next);
      fhirServer.stubFor(stub);
      state = next;
    }
    fhirServer.stubFor(
        post(urlPathEqualTo("/fhir"))
            .inScenario(SCENARIO)
            .whenScenarioStateIs(state)
            .willReturn(transactionOk()));
  }

  private void stubSearchAndTransactionOk() {
    fhirServer.stubFor(
        get(urlPathEqualTo("/fhir/Patient"))
            .willReturn(
                fhirJson(200, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}")));
    fhirServer.stubFor(post(urlPathEqualTo("/fhir")).willReturn(transactionOk()));
  }

  private static ResponseDefinitionBuilder transactionOk() {
    return fhirJson(
        200,
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\",\"entry\":["
            + "{\"response\":{\"status\":\"200 OK\",\"location\":\"Organization/1/_history/1\"}},"
            + "{\"response\":{\"status\":\"201 Created\",\"location\":"
            + "\"Patient/res-x/_history/1\"}}]}");
  }

  private static ResponseDefinitionBuilder fhirJson(int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/fhir+json")
        .withBody(body);
  }

  private JsonNode awaitState(String id, String state) throws Exception {
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(status(id).path("state").asText()).isEqualTo(state));
    return status(id);
  }

  private JsonNode status(String id) throws Exception {
    HttpResponse<String> response = httpGet("/api/v1/messages/" + id);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private long total() throws Exception {
    return JSON.readTree(httpGet("/api/v1/messages?size=1").body()).path("total").asLong();
  }

  private static String messageId(HttpResponse<String> response) {
    return response.headers().firstValue("X-Message-Id").orElseThrow();
  }

  private HttpResponse<String> postRecord(String residentNo) throws Exception {
    example.put("residentNo", residentNo);
    return httpPost("/api/v1/residents", example.toString());
  }

  private HttpResponse<String> postWithKey(String body, String key) throws Exception {
    return HTTP.send(
        gateway()
            .request("/api/v1/residents")
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> httpPost(String path, String body) throws Exception {
    return HTTP.send(
        gateway()
            .request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> httpGet(String path) throws Exception {
    return gateway().get(path);
  }

  private org.yiyang.gateway.GatewayClient gateway() {
    return new org.yiyang.gateway.GatewayClient(port, dataDir);
  }
}
