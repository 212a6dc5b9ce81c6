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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

/**
 * Issue 6's scenario end to end, with the embedded HAPI JPA server and the gateway's defaults
 * (Subscription wake-up on): the facility posts an up-referral; the hospital accepts and completes
 * it on {@code /fhir} with an Encounter; the hospital creates a down-referral on {@code /fhir}; the
 * facility accepts and completes it through the API. The facility's webhook (WireMock) gets every
 * state change of both referrals once, in order, each with a valid signature.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class ReferralScenarioIT {

  private static final String FACILITY = "52330300MJ8712345N";
  private static final String HOSPITAL = "12330302470500618A";
  private static final String SECRET = "whsec_scenario_0123456789abcdef";
  private static final String HOOK = "/yiyang/referrals";
  private static final List<String> LIFE =
      List.of("requested", "received", "accepted", "in-progress", "completed");

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
    // The facility's webhook (WireMock) is on loopback: allowed by name and port, plain http.
    registry.add("gateway.notify.allow-http", () -> "true");
    registry.add("gateway.notify.allowed-hosts", () -> "localhost:" + facility.getPort());
  }

  @LocalServerPort int port;

  @Test
  void bothSidesAreKeptInformedThroughAnUpAndADownReferral(CapturedOutput output) throws Exception {
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

    // 1. The facility refers the resident up.
    HttpResponse<String> created =
        gateway.send("POST", "/api/v1/referrals", upReferral(), FACILITY);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String up =
        created.headers().firstValue("Location").orElseThrow().replace("/api/v1/referrals/", "");
    awaitStatuses(up, "requested");

    // 2. The hospital receives and accepts it on the FHIR server; the facility hears of it.
    hospital.movesTask(up, "received", null);
    hospital.movesTask(up, "accepted", null);
    awaitStatuses(up, "requested", "received", "accepted");

    // 3. The hospital treats and completes it with its Encounter.
    hospital.completesWithEncounter(up);
    awaitStatuses(up, LIFE.toArray(String[]::new));

    // 4. The hospital refers the resident down to the facility, on the FHIR server.
    String down = hospital.createsDownReferral("DR-SCENARIO-1", false);
    awaitStatuses(down, "requested");

    // 5. The facility accepts and completes it through the API.
    HttpResponse<String> accepted =
        gateway.send("POST", "/api/v1/referrals/" + down + "/accept", null, FACILITY);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    HttpResponse<String> completed =
        gateway.send("POST", "/api/v1/referrals/" + down + "/complete", null, FACILITY);
    assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
    awaitStatuses(down, LIFE.toArray(String[]::new));

    // Every notification arrived once, in order, signed; nothing more comes.
    List<JsonNode> all = events();
    assertThat(all).hasSize(2 * LIFE.size());
    assertThat(all.stream().map(e -> e.path("eventId").asText()).distinct()).hasSize(all.size());
    JsonNode firstUp = ofReferral(up).get(0);
    assertThat(firstUp.path("event").asText()).isEqualTo("referral.created");
    assertThat(firstUp.path("facilityCode").asText()).isEqualTo(FACILITY);
    assertThat(firstUp.path("referralId").asText()).isEqualTo(up);
    JsonNode firstDown = ofReferral(down).get(0);
    assertThat(firstDown.path("event").asText()).isEqualTo("referral.created");
    assertThat(ofReferral(up).get(4).path("previousStatus").asText()).isEqualTo("in-progress");
    // Thin (ADR 0054): no referral content travels; the facility follows the link with its token.
    assertThat(served())
        .allSatisfy(
            e ->
                assertThat(e.getRequest().getBodyAsString())
                    .doesNotContain("血压")
                    .doesNotContain("R0001")
                    .doesNotContain("\"referral\":{")
                    .doesNotContain("\"referral\":null"));
    String upLink = firstUp.path("links").path("referral").asText();
    assertThat(upLink).isEqualTo("/api/v1/referrals/" + up);
    HttpResponse<String> readUp = gateway.send("GET", upLink, null, FACILITY);
    assertThat(JSON.readTree(readUp.body()).path("direction").asText()).isEqualTo("up");
    HttpResponse<String> read =
        gateway.send("GET", firstDown.path("links").path("referral").asText(), null, FACILITY);
    assertThat(JSON.readTree(read.body()).path("direction").asText()).isEqualTo("down");
    assertThat(JSON.readTree(read.body()).path("status").asText()).isEqualTo("completed");
    assertThat(output.getAll()).doesNotContain(SECRET);
    report(served());
  }

  /** Prints how long each change took from the FHIR server to the webhook (not asserted). */
  private static void report(List<ServeEvent> served) throws IOException {
    List<Long> millis = new ArrayList<>();
    for (ServeEvent e : served) {
      Instant occurred =
          Instant.parse(JSON.readTree(e.getRequest().getBody()).path("occurredAt").asText());
      millis.add(e.getRequest().getLoggedDate().getTime() - occurred.toEpochMilli());
    }
    List<Long> sorted = millis.stream().sorted().toList();
    System.out.printf(
        "ReferralScenarioIT: %d notifications, change to webhook ms: min %d, median %d, max %d%n",
        sorted.size(), sorted.get(0), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
  }

  /** Waits until the referral's notifications so far are exactly these states, in this order. */
  private void awaitStatuses(String referralId, String... statuses) {
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(ofReferral(referralId))
                    .extracting(e -> e.path("status").asText())
                    .containsExactly(statuses));
  }

  private static List<JsonNode> ofReferral(String referralId) throws IOException {
    return events().stream().filter(e -> e.path("referralId").asText().equals(referralId)).toList();
  }

  /** The webhook calls received, oldest first, each checked for its signature and event id. */
  private static List<JsonNode> events() throws IOException {
    List<JsonNode> events = new ArrayList<>();
    for (ServeEvent e : served()) {
      events.add(FacilityWebhook.signedEvent(e, SECRET));
    }
    return events;
  }

  private static List<ServeEvent> served() {
    return FacilityWebhook.served(facility);
  }

  private static String upReferral() {
    ObjectNode referral = JSON.createObjectNode();
    referral.put("facilityCode", FACILITY);
    referral.put("referralNo", "RF-SCENARIO-1");
    referral.put("residentNo", "R0001");
    referral.put("hospitalCode", HOSPITAL);
    referral.put("requestedAt", "2025-06-03T10:15:00+08:00");
    referral.put("priority", "urgent");
    referral.putObject("reason").put("text", "血压持续升高，伴头晕");
    return referral.toString();
  }
}
