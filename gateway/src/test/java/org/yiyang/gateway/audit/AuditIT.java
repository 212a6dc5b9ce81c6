package org.yiyang.gateway.audit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.yiyang.gateway.GatewayClient.FACILITY;
import static org.yiyang.gateway.GatewayClient.HOSPITAL;
import static org.yiyang.gateway.GatewayClient.JSON;
import static org.yiyang.gateway.GatewayClient.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;
import org.yiyang.gateway.journal.JournalConfig;
import org.yiyang.gateway.security.Keyring;
import org.yiyang.profiles.Fhir;

/**
 * The audit trail end to end (ADR 0055): every kind of request is audited once with who, what,
 * outcome and purpose (a journaled write with its journal entry, denials included), every delivery
 * and webhook attempt too; no personal data reaches a row or the export; many parallel requests
 * leave one unbroken chain; a row changed in the database is reported at its link; a request that
 * cannot be audited gets no answer but a 500.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditIT {

  static final String NAME = "王秀英";
  static final String ID_NUMBER = "330302194305120024";
  static final String PHONE = "13800000000";
  static final String HOOK = "/hooks/audit";

  /** The facility's webhook; started before the gateway, which must know its port. */
  static final WireMockServer webhook = startedWebhook();

  static WireMockServer startedWebhook() {
    WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort());
    server.start();
    return server;
  }

  @AfterAll
  void stopWebhook() {
    webhook.stop();
  }

  static Path dataDir = GatewayClient.tempDir("audit-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
    registry.add("gateway.notify.poll-interval", () -> "300ms");
    // The webhook is WireMock on loopback: allowed by name and port only, over plain http.
    registry.add("gateway.notify.allow-http", () -> "true");
    registry.add("gateway.notify.allowed-hosts", () -> "localhost:" + webhook.port());
    registry.add("gateway.delivery.poll-interval", () -> "100ms");
  }

  @LocalServerPort int port;

  @Autowired Keyring keyring;

  @Autowired
  @Qualifier(JournalConfig.JDBC)
  JdbcTemplate jdbc;

  private GatewayClient facility;
  private GatewayClient auditor;
  private String residentMessage;

  @BeforeAll
  void aRegisteredResident() throws Exception {
    facility = new GatewayClient(port, dataDir);
    auditor = facility.as("auditor");
    auditor.token();
    HttpResponse<String> registered =
        send(facility, "POST", "/api/v1/residents", resident(), "it-resident-1");
    assertThat(registered.statusCode()).as(registered.body()).isIn(200, 201);
    residentMessage = registered.headers().firstValue("X-Message-Id").orElseThrow();
  }

  /** A journaled write: one request record, written with its journal entry; one per attempt. */
  @Test
  void aJournaledWriteIsAuditedOnceWithItsJournalEntryAndEachDeliveryAttempt() throws Exception {
    JsonNode request = onlyRequest("it-resident-1");
    assertThat(request.at("/client/role").asText()).isEqualTo("facility");
    assertThat(request.at("/client/id").asText()).startsWith("c-");
    assertThat(request.at("/client/organization").asText()).isEqualTo(FACILITY);
    assertThat(request.at("/action/interaction").asText()).isEqualTo("create");
    assertThat(request.at("/action/method").asText()).isEqualTo("POST");
    assertThat(request.at("/action/route").asText()).isEqualTo("/api/v1/residents");
    assertThat(request.at("/action/facility").asText()).isEqualTo(FACILITY);
    assertThat(request.at("/action/subject").asText())
        .isEqualTo(keyring.pseudonym(FACILITY + "|R0001"));
    assertThat(request.at("/outcome/result").asText()).isEqualTo("success");
    assertThat(request.at("/outcome/detail").asText()).isEqualTo("journaled");
    assertThat(request.path("messageId").asText()).isEqualTo(residentMessage);
    assertThat(request.path("purpose").asText()).isEqualTo("TREAT");
    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM audit_event WHERE message_id = ? AND kind = 'request'",
                Long.class,
                residentMessage))
        .isEqualTo(1);

    await().atMost(Duration.ofSeconds(30)).until(() -> kinds("it-resident-1").contains("delivery"));
    JsonNode delivery =
        events("correlation=it-resident-1").stream()
            .filter(e -> e.path("kind").asText().equals("delivery"))
            .findFirst()
            .orElseThrow();
    assertThat(delivery.path("messageId").asText()).isEqualTo(residentMessage);
    assertThat(delivery.at("/client/role").asText()).isEqualTo("gateway");
    assertThat(delivery.at("/outcome/status").asInt()).isIn(200, 201);
    assertThat(delivery.at("/outcome/detail").asText()).isEqualTo("delivered");
    assertThat(delivery.at("/action/facility").asText()).isEqualTo(FACILITY);

    // The same record again: not journaled, so audited when answered, with the original message.
    HttpResponse<String> again =
        send(facility, "POST", "/api/v1/residents", resident(), "it-resident-2");
    assertThat(again.statusCode()).isEqualTo(200);
    JsonNode resend = onlyRequest("it-resident-2");
    assertThat(resend.at("/outcome/status").asInt()).isEqualTo(200);
    assertThat(resend.path("messageId").asText()).isEqualTo(residentMessage);
  }

  @Test
  void readsRefusalsAndEveryKindOfCallerAreAuditedOnce() throws Exception {
    // A facility reads its resident.
    assertThat(
            send(facility, "GET", "/api/v1/residents/" + FACILITY + "/R0001", null, "it-read")
                .statusCode())
        .isEqualTo(200);
    JsonNode read = onlyRequest("it-read");
    assertThat(read.at("/action/interaction").asText()).isEqualTo("read");
    assertThat(read.at("/action/route").asText())
        .isEqualTo("/api/v1/residents/{facilityCode}/{residentNo}");
    assertThat(read.at("/action/subject").asText())
        .isEqualTo(keyring.pseudonym(FACILITY + "|R0001"));
    assertThat(read.at("/outcome/status").asInt()).isEqualTo(200);

    // No token: 401, refused, the rule.
    assertThat(
            send(facility.anonymous(), "GET", "/api/v1/messages", null, "it-anonymous")
                .statusCode())
        .isEqualTo(401);
    JsonNode anonymous = onlyRequest("it-anonymous");
    assertThat(anonymous.at("/client/id").isMissingNode()).isTrue();
    assertThat(anonymous.at("/outcome/result").asText()).isEqualTo("refused");
    assertThat(anonymous.at("/outcome/code").asText()).isEqualTo("GW-1030");
    assertThat(anonymous.at("/outcome/detail").asText()).contains("access token");
    assertThat(anonymous.at("/action/route").asText()).isEqualTo("/api/v1/messages");

    // A role the route does not allow: 403, with who it was.
    GatewayClient hospital = facility.asHospital(HOSPITAL);
    assertThat(send(hospital, "GET", "/api/v1/messages", null, "it-forbidden").statusCode())
        .isEqualTo(403);
    JsonNode forbidden = onlyRequest("it-forbidden");
    assertThat(forbidden.at("/client/role").asText()).isEqualTo("hospital");
    assertThat(forbidden.at("/client/organization").asText()).isEqualTo(HOSPITAL);
    assertThat(forbidden.at("/outcome/code").asText()).isEqualTo("GW-1031");
    assertThat(forbidden.at("/outcome/result").asText()).isEqualTo("refused");

    // /fhir: a hospital's search (its query is never kept), read, and a refused delete.
    HttpResponse<String> search =
        send(
            hospital,
            "GET",
            "/fhir/Patient?identifier=" + GatewayClient.enc(ID_NUMBER),
            null,
            "it-fhir-search");
    assertThat(search.statusCode()).isEqualTo(200);
    String patientId = JSON.readTree(search.body()).at("/entry/0/resource/id").asText();
    JsonNode fhirSearch = onlyRequest("it-fhir-search");
    assertThat(fhirSearch.at("/action/interaction").asText()).isEqualTo("search-type");
    assertThat(fhirSearch.at("/action/route").asText()).isEqualTo("/fhir/{type}");
    assertThat(fhirSearch.at("/action/entityType").asText()).isEqualTo("Patient");
    assertThat(fhirSearch.path("purpose").asText()).isEqualTo("TREAT");
    assertThat(
            send(hospital, "GET", "/fhir/Patient/" + patientId, null, "it-fhir-read").statusCode())
        .isEqualTo(200);
    JsonNode fhirRead = onlyRequest("it-fhir-read");
    assertThat(fhirRead.at("/action/interaction").asText()).isEqualTo("read");
    assertThat(fhirRead.at("/action/entityId").asText()).isEqualTo("id=" + patientId);
    assertThat(
            send(hospital, "DELETE", "/fhir/Patient/" + patientId, null, "it-fhir-delete")
                .statusCode())
        .isEqualTo(403);
    JsonNode fhirDelete = onlyRequest("it-fhir-delete");
    assertThat(fhirDelete.at("/action/interaction").asText()).isEqualTo("delete");
    assertThat(fhirDelete.at("/outcome/result").asText()).isEqualTo("refused");
    assertThat(fhirDelete.at("/outcome/detail").asText()).startsWith("Access denied by rule");
    assertThat(
            send(facility.anonymous(), "GET", "/fhir/Patient/" + patientId, null, "it-fhir-anon")
                .statusCode())
        .isEqualTo(401);
    assertThat(onlyRequest("it-fhir-anon").at("/action/route").asText())
        .isEqualTo("/fhir/{type}/{id}");

    // An operator's admin call.
    assertThat(
            send(facility.as("operator"), "GET", "/api/v1/admin/clients", null, "it-admin")
                .statusCode())
        .isEqualTo(200);
    JsonNode admin = onlyRequest("it-admin");
    assertThat(admin.at("/client/role").asText()).isEqualTo("operator");
    assertThat(admin.path("purpose").asText()).isEqualTo("HOPERAT");
    assertThat(admin.at("/action/entityType").asText()).isEqualTo("clients");

    // The token endpoint: a client that authenticates, and one whose secret is wrong.
    GatewayClient.Credentials client = facility.registerClient("supervisor", null);
    assertThat(facility.tokenRequest(client, "it-token").statusCode()).isEqualTo(200);
    JsonNode token = onlyRequest("it-token");
    assertThat(token.at("/client/id").asText()).isEqualTo(client.clientId());
    assertThat(token.at("/client/role").asText()).isEqualTo("supervisor");
    assertThat(token.at("/action/interaction").asText()).isEqualTo("token");
    assertThat(token.at("/action/route").asText()).isEqualTo("/oauth2/token");
    assertThat(token.path("purpose").asText()).isEqualTo("HPRGRP");
    assertThat(
            facility
                .tokenRequest(
                    new GatewayClient.Credentials(client.clientId(), "not-the-secret"),
                    "it-token-refused")
                .statusCode())
        .isIn(400, 401);
    JsonNode tokenRefused = onlyRequest("it-token-refused");
    assertThat(tokenRefused.at("/client/id").asText()).isEqualTo(client.clientId());
    assertThat(tokenRefused.at("/client/role").isMissingNode()).isTrue();
    assertThat(tokenRefused.at("/outcome/result").asText()).isEqualTo("refused");
    assertThat(tokenRefused.at("/outcome/code").asText()).isEqualTo("invalid_client");
    assertThat(tokenRefused.at("/outcome/detail").asText()).isNotBlank();

    // The FHIR server's wake-up call.
    HttpResponse<String> wakeUp =
        facility.send(
            HttpRequest.newBuilder(facility.uri("/api/v1/fhir/notifications"))
                .header("Authorization", "Bearer " + keyring.callbackSecret())
                .header("X-Correlation-Id", "it-wake-up")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(wakeUp.statusCode()).isEqualTo(200);
    JsonNode woken = onlyRequest("it-wake-up");
    assertThat(woken.at("/client/role").asText()).isEqualTo("notifier");
    assertThat(woken.at("/action/interaction").asText()).isEqualTo("notify");

    // The auditor's own reading is audited too.
    events("correlation=it-read");
    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM audit_event WHERE role = 'auditor' AND route = ?",
                Long.class,
                "/api/v1/admin/audit"))
        .isPositive();
  }

  @Test
  void everyWebhookAttemptIsAudited() throws Exception {
    webhook.stubFor(post(urlPathEqualTo(HOOK)).willReturn(aResponse().withStatus(204)));
    HttpResponse<String> hook =
        send(
            facility,
            "PUT",
            "/api/v1/admin/webhooks/" + FACILITY,
            "{\"url\":\""
                + webhook.baseUrl()
                + HOOK
                + "\",\"secret\":\"whsec_audit_it_0123456789\"}",
            "it-webhook-put");
    assertThat(hook.statusCode()).as(hook.body()).isIn(200, 201);
    assertThat(onlyRequest("it-webhook-put").at("/action/interaction").asText())
        .isEqualTo("update");
    HttpResponse<String> referral =
        send(
            facility,
            "POST",
            "/api/v1/referrals",
            sample("referral-to-servicerequest").toString(),
            "it-referral");
    assertThat(referral.statusCode()).as(referral.body()).isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                jdbc.queryForObject(
                        "SELECT COUNT(*) FROM audit_event WHERE kind = 'webhook'", Long.class)
                    > 0);
    Map<String, Object> attempt =
        jdbc.queryForMap("SELECT * FROM audit_event WHERE kind = 'webhook' ORDER BY seq LIMIT 1");
    assertThat(attempt.get("STATUS")).isEqualTo(204);
    assertThat(attempt.get("OUTCOME")).isEqualTo("success");
    assertThat(attempt.get("FACILITY")).isEqualTo(FACILITY);
    assertThat(attempt.get("CLIENT_ID")).isEqualTo("yiyang-gateway");
    assertThat(attempt.get("INTERACTION")).isEqualTo("notify");
    assertThat((String) attempt.get("MESSAGE_ID")).hasSize(36);
  }

  @Test
  void everyBadQueryParameterIsA400NamingIt() throws Exception {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("since=yesterday", "since");
    bad.put("until=2026-13-01T00:00:00Z", "until");
    bad.put("since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", "until");
    bad.put("client=" + GatewayClient.enc("a b"), "client");
    bad.put("outcome=maybe", "outcome");
    bad.put("correlation=" + GatewayClient.enc("x y"), "correlation");
    bad.put("page=-1", "page");
    bad.put("page=abc", "page");
    bad.put("size=0", "size");
    bad.put("size=501", "size");
    bad.put("size=1&size=2", "size");
    bad.put("q=" + ID_NUMBER, "q");
    for (Map.Entry<String, String> b : bad.entrySet()) {
      for (String path : List.of("/api/v1/admin/audit?", "/api/v1/admin/audit/export?")) {
        HttpResponse<String> answer = auditor.get(path + b.getKey());
        assertThat(answer.statusCode()).as(path + b.getKey()).isEqualTo(400);
        GatewayClient.assertOutcome(answer, "GW-1003", b.getValue());
        assertThat(answer.body()).doesNotContain(ID_NUMBER);
      }
    }
    HttpResponse<String> verify = auditor.get("/api/v1/admin/audit/verify?full=true");
    assertThat(verify.statusCode()).isEqualTo(400);
    GatewayClient.assertOutcome(verify, "GW-1003", "full");
  }

  @Test
  void theExportIsABundleOfAuditEventsEncodedByHapi() throws Exception {
    HttpResponse<String> answer =
        auditor.get("/api/v1/admin/audit/export?correlation=it-resident-1&size=10");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/fhir+json");
    Bundle bundle = Fhir.r4().newJsonParser().parseResource(Bundle.class, answer.body());
    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
    assertThat(bundle.getEntry()).isNotEmpty();
    AuditEvent first = (AuditEvent) bundle.getEntryFirstRep().getResource();
    assertThat(first.getType().getCode()).isEqualTo("rest");
    assertThat(first.getSubtypeFirstRep().getCode()).isEqualTo("create");
    assertThat(first.getAgentFirstRep().getRequestor()).isTrue();
    assertThat(first.getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("TREAT");
    assertThat(events("correlation=it-resident-1").size()).isEqualTo(bundle.getEntry().size());
  }

  /** Personal data sent every way a caller can: in bodies, paths, queries, headers, client ids. */
  @Test
  void noPersonalDataInAnyAuditRowOrTheExport() throws Exception {
    GatewayClient hospital = facility.asHospital(HOSPITAL);
    send(facility, "GET", "/api/v1/residents/" + FACILITY + "/" + ID_NUMBER, null, null);
    send(
        facility,
        "GET",
        "/api/v1/residents/" + FACILITY + "/" + GatewayClient.enc(NAME),
        null,
        null);
    send(facility, "GET", "/api/v1/" + PHONE + "/" + FACILITY + "/x", null, null);
    send(facility, "GET", "/api/v1/nothing/" + ID_NUMBER, null, null);
    send(
        hospital,
        "GET",
        "/fhir/Patient?phone=" + PHONE + "&name=" + GatewayClient.enc(NAME),
        null,
        null);
    send(hospital, "GET", "/fhir/Patient/" + ID_NUMBER, null, null);
    send(
        facility.anonymous(),
        "GET",
        "/fhir/Patient/" + ID_NUMBER + "/_history/" + PHONE,
        null,
        null);
    send(facility, "GET", "/api/v1/messages?facility=" + ID_NUMBER, null, ID_NUMBER);
    facility.tokenRequest(new GatewayClient.Credentials(ID_NUMBER, PHONE), "tel-" + PHONE);
    ObjectNode bad = (ObjectNode) JSON.readTree(resident());
    bad.put("idCardNo", "330302194305120025");
    send(facility, "POST", "/api/v1/residents", bad.toString(), null);

    List<String> found = new ArrayList<>();
    for (Map<String, Object> row : jdbc.queryForList("SELECT * FROM audit_event")) {
      String text = row.values().toString();
      for (String personal : List.of(NAME, ID_NUMBER, PHONE, "330302194305120025")) {
        if (text.contains(personal)) {
          found.add(personal + " in row " + row.get("SEQ") + ": " + text);
        }
      }
    }
    assertThat(found).isEmpty();
    for (int page = 0; ; page++) {
      HttpResponse<String> export = auditor.get("/api/v1/admin/audit/export?size=500&page=" + page);
      assertThat(export.statusCode()).isEqualTo(200);
      assertThat(export.body()).doesNotContain(NAME, ID_NUMBER, PHONE, "330302194305120025");
      HttpResponse<String> list = auditor.get("/api/v1/admin/audit?size=500&page=" + page);
      assertThat(list.body()).doesNotContain(NAME, ID_NUMBER, PHONE, "330302194305120025");
      if (!export.body().contains("\"next\"")) {
        break;
      }
    }
  }

  /** Many requests at once: each audited exactly once, and the chain stays unbroken. */
  @Test
  void parallelRequestsLeaveOneUnbrokenChain() throws Exception {
    int requests = 48;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Integer>> answers = new ArrayList<>();
    GatewayClient hospital = facility.asHospital(HOSPITAL);
    for (int i = 0; i < requests; i++) {
      String correlation = "it-parallel-" + i;
      int n = i;
      String path =
          switch (n % 4) {
            case 0 -> "/api/v1/messages?size=1";
            case 1 -> "/api/v1/residents/" + FACILITY + "/R0001";
            case 2 -> "/fhir/Patient?_count=1";
            default -> "/api/v1/messages";
          };
      GatewayClient caller = n % 4 == 2 ? hospital : n % 4 == 3 ? facility.anonymous() : facility;
      answers.add(pool.submit(() -> send(caller, "GET", path, null, correlation).statusCode()));
    }
    for (Future<Integer> answer : answers) {
      assertThat(answer.get()).isIn(200, 401);
    }
    pool.shutdown();
    for (int i = 0; i < requests; i++) {
      onlyRequest("it-parallel-" + i);
    }
    JsonNode verified = JSON.readTree(auditor.get("/api/v1/admin/audit/verify").body());
    assertThat(verified.path("verified").asBoolean()).as(verified.toString()).isTrue();
    assertThat(verified.path("checked").asLong()).isEqualTo(verified.at("/head/seq").asLong());
    assertThat(verified.path("checked").asLong())
        .isLessThanOrEqualTo(jdbc.queryForObject("SELECT COUNT(*) FROM audit_event", Long.class));
  }

  /** A row changed behind the gateway's back (SQL) is the first broken link, at its place. */
  @Test
  void aRowChangedInTheDatabaseIsReportedAtItsLink() throws Exception {
    send(facility, "GET", "/api/v1/messages?size=1", null, "it-tampered");
    long seq = onlyRequest("it-tampered").path("seq").asLong();
    String client =
        jdbc.queryForObject("SELECT client_id FROM audit_event WHERE seq = ?", String.class, seq);
    jdbc.update("UPDATE audit_event SET client_id = 'c-someone-else' WHERE seq = ?", seq);
    try {
      JsonNode verify = JSON.readTree(auditor.get("/api/v1/admin/audit/verify").body());
      assertThat(verify.path("verified").asBoolean()).isFalse();
      assertThat(verify.at("/firstBroken/seq").asLong()).isEqualTo(seq);
      assertThat(verify.at("/firstBroken/reason").asText()).contains("MAC");
      assertThat(verify.path("checked").asLong()).isEqualTo(seq);
    } finally {
      jdbc.update("UPDATE audit_event SET client_id = ? WHERE seq = ?", client, seq);
    }
    JsonNode again = JSON.readTree(auditor.get("/api/v1/admin/audit/verify").body());
    assertThat(again.path("verified").asBoolean()).as(again.toString()).isTrue();
  }

  /** No record, no answer: a request whose record cannot be written is answered 500 instead. */
  @Test
  void aRequestThatCannotBeAuditedGetsNoAnswerAndJournalsNothing() throws Exception {
    long journaled = jdbc.queryForObject("SELECT COUNT(*) FROM message", Long.class);
    jdbc.execute(
        "ALTER TABLE audit_event ADD CONSTRAINT it_blocked CHECK (correlation_id IS NULL OR"
            + " correlation_id NOT LIKE 'it-blocked%')");
    try {
      HttpResponse<String> read =
          send(facility, "GET", "/api/v1/residents/" + FACILITY + "/R0001", null, "it-blocked-1");
      assertThat(read.statusCode()).isEqualTo(500);
      GatewayClient.assertOutcome(read, "GW-9001", null);
      assertThat(read.body()).doesNotContain("R0001").doesNotContain(NAME);
      ObjectNode other = (ObjectNode) JSON.readTree(resident());
      other.put("residentNo", "R-BLOCKED");
      other.put("idCardNo", "330302194305120067");
      HttpResponse<String> write =
          send(facility, "POST", "/api/v1/residents", other.toString(), "it-blocked-2");
      assertThat(write.statusCode()).isEqualTo(500);
      assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM message", Long.class))
          .isEqualTo(journaled);
    } finally {
      jdbc.execute("ALTER TABLE audit_event DROP CONSTRAINT it_blocked");
    }
  }

  private List<JsonNode> events(String query) throws Exception {
    HttpResponse<String> answer = auditor.get("/api/v1/admin/audit?size=500&" + query);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    List<JsonNode> events = new ArrayList<>();
    JSON.readTree(answer.body()).path("events").forEach(events::add);
    return events;
  }

  private List<String> kinds(String correlation) throws Exception {
    return events("correlation=" + correlation).stream().map(e -> e.path("kind").asText()).toList();
  }

  /** The one request record of a correlation id (and there is exactly one). */
  private JsonNode onlyRequest(String correlation) throws Exception {
    List<JsonNode> requests =
        events("correlation=" + correlation).stream()
            .filter(e -> e.path("kind").asText().equals("request"))
            .toList();
    assertThat(requests).as("request records of " + correlation).hasSize(1);
    JsonNode r = requests.get(0);
    assertThat(r.path("correlationId").asText()).isEqualTo(correlation);
    assertThat(r.path("chain").path("mac").asText()).hasSize(64);
    return r;
  }

  private static HttpResponse<String> send(
      GatewayClient caller, String method, String path, String body, String correlation)
      throws Exception {
    HttpRequest.Builder request =
        caller
            .request(path)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (correlation != null) {
      request.header("X-Correlation-Id", correlation);
    }
    return caller.send(request.build());
  }

  private static String resident() throws Exception {
    ObjectNode r = sample("resident-to-patient");
    assertThat(r.path("name").asText()).isEqualTo(NAME);
    assertThat(r.path("idCardNo").asText()).isEqualTo(ID_NUMBER);
    assertThat(r.path("phone").asText()).isEqualTo(PHONE);
    return r.toString();
  }
}
