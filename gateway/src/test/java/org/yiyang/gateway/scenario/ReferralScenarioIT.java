package org.yiyang.gateway.scenario;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
import org.yiyang.gateway.notify.WebhookSignature;

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
  private static final String USCC = "https://fhir.yiyang.org/sid/cn-uscc";
  private static final String SECRET = "whsec_scenario_0123456789abcdef";
  private static final String HOOK = "/yiyang/referrals";
  private static final List<String> LIFE =
      List.of("requested", "received", "accepted", "in-progress", "completed");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @RegisterExtension
  static WireMockExtension facility =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("gateway.data-dir", () -> dataDir.toString());
    registry.add("gateway.fhir.base-url", () -> "");
    registry.add("gateway.delivery.sync-deadline", () -> "30s");
    registry.add("gateway.delivery.poll-interval", () -> "100ms");
    registry.add("gateway.delivery.initial-backoff", () -> "100ms");
  }

  @LocalServerPort int port;

  @Test
  void bothSidesAreKeptInformedThroughAnUpAndADownReferral(CapturedOutput output) throws Exception {
    facility.stubFor(post(urlPathEqualTo(HOOK)).willReturn(aResponse().withStatus(204)));
    HttpResponse<String> resident =
        send("POST", "/api/v1/residents", sample("resident-to-patient").toString(), null);
    assertThat(resident.statusCode()).as(resident.body()).isIn(200, 201);
    HttpResponse<String> hook =
        send(
            "PUT",
            "/api/v1/admin/webhooks/" + FACILITY,
            "{\"url\":\"" + facility.baseUrl() + HOOK + "\",\"secret\":\"" + SECRET + "\"}",
            null);
    assertThat(hook.statusCode()).as(hook.body()).isEqualTo(201);

    // 1. The facility refers the resident up.
    HttpResponse<String> created = send("POST", "/api/v1/referrals", upReferral(), FACILITY);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String up =
        created.headers().firstValue("Location").orElseThrow().replace("/api/v1/referrals/", "");
    awaitStatuses(up, "requested");

    // 2. The hospital receives and accepts it on the FHIR server; the facility hears of it.
    hospitalMovesTask(up, "received", null);
    hospitalMovesTask(up, "accepted", null);
    awaitStatuses(up, "requested", "received", "accepted");

    // 3. The hospital treats and completes it with its Encounter.
    String encounter =
        fhir(
                "POST",
                "Encounter",
                JSON.readTree(
                    "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"system\":"
                        + "\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"IMP\"}}"))
            .path("id")
            .asText();
    hospitalMovesTask(up, "in-progress", null);
    hospitalMovesTask(up, "completed", List.of("Encounter/" + encounter));
    awaitStatuses(up, LIFE.toArray(String[]::new));

    // 4. The hospital refers the resident down to the facility, on the FHIR server.
    String down = hospitalCreatesDownReferral("DR-SCENARIO-1");
    awaitStatuses(down, "requested");

    // 5. The facility accepts and completes it through the API.
    HttpResponse<String> accepted =
        send("POST", "/api/v1/referrals/" + down + "/accept", null, FACILITY);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    HttpResponse<String> completed =
        send("POST", "/api/v1/referrals/" + down + "/complete", null, FACILITY);
    assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
    awaitStatuses(down, LIFE.toArray(String[]::new));

    // Every notification arrived once, in order, signed; nothing more comes.
    List<JsonNode> all = events();
    assertThat(all).hasSize(2 * LIFE.size());
    assertThat(all.stream().map(e -> e.path("eventId").asText()).distinct()).hasSize(all.size());
    JsonNode firstUp = ofReferral(up).get(0);
    assertThat(firstUp.path("event").asText()).isEqualTo("referral.created");
    assertThat(firstUp.path("facilityCode").asText()).isEqualTo(FACILITY);
    assertThat(firstUp.path("referral").path("referralId").asText()).isEqualTo(up);
    assertThat(firstUp.path("referral").path("direction").asText()).isEqualTo("up");
    JsonNode firstDown = ofReferral(down).get(0);
    assertThat(firstDown.path("event").asText()).isEqualTo("referral.created");
    assertThat(firstDown.path("referral").path("direction").asText()).isEqualTo("down");
    assertThat(ofReferral(up).get(4).path("previousStatus").asText()).isEqualTo("in-progress");
    // The facility can also read each referral itself.
    HttpResponse<String> read = send("GET", "/api/v1/referrals/" + down, null, FACILITY);
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
      byte[] body = e.getRequest().getBody();
      assertThat(
              WebhookSignature.verify(
                  SECRET, e.getRequest().getHeader(WebhookSignature.HEADER), body))
          .as("signature of %s", e.getRequest().getBodyAsString())
          .isTrue();
      JsonNode event = JSON.readTree(body);
      assertThat(e.getRequest().getHeader(WebhookSignature.EVENT_ID_HEADER))
          .isEqualTo(event.path("eventId").asText());
      events.add(event);
    }
    return events;
  }

  private static List<ServeEvent> served() {
    List<ServeEvent> served = new ArrayList<>(facility.getAllServeEvents());
    served.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
    return served;
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

  /** The hospital moves the Task on, as it would on the FHIR server (optionally with outputs). */
  private void hospitalMovesTask(String referralId, String status, List<String> outputs)
      throws Exception {
    ObjectNode task =
        (ObjectNode)
            fhir("GET", "Task?focus=ServiceRequest/" + referralId, null).at("/entry/0/resource");
    task.put("status", status);
    task.put("lastModified", java.time.OffsetDateTime.now().toString());
    if (outputs != null) {
      var array = task.putArray("output");
      for (String reference : outputs) {
        ObjectNode out = array.addObject();
        out.putObject("type").put("text", "就诊");
        out.putObject("valueReference").put("reference", reference);
      }
    }
    fhir("PUT", "Task/" + task.path("id").asText(), task);
  }

  /** A down-referral as a hospital writes it on the FHIR server: ServiceRequest + Task. */
  private String hospitalCreatesDownReferral(String number) throws Exception {
    String patient =
        fhir(
                "GET",
                "Patient?identifier="
                    + enc("https://fhir.yiyang.org/sid/resident-no/" + FACILITY + "|R0001"),
                null)
            .at("/entry/0/resource/id")
            .asText();
    assertThat(patient).isNotEmpty();
    String hospital = organization(HOSPITAL, "hospital");
    String home = organization(FACILITY, "eldercare-facility");
    String bundle =
        """
        {"resourceType": "Bundle", "type": "transaction", "entry": [
          {"fullUrl": "urn:uuid:11111111-1111-4111-8111-111111111111",
           "resource": {"resourceType": "ServiceRequest",
             "meta": {"profile": ["https://fhir.yiyang.org/StructureDefinition/yy-service-request-referral"]},
             "identifier": [{"system": "https://hospital.example.org/referral", "value": "%1$s"}],
             "status": "active", "intent": "order",
             "category": [{"coding": [{"system": "https://fhir.yiyang.org/CodeSystem/referral-type", "code": "down-referral"}]}],
             "priority": "routine", "code": {"text": "康复护理"},
             "subject": {"reference": "Patient/%2$s"}, "authoredOn": "2025-06-10T09:00:00+08:00",
             "requester": {"reference": "Organization/%3$s"}, "performer": [{"reference": "Organization/%4$s"}],
             "reasonCode": [{"text": "脑梗死恢复期，需康复训练与护理"}]},
           "request": {"method": "POST", "url": "ServiceRequest"}},
          {"fullUrl": "urn:uuid:22222222-2222-4222-8222-222222222222",
           "resource": {"resourceType": "Task",
             "meta": {"profile": ["https://fhir.yiyang.org/StructureDefinition/yy-task-referral"]},
             "status": "requested", "intent": "order",
             "code": {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]},
             "focus": {"reference": "urn:uuid:11111111-1111-4111-8111-111111111111"},
             "for": {"reference": "Patient/%2$s"}, "authoredOn": "2025-06-10T09:00:00+08:00",
             "lastModified": "2025-06-10T09:00:00+08:00",
             "requester": {"reference": "Organization/%3$s"}, "owner": {"reference": "Organization/%4$s"}},
           "request": {"method": "POST", "url": "Task"}}]}
        """
            .formatted(number, patient, hospital, home);
    JsonNode response = fhir("POST", "", JSON.readTree(bundle));
    String location = response.at("/entry/0/response/location").asText();
    assertThat(location).startsWith("ServiceRequest/");
    return location.split("/")[1];
  }

  private String organization(String uscc, String type) throws Exception {
    JsonNode found = fhir("GET", "Organization?identifier=" + enc(USCC + "|" + uscc), null);
    if (found.path("entry").size() > 0) {
      return found.at("/entry/0/resource/id").asText();
    }
    return fhir(
            "POST",
            "Organization",
            JSON.readTree(
                "{\"resourceType\":\"Organization\",\"identifier\":[{\"system\":\""
                    + USCC
                    + "\",\"value\":\""
                    + uscc
                    + "\"}],\"active\":true,\"type\":[{\"coding\":[{\"system\":"
                    + "\"https://fhir.yiyang.org/CodeSystem/organization-type\",\"code\":\""
                    + type
                    + "\"}]}]}"))
        .path("id")
        .asText();
  }

  private ObjectNode sample(String mapping) throws IOException {
    try (InputStream in =
        getClass().getResourceAsStream("/mappings/to-fhir/" + mapping + "/sample.json")) {
      assertThat(in).as("sample of " + mapping).isNotNull();
      return (ObjectNode) JSON.readTree(in);
    }
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private HttpResponse<String> send(String method, String path, String body, String facilityCode)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (facilityCode != null) {
      request.header("X-Facility-Code", facilityCode);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A call on the FHIR server, as the hospital makes it; fails the test on any error. */
  private JsonNode fhir(String method, String path, JsonNode body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/" + path))
            .header("Accept", "application/fhir+json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.toString()));
    if (body != null) {
      request.header("Content-Type", "application/fhir+json");
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isLessThan(300);
    return JSON.readTree(response.body());
  }
}
