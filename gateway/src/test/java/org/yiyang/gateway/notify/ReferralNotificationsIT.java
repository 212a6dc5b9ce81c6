package org.yiyang.gateway.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.yiyang.gateway.GatewayClient.JSON;
import static org.yiyang.gateway.GatewayClient.sample;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.yiyang.gateway.FacilityWebhook;
import org.yiyang.gateway.GatewayApplication;
import org.yiyang.gateway.GatewayClient;
import org.yiyang.profiles.Canonical;

/**
 * A hospital changes referral Tasks directly on the embedded FHIR server; the gateway notices each
 * change (by polling alone, or woken by the server's Subscription) and pushes it once, signed and
 * in order, to the facility's webhook (WireMock), also across a restart and a webhook outage; a
 * hospital's booking of the green channel is pushed too (ADR 0062).
 */
@ExtendWith(OutputCaptureExtension.class)
class ReferralNotificationsIT {

  /**
   * WireMock reads stub files from {@code src/test/resources/mappings} by default, where the test
   * flows' mapping-catalog folders live; these tests stub in code, so point it at no folder.
   */
  private static com.github.tomakehurst.wiremock.core.WireMockConfiguration noStubFiles() {
    return wireMockConfig().usingFilesUnderDirectory("target/wiremock-no-stub-files");
  }

  static final String FACILITY = "52330300MJ8712345N";
  static final String SECRET = "whsec_referrals_it_0123456789";
  static final String HOOK = "/hooks/yiyang";

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @RegisterExtension
  static WireMockExtension facility =
      WireMockExtension.newInstance().options(noStubFiles().dynamicPort()).build();

  @TempDir Path dataDir;

  private static Path currentDataDir;

  @BeforeEach
  void webhookAnswers() {
    currentDataDir = dataDir;
    facility.stubFor(post(urlPathEqualTo(HOOK)).willReturn(aResponse().withStatus(204)));
  }

  @Test
  void pollingAloneNoticesEachChangeAndPushesItOnceAcrossARestart(CapturedOutput output)
      throws Exception {
    String taskId;
    try (ConfigurableApplicationContext gateway = start("200ms", false)) {
      assertThat(wakeUp(gateway)).startsWith("polling only: subscription switched off");
      registerWebhook(gateway);
      IGenericClient fhir = fhir(gateway);
      taskId = newReferral(fhir);
      setStatus(fhir, taskId, Task.TaskStatus.ACCEPTED);
      List<JsonNode> events = awaitEvents(2);
      assertThat(events)
          .extracting(e -> e.path("event").asText())
          .containsExactly(Notifications.CREATED, Notifications.STATUS_CHANGED);
      assertThat(events)
          .extracting(e -> e.path("status").asText())
          .containsExactly("requested", "accepted");
      assertThat(events.get(1).path("previousStatus").asText()).isEqualTo("requested");
      assertThat(events).allSatisfy(e -> assertThat(e.path("taskId").asText()).isEqualTo(taskId));
      // Thin (ADR 0054): ids and a link; the facility reads the referral with its own token.
      assertThat(events)
          .allSatisfy(
              e -> {
                assertThat(e.has("referral")).isFalse();
                assertThat(e.path("links").path("referral").asText())
                    .isEqualTo("/api/v1/referrals/" + e.path("referralId").asText());
              });
    }
    try (ConfigurableApplicationContext gateway = start("200ms", false)) {
      // After the restart the old versions are behind the cursor; only the new one is pushed.
      setStatus(fhir(gateway), taskId, Task.TaskStatus.INPROGRESS);
      List<JsonNode> events = awaitEvents(3);
      assertThat(events.get(2).path("status").asText()).isEqualTo("in-progress");
    }
    assertThat(output.getAll()).doesNotContain(SECRET);
  }

  @Test
  void theSubscriptionWakesTheGatewayWithoutWaitingForAPoll() throws Exception {
    try (ConfigurableApplicationContext gateway = start("1h", true)) {
      registerWebhook(gateway);
      IGenericClient fhir = fhir(gateway);
      String taskId = newReferral(fhir);
      awaitEvents(1);
      setStatus(fhir, taskId, Task.TaskStatus.ACCEPTED);
      List<JsonNode> events = awaitEvents(2);
      assertThat(events)
          .extracting(e -> e.path("status").asText())
          .containsExactly("requested", "accepted");
      JsonNode details =
          JSON.readTree(get(gateway, "/actuator/health").body())
              .path("components")
              .path("referralNotifications")
              .path("details");
      assertThat(details.path("wakeUp").asText()).isEqualTo("subscription");
      // The first change may have been made before the server activated the Subscription (HAPI
      // activates it from its scheduled job, seconds after the start): the poll that follows the
      // activation reads it (ADR 0062). The second was made after: a wake-up read it.
      assertThat(details.path("lastWakeUpAt").asText()).isNotEmpty();
    }
  }

  @Test
  void aGreenChannelBookingOnTheFhirServerIsToldOnceWithItsTimeAndStatus() throws Exception {
    try (ConfigurableApplicationContext gateway = start("200ms", false)) {
      registerWebhook(gateway);
      GatewayClient client = client(gateway);
      HttpResponse<String> resident =
          client.send("POST", "/api/v1/residents", sample("resident-to-patient").toString(), null);
      assertThat(resident.statusCode()).as(resident.body()).isIn(200, 201);
      // An urgent up-referral asking for the green channel: its Appointment is proposed.
      ObjectNode referral = sample("referral-to-servicerequest");
      referral.put("referralNo", "RF-NOTIFY-GC-1");
      HttpResponse<String> created =
          client.send("POST", "/api/v1/referrals", referral.toString(), FACILITY);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String id =
          created
              .headers()
              .firstValue("Location")
              .orElseThrow()
              .substring("/api/v1/referrals/".length());
      // The facility's own proposal is no news: the new referral only.
      assertThat(awaitEvents(1).get(0).path("event").asText()).isEqualTo(Notifications.CREATED);

      // The hospital books the green channel on the FHIR server.
      ObjectNode appointment =
          (ObjectNode)
              client
                  .fhir("GET", "Appointment?based-on=ServiceRequest/" + id, null)
                  .at("/entry/0/resource");
      appointment.put("status", "booked");
      appointment.put("start", "2025-06-03T11:30:00+08:00");
      appointment.put("end", "2025-06-03T12:00:00+08:00");
      String appointmentId = appointment.path("id").asText();
      client.fhir("PUT", "Appointment/" + appointmentId, appointment);
      JsonNode booked = awaitEvents(2).get(1);
      assertThat(booked.path("event").asText()).isEqualTo(Notifications.GREEN_CHANNEL_CHANGED);
      assertThat(booked.path("facilityCode").asText()).isEqualTo(FACILITY);
      assertThat(booked.path("referralId").asText()).isEqualTo(id);
      assertThat(booked.path("greenChannel").path("status").asText()).isEqualTo("booked");
      assertThat(booked.path("greenChannel").path("previousStatus").asText()).isEqualTo("proposed");
      assertThat(booked.path("greenChannel").path("start").asText())
          .isEqualTo("2025-06-03T11:30:00+08:00");
      assertThat(booked.path("greenChannel").path("end").asText())
          .isEqualTo("2025-06-03T12:00:00+08:00");
      assertThat(booked.path("links").path("referral").asText())
          .isEqualTo("/api/v1/referrals/" + id);
      // Thin: nothing of the referral's content (department, patient, reason) travels.
      assertThat(booked.toString()).doesNotContain("神经内科").doesNotContain("R0001");

      // A version that changes nothing told (a note) tells nothing; declining it is told.
      appointment = (ObjectNode) client.fhir("GET", "Appointment/" + appointmentId, null);
      appointment.put("comment", "请走急诊东门");
      client.fhir("PUT", "Appointment/" + appointmentId, appointment);
      appointment = (ObjectNode) client.fhir("GET", "Appointment/" + appointmentId, null);
      appointment.put("status", "cancelled");
      client.fhir("PUT", "Appointment/" + appointmentId, appointment);
      List<JsonNode> events = awaitEvents(3);
      assertThat(events.get(2).path("event").asText())
          .isEqualTo(Notifications.GREEN_CHANNEL_CHANGED);
      assertThat(events.get(2).path("greenChannel").path("status").asText()).isEqualTo("cancelled");
      assertThat(events.get(2).path("greenChannel").path("previousStatus").asText())
          .isEqualTo("booked");
      assertThat(events.get(2).toString()).doesNotContain("请走急诊东门");
    }
  }

  @Test
  void aWebhookDownForAWhileGetsEveryChangeOnceAndInOrderAfterwards() throws Exception {
    facility.stubFor(
        post(urlPathEqualTo(HOOK))
            .inScenario("outage")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("still down"));
    facility.stubFor(
        post(urlPathEqualTo(HOOK))
            .inScenario("outage")
            .whenScenarioStateIs("still down")
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("up"));
    facility.stubFor(
        post(urlPathEqualTo(HOOK))
            .inScenario("outage")
            .whenScenarioStateIs("up")
            .willReturn(aResponse().withStatus(200)));
    try (ConfigurableApplicationContext gateway = start("200ms", false)) {
      registerWebhook(gateway);
      IGenericClient fhir = fhir(gateway);
      String taskId = newReferral(fhir);
      setStatus(fhir, taskId, Task.TaskStatus.ACCEPTED);
      setStatus(fhir, taskId, Task.TaskStatus.INPROGRESS);
      List<JsonNode> events = awaitEvents(3);
      assertThat(events)
          .extracting(e -> e.path("status").asText())
          .containsExactly("requested", "accepted", "in-progress");
      assertThat(served().stream().filter(e -> e.getResponse().getStatus() == 503)).hasSize(2);
    }
  }

  @Test
  void theAdminEndpointNeverShowsTheSecretAndAFacilityWithoutWebhookIsSentNothing()
      throws Exception {
    try (ConfigurableApplicationContext gateway = start("200ms", false)) {
      HttpResponse<String> created = registerWebhook(gateway);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(created.body()).doesNotContain(SECRET);
      HttpResponse<String> shown = get(gateway, "/api/v1/admin/webhooks/" + FACILITY);
      assertThat(shown.statusCode()).isEqualTo(200);
      assertThat(shown.body()).doesNotContain(SECRET).contains(HOOK);

      HttpResponse<String> badUrl =
          put(gateway, FACILITY, "{\"url\":\"ftp://x\",\"secret\":\"" + SECRET + "\"}");
      assertThat(badUrl.statusCode()).isEqualTo(400);
      assertThat(badUrl.body()).contains("GW-1033").contains("\"url\"").contains("'scheme'");
      HttpResponse<String> shortSecret =
          put(
              gateway,
              FACILITY,
              "{\"url\":\""
                  + facility.baseUrl()
                  + HOOK
                  + "\",\"secret\":\"whsec_only_23_bytes_lon\"}");
      assertThat(shortSecret.statusCode()).isEqualTo(400);
      assertThat(shortSecret.body()).contains("GW-1003").contains("\"secret\"").contains("24");

      // Issue 18's SSRF corpus: every URL refused at registration, naming url and the rule.
      int refused = 0;
      for (SsrfCorpus.Case c : SsrfCorpus.ISSUE) {
        for (String url : List.of(c.url("https", 0), c.url("http", facility.getPort() + 1))) {
          HttpResponse<String> answer =
              put(gateway, FACILITY, "{\"url\":\"" + url + "\",\"secret\":\"" + SECRET + "\"}");
          assertThat(answer.statusCode()).as(url).isEqualTo(400);
          GatewayClient.assertOutcome(answer, "GW-1033", "url");
          assertThat(answer.body())
              .as(url)
              .contains("'" + c.rule().code() + "'")
              .doesNotContain(SsrfCorpus.URL_SECRET);
        }
        refused++;
      }
      assertThat(refused).isEqualTo(13);
      // None of them replaced the registered webhook.
      assertThat(get(gateway, "/api/v1/admin/webhooks/" + FACILITY).body()).contains(HOOK);
      HttpResponse<String> badCode =
          put(gateway, "123", "{\"url\":\"https://x.example/h\",\"secret\":\"" + SECRET + "\"}");
      assertThat(badCode.statusCode()).isEqualTo(400);
      assertThat(badCode.body()).contains("GW-1008");

      HttpResponse<String> deleted =
          client(gateway)
              .send(client(gateway).request("/api/v1/admin/webhooks/" + FACILITY).DELETE().build());
      assertThat(deleted.statusCode()).isEqualTo(204);
      assertThat(get(gateway, "/api/v1/admin/webhooks/" + FACILITY).statusCode()).isEqualTo(404);

      // Without a webhook: once the poller has gone past the change, nothing was journaled or sent.
      IGenericClient fhir = fhir(gateway);
      String taskId = newReferral(fhir);
      Instant changed =
          fhir.read()
              .resource(Task.class)
              .withId(new IdType("Task", taskId))
              .execute()
              .getMeta()
              .getLastUpdated()
              .toInstant();
      await().atMost(PATIENCE).until(() -> !cursor(gateway).isBefore(changed));
      JsonNode journaled =
          JSON.readTree(get(gateway, "/api/v1/messages?flow=" + Notifications.FLOW).body());
      assertThat(journaled.path("total").asLong()).isZero();
      assertThat(facility.getAllServeEvents()).isEmpty();
    }
  }

  private static Instant cursor(ConfigurableApplicationContext gateway) throws Exception {
    JsonNode health = JSON.readTree(get(gateway, "/actuator/health").body());
    String cursor =
        health
            .path("components")
            .path("referralNotifications")
            .path("details")
            .path("cursor")
            .asText();
    return cursor.isEmpty() ? Instant.EPOCH : Instant.parse(cursor);
  }

  private static String wakeUp(ConfigurableApplicationContext gateway) throws Exception {
    JsonNode health = JSON.readTree(get(gateway, "/actuator/health").body());
    return health
        .path("components")
        .path("referralNotifications")
        .path("details")
        .path("wakeUp")
        .asText();
  }

  /** The webhook calls received so far, oldest first, each checked for a valid signature. */
  static List<JsonNode> events() throws Exception {
    List<JsonNode> events = new ArrayList<>();
    for (ServeEvent e : served()) {
      if (e.getResponse().getStatus() / 100 != 2) {
        continue;
      }
      events.add(FacilityWebhook.signedEvent(e, SECRET));
    }
    return events;
  }

  static List<ServeEvent> served() {
    return FacilityWebhook.served(facility);
  }

  /** Waits until {@code n} notifications arrived, then checks that no more (no duplicate) do. */
  static List<JsonNode> awaitEvents(int n) throws Exception {
    await().atMost(PATIENCE).until(() -> events().size() >= n);
    List<JsonNode> events = events();
    assertThat(events).hasSize(n);
    assertThat(events.stream().map(e -> e.path("eventId").asText()).distinct()).hasSize(n);
    return events;
  }

  private ConfigurableApplicationContext start(String pollInterval, boolean subscription) {
    return new SpringApplicationBuilder(GatewayApplication.class)
        // The corpus's DNS names first, the system's for the rest (WireMock on localhost).
        .initializers(
            context ->
                context
                    .getBeanFactory()
                    .registerSingleton("webhookTestDns", SsrfCorpus.dnsThenSystem()))
        .run(
            // WireMock is on loopback: allowed by name and port only, over plain http.
            "--gateway.notify.allow-http=true",
            "--gateway.notify.allowed-hosts=localhost:" + facility.getPort(),
            "--server.port=0",
            "--gateway.data-dir=" + dataDir,
            "--gateway.fhir.base-url=",
            "--gateway.security.issuer=" + GatewayClient.ISSUER,
            "--gateway.security.rate-limit.burst=100000",
            // Not about the regional package: its installation would only take CPU (ADR 0053).
            "--gateway.fhir-server.install-package=false",
            "--spring.jmx.enabled=false",
            "--gateway.notify.poll-interval=" + pollInterval,
            "--gateway.notify.subscription=" + subscription,
            "--gateway.delivery.poll-interval=50ms",
            // A referral posted through the API is answered 201 once delivered, not 202.
            "--gateway.delivery.sync-deadline=30s",
            "--gateway.delivery.initial-backoff=100ms",
            "--gateway.delivery.max-backoff=400ms",
            "--logging.level.org.yiyang.gateway.notify=DEBUG");
  }

  private HttpResponse<String> registerWebhook(ConfigurableApplicationContext gateway)
      throws Exception {
    return put(
        gateway,
        FACILITY,
        "{\"url\":\"" + facility.baseUrl() + HOOK + "\",\"secret\":\"" + SECRET + "\"}");
  }

  private static HttpResponse<String> put(
      ConfigurableApplicationContext gateway, String facilityCode, String body) throws Exception {
    return client(gateway).send("PUT", "/api/v1/admin/webhooks/" + facilityCode, body, null);
  }

  private static HttpResponse<String> get(ConfigurableApplicationContext gateway, String path)
      throws Exception {
    return client(gateway).get(path);
  }

  static IGenericClient fhir(ConfigurableApplicationContext gateway) {
    return client(gateway).fhirClient();
  }

  /** What a hospital does on the FHIR server: a referral ServiceRequest and its Task. */
  static String newReferral(IGenericClient fhir) {
    Organization home = new Organization();
    home.addIdentifier().setSystem(Canonical.SID_USCC).setValue(FACILITY);
    home.setName("facility");
    String homeId = fhir.create().resource(home).execute().getId().getIdPart();
    Organization hospital = new Organization();
    hospital.addIdentifier().setSystem(Canonical.SID_USCC).setValue("12330300470000000X");
    hospital.setName("hospital");
    String hospitalId = fhir.create().resource(hospital).execute().getId().getIdPart();
    String patientId = fhir.create().resource(new Patient()).execute().getId().getIdPart();
    ServiceRequest request = new ServiceRequest();
    request.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
    request.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
    request.setSubject(new Reference("Patient/" + patientId));
    request.setRequester(new Reference("Organization/" + homeId));
    request.addPerformer(new Reference("Organization/" + hospitalId));
    String requestId = fhir.create().resource(request).execute().getId().getIdPart();
    Task task = new Task();
    task.setStatus(Task.TaskStatus.REQUESTED);
    task.setIntent(Task.TaskIntent.ORDER);
    task.setCode(
        new CodeableConcept(new Coding(ReferralChangePoller.TASK_CODE_SYSTEM, "fulfill", null)));
    task.setFocus(new Reference("ServiceRequest/" + requestId));
    task.setFor(new Reference("Patient/" + patientId));
    task.setRequester(new Reference("Organization/" + homeId));
    task.setOwner(new Reference("Organization/" + hospitalId));
    task.setAuthoredOn(new Date());
    task.setLastModified(new Date());
    return fhir.create().resource(task).execute().getId().getIdPart();
  }

  static void setStatus(IGenericClient fhir, String taskId, Task.TaskStatus status) {
    Task task = fhir.read().resource(Task.class).withId(new IdType("Task", taskId)).execute();
    task.setStatus(status);
    task.setLastModified(new Date());
    fhir.update().resource(task).execute();
  }

  private static GatewayClient client(ConfigurableApplicationContext context) {
    return new GatewayClient(
        ((WebServerApplicationContext) context).getWebServer().getPort(), currentDataDir);
  }
}
