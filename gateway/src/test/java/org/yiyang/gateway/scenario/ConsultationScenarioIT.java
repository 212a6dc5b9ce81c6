package org.yiyang.gateway.scenario;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.yiyang.gateway.GatewayClient.JSON;
import static org.yiyang.gateway.GatewayClient.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.hl7.fhir.r4.model.Resource;
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
import org.yiyang.gateway.FacilityWebhook;
import org.yiyang.gateway.GatewayClient;
import org.yiyang.gateway.Hospital;
import org.yiyang.profiles.Fhir;
import org.yiyang.profiles.RegionalValidator;

/**
 * Issue 20's remote consultation end to end, both sides, on the embedded HAPI JPA server with the
 * gateway's defaults: the facility asks for an opinion with two attachments; the hospital receives
 * it on {@code /fhir} and puts it on hold asking for more material; the facility supplies it
 * through the API, which takes the consultation back to received; the hospital accepts, holds the
 * consultation and completes it with its report. The facility reads each step in its JSON and its
 * webhook (WireMock) gets each change once, in order, signed and thin. Another facility gets what a
 * missing consultation gets.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class ConsultationScenarioIT {

  private static final String FACILITY = "52330300MJ8712345N";
  private static final String OTHER = "52331000MJ9876543W";
  private static final String HOSPITAL = "12330302470500618A";
  private static final String SECRET = "whsec_consultation_0123456789abc";
  private static final String HOOK = "/yiyang/consultations";
  private static final String ASKED = "请补充近三个月糖化血红蛋白检验报告";
  private static final String CONCLUSION = "夜间血压控制欠佳，建议氨氯地平改为晚间服用，两周后复诊。";
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @RegisterExtension
  static WireMockExtension facility =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
    registry.add("gateway.delivery.poll-interval", () -> "100ms");
    registry.add("gateway.delivery.initial-backoff", () -> "100ms");
    registry.add("gateway.notify.allow-http", () -> "true");
    registry.add("gateway.notify.allowed-hosts", () -> "localhost:" + facility.getPort());
  }

  @LocalServerPort int port;

  @Test
  void theFacilityAndTheHospitalCarryAConsultationThroughToItsReport(CapturedOutput output)
      throws Exception {
    GatewayClient gateway = new GatewayClient(port, dataDir);
    Hospital hospital = new Hospital(gateway, HOSPITAL, FACILITY);
    facility.stubFor(post(urlPathEqualTo(HOOK)).willReturn(aResponse().withStatus(204)));
    HttpResponse<String> resident =
        gateway.send("POST", "/api/v1/residents", sample("resident-to-patient").toString(), null);
    assertThat(resident.statusCode()).as(resident.body()).isIn(200, 201);
    HttpResponse<String> hook =
        gateway.send(
            "PUT",
            "/api/v1/admin/webhooks/" + FACILITY,
            "{\"url\":\"" + facility.baseUrl() + HOOK + "\",\"secret\":\"" + SECRET + "\"}",
            null);
    assertThat(hook.statusCode()).as(hook.body()).isEqualTo(201);

    // 1. The facility asks for an opinion, with two attachments (a PDF and a PNG).
    ObjectNode request = sample("consultation-to-servicerequest");
    HttpResponse<String> created = gateway.post("/api/v1/consultations", request.toString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String location = created.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("/api/v1/consultations/con-");
    String id = location.substring("/api/v1/consultations/".length());
    assertThat(JSON.readTree(created.body()).path("consultationId").asText()).isEqualTo(id);
    awaitStatuses(id, "requested");
    landedValid(gateway, id);
    JsonNode read = read(gateway, location);
    assertThat(read.path("status").asText()).isEqualTo("requested");
    assertThat(read.path("attachments")).hasSize(2);
    // Each attachment's bytes are a Binary on the regional server, as sent.
    for (int i = 0; i < 2; i++) {
      JsonNode sent = request.path("attachments").get(i);
      JsonNode back = read.path("attachments").get(i);
      assertThat(back.has("data")).isFalse();
      assertThat(back.path("sha256").asText()).isEqualTo(sent.path("sha256").asText());
      JsonNode binary = gateway.fhir("GET", back.path("url").asText(), null);
      byte[] bytes = Base64.getDecoder().decode(binary.path("data").asText());
      assertThat(bytes).hasSize(sent.path("size").asInt());
      assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
          .isEqualTo(sent.path("sha256").asText());
    }

    // 2. The hospital receives it and, checking it, asks for more material.
    hospital.movesTask(id, "received", null);
    awaitStatuses(id, "requested", "received");
    hospital.asksForMaterial(id, ASKED);
    awaitStatuses(id, "requested", "received", "on-hold");
    read = read(gateway, location);
    assertThat(read.path("status").asText()).isEqualTo("on-hold");
    assertThat(read.path("materialRequests").get(0).asText()).isEqualTo(ASKED);

    // 3. The facility sends it: taken in as a record, and the consultation is back to received.
    ObjectNode material = sample("consultation-material-to-documentreferences");
    material.remove("facilityCode");
    material.remove("consultationNo");
    material.remove("residentNo");
    HttpResponse<String> supplied = gateway.post(location + "/material", material.toString());
    assertThat(supplied.statusCode()).as(supplied.body()).isEqualTo(200);
    JsonNode answered = JSON.readTree(supplied.body());
    assertThat(answered.path("status").asText()).isEqualTo("received");
    assertThat(answered.path("statusReason").isMissingNode()).isTrue();
    assertThat(answered.path("additionalMaterial")).hasSize(1);
    assertThat(answered.at("/additionalMaterial/0/materialNo").asText())
        .isEqualTo(material.path("materialNo").asText());
    JsonNode back = answered.path("history").get(answered.path("history").size() - 1);
    assertThat(back.path("status").asText()).isEqualTo("received");
    assertThat(back.path("by").asText()).isEqualTo(FACILITY);
    awaitStatuses(id, "requested", "received", "on-hold", "received");
    // Nothing more to supply: not on hold any more.
    HttpResponse<String> again = gateway.post(location + "/material", material.toString());
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    GatewayClient.assertOutcome(again, "GW-1020", "status");

    // 4. The hospital accepts, holds the consultation, and completes it with its report.
    hospital.movesTask(id, "accepted", null);
    hospital.movesTask(id, "in-progress", null);
    awaitStatuses(id, "requested", "received", "on-hold", "received", "accepted", "in-progress");
    read = read(gateway, location);
    assertThat(read.path("status").asText()).isEqualTo("in-progress");
    String report = hospital.completesWithReport(id, CONCLUSION);
    List<String> life =
        List.of(
            "requested", "received", "on-hold", "received", "accepted", "in-progress", "completed");
    awaitStatuses(id, life.toArray(String[]::new));
    read = read(gateway, location);
    assertThat(read.path("status").asText()).isEqualTo("completed");
    assertThat(read.path("history")).extracting(h -> h.path("status").asText()).isEqualTo(life);
    assertThat(read.at("/report/reference").asText()).isEqualTo("DiagnosticReport/" + report);
    assertThat(read.at("/report/conclusion").asText()).isEqualTo(CONCLUSION);
    // The request follows its Task.
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(
                        gateway.fhir("GET", "ServiceRequest/" + id, null).path("status").asText())
                    .isEqualTo("completed"));
    // Read by the facility's own number, and listed among its consultations.
    assertThat(
            read(
                gateway,
                "/api/v1/consultations/"
                    + FACILITY
                    + "/"
                    + request.path("consultationNo").asText()))
        .isEqualTo(read);
    JsonNode listed = read(gateway, "/api/v1/consultations?state=completed");
    assertThat(listed.path("consultations"))
        .anySatisfy(c -> assertThat(c.path("consultationId").asText()).isEqualTo(id));

    // Every change reached the webhook once, in order, signed and thin.
    List<JsonNode> events = events();
    assertThat(events).hasSize(life.size());
    assertThat(events.stream().map(e -> e.path("eventId").asText()).distinct())
        .hasSize(life.size());
    assertThat(events.get(0).path("event").asText()).isEqualTo("consultation.created");
    assertThat(events.subList(1, events.size()))
        .allSatisfy(
            e -> assertThat(e.path("event").asText()).isEqualTo("consultation.status-changed"));
    assertThat(events.get(3).path("previousStatus").asText()).isEqualTo("on-hold");
    assertThat(events.get(0).path("links").path("consultation").asText()).isEqualTo(location);
    assertThat(FacilityWebhook.served(facility))
        .allSatisfy(
            e ->
                assertThat(e.getRequest().getBodyAsString())
                    .doesNotContain("血压")
                    .doesNotContain("R0001")
                    .doesNotContain(ASKED)
                    .doesNotContain(CONCLUSION));
    JsonNode messages = read(gateway, "/api/v1/messages?flow=consultation.notify");
    assertThat(messages.path("total").asLong()).isEqualTo(life.size());

    // Another facility: the consultation answers exactly as a missing one.
    GatewayClient other = gateway.asFacility(OTHER);
    HttpResponse<String> theirs = other.get(location);
    HttpResponse<String> missing =
        other.get("/api/v1/consultations/con-0123456789abcdef0123456789abcdef");
    assertThat(theirs.statusCode()).isEqualTo(404);
    assertThat(theirs.body()).isEqualTo(missing.body());
    HttpResponse<String> cancel = other.post(location + "/cancel", null);
    assertThat(cancel.statusCode()).isEqualTo(404);
    assertThat(read(other, "/api/v1/consultations").path("consultations")).isEmpty();
    assertThat(output.getAll()).doesNotContain(SECRET).doesNotContain(ASKED);
  }

  /** What landed on the FHIR server validates against the regional profiles. */
  private static void landedValid(GatewayClient gateway, String id) throws Exception {
    for (String search :
        List.of(
            "ServiceRequest?_id=" + id,
            "Task?focus=ServiceRequest/" + id,
            "DocumentReference?related=ServiceRequest/" + id)) {
      JsonNode found = gateway.fhir("GET", search, null);
      assertThat(found.path("entry").size()).as(search).isGreaterThanOrEqualTo(1);
      for (JsonNode entry : found.path("entry")) {
        Resource resource =
            (Resource) Fhir.r4().newJsonParser().parseResource(entry.path("resource").toString());
        assertThat(RegionalValidator.shared().errors(resource)).as(search).isEmpty();
      }
    }
  }

  private static JsonNode read(GatewayClient gateway, String path) throws Exception {
    HttpResponse<String> answer = gateway.get(path);
    assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  /** Waits until the consultation's notifications so far are exactly these states, in order. */
  private void awaitStatuses(String id, String... statuses) {
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(
                        events().stream()
                            .filter(e -> e.path("consultationId").asText().equals(id))
                            .toList())
                    .extracting(e -> e.path("status").asText())
                    .containsExactly(statuses));
  }

  /** The webhook calls received, oldest first, each checked for its signature and event id. */
  private static List<JsonNode> events() throws IOException {
    List<JsonNode> events = new ArrayList<>();
    for (ServeEvent e : FacilityWebhook.served(facility)) {
      events.add(FacilityWebhook.signedEvent(e, SECRET));
    }
    return events;
  }
}
