package org.yiyang.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.yiyang.gateway.GatewayClient.JSON;
import static org.yiyang.gateway.GatewayClient.assertOutcome;
import static org.yiyang.gateway.GatewayClient.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;
import org.yiyang.gateway.Hospital;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.flow.referral.ReferralReader;
import org.yiyang.gateway.flow.referral.ReferralStore;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.Fhir;
import org.yiyang.profiles.RegionalValidator;

/**
 * Referrals (issue 6) over real HTTP against the embedded HAPI JPA server: the facility's calls on
 * {@code /api/v1/referrals}, the hospital's directly on {@code /fhir} (Task updates, a
 * down-referral), and the state machine, party and concurrency rules in between.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferralApiIT {

  private static final String FACILITY = "52330300MJ8712345N";
  private static final String OTHER_FACILITY = "52331000MJ9876543W";
  private static final String HOSPITAL = "12330302470500618A";

  private static final Path dataDir = GatewayClient.tempDir("referral-api-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
  }

  @LocalServerPort int port;
  @Autowired ReferralStore store;
  @Autowired ReferralReader reader;

  private GatewayClient gateway;
  private Hospital hospital;

  @BeforeAll
  void registerTheResident() throws Exception {
    gateway = new GatewayClient(port, dataDir);
    hospital = new Hospital(gateway, HOSPITAL, FACILITY);
    HttpResponse<String> resident =
        gateway.send("POST", "/api/v1/residents", sample("resident-to-patient").toString(), null);
    assertThat(resident.statusCode()).as(resident.body()).isIn(200, 201);
  }

  @Test
  void anUpReferralLandsValidResendsAs200AndFollowsTheHospitalsChanges() throws Exception {
    ObjectNode referral = sample("referral-to-servicerequest");
    referral.put("referralNo", "RF-IT-0001");
    HttpResponse<String> first = post("/api/v1/referrals", referral, FACILITY);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    String location = first.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("/api/v1/referrals/ref-");
    String id = location.substring("/api/v1/referrals/".length());

    // What landed on the FHIR server validates against the regional profiles.
    for (String search :
        List.of(
            "ServiceRequest?_id=" + id,
            "Task?focus=ServiceRequest/" + id,
            "Appointment?based-on=ServiceRequest/" + id,
            "DocumentReference?related=ServiceRequest/" + id)) {
      JsonNode found = gateway.fhir("GET", search, null);
      assertThat(found.path("entry").size()).as(search).isGreaterThanOrEqualTo(1);
      for (JsonNode entry : found.path("entry")) {
        Resource resource =
            (Resource) Fhir.r4().newJsonParser().parseResource(entry.path("resource").toString());
        assertThat(RegionalValidator.shared().errors(resource)).as(search).isEmpty();
      }
    }
    assertThat(
            gateway
                .fhir("GET", "Appointment?based-on=ServiceRequest/" + id, null)
                .at("/entry/0/resource/status")
                .asText())
        .isEqualTo("proposed");

    HttpResponse<String> again = post("/api/v1/referrals", referral, FACILITY);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);

    JsonNode read = getJson(location, FACILITY);
    assertThat(read.path("status").asText()).isEqualTo("requested");
    assertThat(read.path("referralId").asText()).isEqualTo(id);
    assertThat(read.path("direction").asText()).isEqualTo("up");
    assertThat(read.path("greenChannel").path("status").asText()).isEqualTo("proposed");
    assertThat(read.path("attachments").size()).isEqualTo(2);
    assertThat(read.path("supportingRecords").size()).isEqualTo(3);
    // Read by the facility's own number: the same referral.
    assertThat(getJson("/api/v1/referrals/" + FACILITY + "/RF-IT-0001", FACILITY)).isEqualTo(read);

    // The hospital works on FHIR: received, accepted, books the green channel.
    hospital.movesTask(id, "received", null);
    hospital.movesTask(id, "accepted", null);
    ObjectNode appointment =
        (ObjectNode)
            gateway
                .fhir("GET", "Appointment?based-on=ServiceRequest/" + id, null)
                .at("/entry/0/resource");
    appointment.put("status", "booked");
    appointment.put("start", "2025-06-03T11:30:00+08:00");
    appointment.put("end", "2025-06-03T12:00:00+08:00");
    gateway.fhir("PUT", "Appointment/" + appointment.path("id").asText(), appointment);

    read = getJson(location, FACILITY);
    assertThat(read.path("status").asText()).isEqualTo("accepted");
    assertThat(statuses(read)).containsExactly("requested", "received", "accepted");
    assertThat(read.at("/history/0/by").asText()).isEqualTo(FACILITY);
    assertThat(read.at("/history/2/by").asText()).isEqualTo(HOSPITAL);
    assertThat(read.path("greenChannel").path("status").asText()).isEqualTo("booked");

    // A resend after acceptance changes nothing of the state.
    referral.put("note", "家属已到场");
    HttpResponse<String> amended = post("/api/v1/referrals", referral, FACILITY);
    assertThat(amended.statusCode()).as(amended.body()).isEqualTo(200);
    read = getJson(location, FACILITY);
    assertThat(read.path("status").asText()).isEqualTo("accepted");
    assertThat(read.path("note").asText()).isEqualTo("家属已到场");
    assertThat(read.path("greenChannel").path("status").asText()).isEqualTo("booked");

    // The facility cannot accept its own up-referral; to another facility it does not exist.
    HttpResponse<String> ownAccept = gateway.send("POST", location + "/accept", null, FACILITY);
    assertThat(ownAccept.statusCode()).as(ownAccept.body()).isEqualTo(403);
    assertOutcome(ownAccept, "GW-1024", "action");
    HttpResponse<String> other = gateway.send("GET", location, null, OTHER_FACILITY);
    HttpResponse<String> missing =
        gateway.send("GET", "/api/v1/referrals/ref-doesnotexist", null, OTHER_FACILITY);
    assertThat(other.statusCode()).as(other.body()).isEqualTo(404);
    assertOutcome(other, "GW-1011", "referralId");
    assertThat(other.body()).isEqualTo(missing.body());
    HttpResponse<String> otherCancel =
        gateway.send("POST", location + "/cancel", null, OTHER_FACILITY);
    assertThat(otherCancel.statusCode()).as(otherCancel.body()).isEqualTo(404);

    // The hospital completes with its Encounter; then the facility cannot cancel any more.
    String encounter = hospital.completesWithEncounter(id);
    read = getJson(location, FACILITY);
    assertThat(read.path("status").asText()).isEqualTo("completed");
    assertThat(read.path("completion").path("encounter").asText())
        .isEqualTo("Encounter/" + encounter);
    HttpResponse<String> late = gateway.send("POST", location + "/cancel", null, FACILITY);
    assertThat(late.statusCode()).as(late.body()).isEqualTo(409);
    assertOutcome(late, "GW-1020", "status");
    assertThat(late.body()).contains("from completed to cancelled is not allowed");
    // The request follows its Task once the change is seen (issue 26): no longer active.
    await().atMost(Duration.ofSeconds(60)).until(() -> "completed".equals(requestStatus(id)));
    // A resend of the completed referral does not make its request active again.
    assertThat(post("/api/v1/referrals", referral, FACILITY).statusCode()).isEqualTo(200);
    assertThat(requestStatus(id)).isEqualTo("completed");
  }

  /** The ServiceRequest's status on the FHIR server, as a platform reads it. */
  private String requestStatus(String id) throws Exception {
    return gateway.fhir("GET", "ServiceRequest/" + id, null).path("status").asText();
  }

  @Test
  void theFacilityCancelsItsOwnUpReferralWithAReason() throws Exception {
    ObjectNode referral = minimalReferral("RF-IT-0002");
    HttpResponse<String> first = post("/api/v1/referrals", referral, FACILITY);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    String location = first.headers().firstValue("Location").orElseThrow();
    HttpResponse<String> cancelled =
        gateway.send("POST", location + "/cancel", "{\"reason\": \"家属决定暂不转诊\"}", FACILITY);
    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
    JsonNode read = JSON.readTree(cancelled.body());
    assertThat(read.path("status").asText()).isEqualTo("cancelled");
    assertThat(read.path("statusReason").asText()).isEqualTo("家属决定暂不转诊");
    assertThat(statuses(read)).containsExactly("requested", "cancelled");
    String id = location.substring("/api/v1/referrals/".length());
    assertThat(requestStatus(id)).isEqualTo("revoked");
    HttpResponse<String> twice = gateway.send("POST", location + "/cancel", null, FACILITY);
    assertThat(twice.statusCode()).as(twice.body()).isEqualTo(409);
    assertOutcome(twice, "GW-1020", "status");
  }

  @Test
  void aDownReferralFromTheHospitalIsAcceptedAndCompletedByTheFacility() throws Exception {
    String id = hospital.createsDownReferral("DR-IT-1", true);
    String location = "/api/v1/referrals/" + id;

    JsonNode read = getJson(location, FACILITY);
    assertThat(read.path("direction").asText()).isEqualTo("down");
    assertThat(read.path("status").asText()).isEqualTo("requested");
    assertThat(read.path("residentNo").asText()).isEqualTo("R0001");
    assertThat(read.path("hospitalCode").asText()).isEqualTo(HOSPITAL);
    assertThat(read.path("completion").path("dischargeSummary").asText())
        .startsWith("DocumentReference/");
    assertThat(read.path("completion").path("carePlan").asText()).startsWith("CarePlan/");
    assertThat(read.path("completion").path("encounter").asText()).startsWith("Encounter/");

    HttpResponse<String> noReason = gateway.send("POST", location + "/reject", "{}", FACILITY);
    assertThat(noReason.statusCode()).as(noReason.body()).isEqualTo(400);
    assertOutcome(noReason, "GW-1002", "reason");
    HttpResponse<String> badBody =
        gateway.send("POST", location + "/accept", "{\"why\": 1}", FACILITY);
    assertThat(badBody.statusCode()).as(badBody.body()).isEqualTo(400);
    assertOutcome(badBody, "GW-1007", "why");
    HttpResponse<String> stranger =
        gateway.send("POST", location + "/accept", null, OTHER_FACILITY);
    assertThat(stranger.statusCode()).as(stranger.body()).isEqualTo(404);
    HttpResponse<String> noToken =
        gateway.anonymous().send("POST", location + "/accept", null, null);
    assertThat(noToken.statusCode()).as(noToken.body()).isEqualTo(401);
    assertOutcome(noToken, "GW-1030", "Authorization");

    HttpResponse<String> accepted = gateway.send("POST", location + "/accept", null, FACILITY);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    read = JSON.readTree(accepted.body());
    assertThat(read.path("status").asText()).isEqualTo("accepted");
    assertThat(statuses(read)).containsExactly("requested", "received", "accepted");
    assertThat(read.at("/history/0/by").asText()).isEqualTo(HOSPITAL);
    assertThat(read.at("/history/2/by").asText()).isEqualTo(FACILITY);

    HttpResponse<String> acceptAgain = gateway.send("POST", location + "/accept", null, FACILITY);
    assertThat(acceptAgain.statusCode()).as(acceptAgain.body()).isEqualTo(409);
    assertOutcome(acceptAgain, "GW-1020", "status");

    HttpResponse<String> completed = gateway.send("POST", location + "/complete", null, FACILITY);
    assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
    read = JSON.readTree(completed.body());
    assertThat(read.path("status").asText()).isEqualTo("completed");
    assertThat(statuses(read))
        .containsExactly("requested", "received", "accepted", "in-progress", "completed");
    assertThat(getJson(location, FACILITY)).isEqualTo(read);
    // The facility's action moved the request along with the Task, at once (issue 26).
    assertThat(requestStatus(id)).isEqualTo("completed");

    HttpResponse<String> rejectLate =
        gateway.send("POST", location + "/reject", "{\"reason\": \"x\"}", FACILITY);
    assertThat(rejectLate.statusCode()).as(rejectLate.body()).isEqualTo(409);
  }

  @Test
  void aRejectedDownReferralKeepsItsReason() throws Exception {
    String id = hospital.createsDownReferral("DR-IT-2", true);
    HttpResponse<String> rejected =
        gateway.send(
            "POST", "/api/v1/referrals/" + id + "/reject", "{\"reason\": \"本院无空余护理床位\"}", FACILITY);
    assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
    JsonNode read = JSON.readTree(rejected.body());
    assertThat(read.path("status").asText()).isEqualTo("rejected");
    assertThat(read.at("/history/2/reason").asText()).isEqualTo("本院无空余护理床位");
  }

  @Test
  void twoWritersOnTheSameVersionCannotBothWin() throws Exception {
    String id = hospital.createsDownReferral("DR-IT-3", true);
    var read = store.read(id).orElseThrow();
    Task first = ReferralStore.currentTask(read).orElseThrow();
    Task second = first.copy();
    String version = first.getMeta().getVersionId();
    first.setStatus(Task.TaskStatus.RECEIVED);
    second.setStatus(Task.TaskStatus.CANCELLED);
    store.update(first, version);
    assertThatThrownBy(() -> store.update(second, version))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_CHANGE));
    assertThat(reader.read(id).orElseThrow().path("status").asText()).isEqualTo("received");
    assertThat(ReferralReader.referralIdOf(first)).contains(id);
    assertThat(reader.facilityCode(id)).contains(FACILITY);
  }

  @Test
  void unknownIdsAndBadBodiesAreNamed() throws Exception {
    HttpResponse<String> unknown =
        gateway.send("GET", "/api/v1/referrals/ref-nosuch", null, FACILITY);
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
    assertOutcome(unknown, "GW-1011", "referralId");
    HttpResponse<String> unknownAct =
        gateway.send("POST", "/api/v1/referrals/ref-nosuch/accept", null, FACILITY);
    assertThat(unknownAct.statusCode()).isEqualTo(404);
    HttpResponse<String> notAnAction =
        gateway.send("POST", "/api/v1/referrals/ref-nosuch/approve", null, FACILITY);
    assertThat(notAnAction.statusCode()).isEqualTo(404);
    // A ServiceRequest that is not a referral is not one through this API.
    assertThat(gateway.send("GET", "/api/v1/referrals/3.5", null, FACILITY).statusCode())
        .isEqualTo(404);

    ObjectNode green = minimalReferral("RF-IT-0003");
    green.putObject("greenChannel").put("department", "急诊科");
    HttpResponse<String> routineGreen = post("/api/v1/referrals", green, FACILITY);
    assertThat(routineGreen.statusCode()).as(routineGreen.body()).isEqualTo(400);
    assertOutcome(routineGreen, "GW-1006", "priority");

    ObjectNode unregistered = minimalReferral("RF-IT-0004");
    unregistered.put("residentNo", "NOT-REGISTERED");
    HttpResponse<String> orphan = post("/api/v1/referrals", unregistered, FACILITY);
    assertThat(orphan.statusCode()).as(orphan.body()).isEqualTo(404);
    assertOutcome(orphan, "GW-1011", "residentNo");

    HttpResponse<String> forOther = post("/api/v1/referrals", minimalReferral("RF-IT-5"), HOSPITAL);
    assertThat(forOther.statusCode()).as(forOther.body()).isEqualTo(403);
    assertOutcome(forOther, "GW-1021", "facilityCode");
    ObjectNode down = minimalReferral("RF-IT-6");
    down.put("direction", "down");
    HttpResponse<String> downPost = post("/api/v1/referrals", down, FACILITY);
    assertThat(downPost.statusCode()).as(downPost.body()).isEqualTo(400);
    assertOutcome(downPost, "GW-1003", "direction");
  }

  private ObjectNode minimalReferral(String number) {
    ObjectNode referral = JSON.createObjectNode();
    referral.put("facilityCode", FACILITY);
    referral.put("referralNo", number);
    referral.put("residentNo", "R0001");
    referral.put("hospitalCode", HOSPITAL);
    referral.put("requestedAt", "2025-06-03T10:15:00+08:00");
    referral.put("priority", "routine");
    referral.putObject("reason").put("text", "复查");
    return referral;
  }

  private static List<String> statuses(JsonNode referral) {
    List<String> out = new ArrayList<>();
    referral.path("history").forEach(h -> out.add(h.path("status").asText()));
    return out;
  }

  private JsonNode getJson(String path, String facility) throws Exception {
    HttpResponse<String> response = gateway.send("GET", path, null, facility);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> post(String path, JsonNode body, String facility) throws Exception {
    return gateway.send("POST", path, body.toString(), facility);
  }
}
