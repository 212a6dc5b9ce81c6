package org.yiyang.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yiyang.gateway.GatewayClient.JSON;
import static org.yiyang.gateway.GatewayClient.assertOutcome;
import static org.yiyang.gateway.GatewayClient.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;

/**
 * Remote consultations (issue 20) over real HTTP against the embedded HAPI JPA server: the refusals
 * of a request (consent, attachment type, integrity and size, each naming the field), the body
 * limit of records with attachments, resends, cancelling, the material action out of state, and the
 * facility's list by state and time. Small attachment limits, so the limits are reached cheaply.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsultationApiIT {

  private static final String FACILITY = "52330300MJ8712345N";
  private static final Path dataDir = GatewayClient.tempDir("consultation-api-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
    registry.add("gateway.attachments.max-size", () -> "2KB");
    registry.add("gateway.attachments.max-total", () -> "3KB");
    registry.add("gateway.attachments.max-request-size", () -> "16KB");
    registry.add("gateway.api.max-body-size", () -> "8KB");
  }

  @LocalServerPort int port;

  private GatewayClient gateway;

  @BeforeAll
  void registerTheResident() throws Exception {
    gateway = new GatewayClient(port, dataDir);
    HttpResponse<String> resident =
        gateway.post("/api/v1/residents", sample("resident-to-patient").toString());
    assertThat(resident.statusCode()).as(resident.body()).isIn(200, 201);
  }

  private static ObjectNode consultation(String number) throws Exception {
    ObjectNode c = sample("consultation-to-servicerequest");
    c.put("consultationNo", number);
    return c;
  }

  private static ObjectNode pdf(int size) throws Exception {
    byte[] bytes = new byte[size];
    System.arraycopy("%PDF-1.4".getBytes(), 0, bytes, 0, 8);
    ObjectNode a = JSON.createObjectNode();
    a.put("type", "check-up-report");
    a.put("contentType", "application/pdf");
    a.put("size", size);
    a.put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    a.put("data", Base64.getEncoder().encodeToString(bytes));
    return a;
  }

  @Test
  void withoutConsentIs422NamingConsentAndNothingIsJournaled() throws Exception {
    long before = journaled();
    ObjectNode c = consultation("CS-IT-NOCONSENT");
    c.remove("consent");
    HttpResponse<String> answer = gateway.post("/api/v1/consultations", c.toString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(422);
    assertOutcome(answer, "GW-2003", "consent");
    c.putObject("consent");
    answer = gateway.post("/api/v1/consultations", c.toString());
    assertThat(answer.statusCode()).isEqualTo(422);
    assertOutcome(answer, "GW-2003", "consent");
    assertThat(journaled()).isEqualTo(before);
  }

  @Test
  void attachmentsAreCheckedAgainstTheirBytesAndTheConfiguredLimits() throws Exception {
    ObjectNode c = consultation("CS-IT-ATTACH");
    ((ObjectNode) c.path("attachments").get(0)).put("sha256", "0".repeat(64));
    HttpResponse<String> answer = gateway.post("/api/v1/consultations", c.toString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(422);
    assertOutcome(answer, "GW-2004", "attachments[0].sha256");
    assertThat(answer.body()).doesNotContain("79370862");

    c = consultation("CS-IT-ATTACH");
    ((ObjectNode) c.path("attachments").get(1)).put("contentType", "image/gif");
    answer = gateway.post("/api/v1/consultations", c.toString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(415);
    assertOutcome(answer, "GW-1016", "attachments[1].contentType");

    c = consultation("CS-IT-ATTACH");
    ((ObjectNode) c.path("attachments").get(1)).put("contentType", "application/pdf");
    answer = gateway.post("/api/v1/consultations", c.toString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(415);
    assertOutcome(answer, "GW-1016", "attachments[1].data");

    c = consultation("CS-IT-ATTACH");
    c.putArray("attachments").add(pdf(2049));
    answer = gateway.post("/api/v1/consultations", c.toString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
    assertOutcome(answer, "GW-1009", "attachments[0].data");

    c = consultation("CS-IT-ATTACH");
    c.putArray("attachments").add(pdf(2000)).add(pdf(2000));
    answer = gateway.post("/api/v1/consultations", c.toString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
    assertOutcome(answer, "GW-1009", "attachments");
  }

  @Test
  void aConsultationMayBeLargerThanOtherRecordsUpToItsOwnLimit() throws Exception {
    // 9 KB: over gateway.api.max-body-size (8KB) but within the attachments' request size (16KB).
    ObjectNode c = consultation("CS-IT-LARGE");
    c.putArray("attachments").add(pdf(2000)).add(pdf(1000));
    c.put("reason", "x".repeat(2000));
    c.put("question", "y".repeat(2000));
    assertThat(c.toString().length()).isBetween(8 * 1024, 16 * 1024);
    HttpResponse<String> answer = gateway.post("/api/v1/consultations", c.toString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    // The same size to a record without attachments: refused.
    ObjectNode assessment = sample("assessment-to-observations");
    assessment.put("note", "z".repeat(9000));
    HttpResponse<String> other = gateway.post("/api/v1/assessments", assessment.toString());
    assertThat(other.statusCode()).isEqualTo(413);
    // Over the consultation's own limit: 413 before the body is read (Content-Length).
    HttpResponse<String> huge =
        gateway.send(
            gateway
                .request("/api/v1/consultations")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"x\":\"" + "a".repeat(17_000) + "\"}"))
                .build());
    assertThat(huge.statusCode()).isEqualTo(413);
    assertOutcome(huge, "GW-1009", null);
  }

  @Test
  void aResendAnswers200TheFacilityCancelsAndTheMaterialWaitsForOnHold() throws Exception {
    ObjectNode c = consultation("CS-IT-CANCEL");
    HttpResponse<String> first = gateway.post("/api/v1/consultations", c.toString());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    String location = first.headers().firstValue("Location").orElseThrow();
    HttpResponse<String> again = gateway.post("/api/v1/consultations", c.toString());
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(again.headers().firstValue("Location")).contains(location);

    ObjectNode material = sample("consultation-material-to-documentreferences");
    material.put("materialNo", "MT-IT-EARLY");
    HttpResponse<String> early = gateway.post(location + "/material", material.toString());
    assertThat(early.statusCode()).as(early.body()).isEqualTo(409);
    assertOutcome(early, "GW-1020", "status");
    // Nothing of it was written: the material is taken in only once the state allows it.
    assertThat(
            gateway.get("/api/v1/consultation-materials/" + FACILITY + "/MT-IT-EARLY").statusCode())
        .isEqualTo(404);

    HttpResponse<String> unknown = gateway.post(location + "/accept", null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    HttpResponse<String> cancelled =
        gateway.post(location + "/cancel", "{\"reason\":\"家属决定转院就诊\"}");
    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
    JsonNode read = JSON.readTree(cancelled.body());
    assertThat(read.path("status").asText()).isEqualTo("cancelled");
    assertThat(read.path("statusReason").asText()).isEqualTo("家属决定转院就诊");
    String id = read.path("consultationId").asText();
    assertThat(gateway.fhir("GET", "ServiceRequest/" + id, null).path("status").asText())
        .isEqualTo("revoked");
    HttpResponse<String> twice = gateway.post(location + "/cancel", null);
    assertThat(twice.statusCode()).isEqualTo(409);
  }

  @Test
  void theListHoldsTheFacilitysConsultationsByStateAndTime() throws Exception {
    String before = OffsetDateTime.now().minusSeconds(1).toString();
    HttpResponse<String> a =
        gateway.post("/api/v1/consultations", consultation("CS-IT-L1").toString());
    HttpResponse<String> b =
        gateway.post("/api/v1/consultations", consultation("CS-IT-L2").toString());
    assertThat(a.statusCode()).isEqualTo(201);
    assertThat(b.statusCode()).isEqualTo(201);
    String second = JSON.readTree(b.body()).path("consultationId").asText();
    assertThat(gateway.post("/api/v1/consultations/" + second + "/cancel", null).statusCode())
        .isEqualTo(200);

    JsonNode all = list("?since=" + GatewayClient.enc(before));
    assertThat(all.path("total").asInt()).isEqualTo(2);
    // The most recently changed first.
    assertThat(all.at("/consultations/0/consultationId").asText()).isEqualTo(second);
    assertThat(all.at("/consultations/0/consultationNo").asText()).isEqualTo("CS-IT-L2");
    assertThat(all.at("/consultations/0/residentNo").asText()).isEqualTo("R0001");
    assertThat(all.at("/consultations/0/status").asText()).isEqualTo("cancelled");
    assertThat(all.at("/consultations/0/link").asText())
        .isEqualTo("/api/v1/consultations/" + second);
    assertThat(all.at("/consultations/1/consultationNo").asText()).isEqualTo("CS-IT-L1");

    JsonNode cancelled = list("?state=cancelled&since=" + GatewayClient.enc(before));
    assertThat(cancelled.path("consultations")).hasSize(1);
    JsonNode paged = list("?since=" + GatewayClient.enc(before) + "&size=1&page=1");
    assertThat(paged.path("total").asInt()).isEqualTo(2);
    assertThat(paged.path("consultations")).hasSize(1);
    assertThat(paged.at("/consultations/0/consultationNo").asText()).isEqualTo("CS-IT-L1");
    assertThat(
            list("?since=" + GatewayClient.enc(OffsetDateTime.now().plusDays(1).toString()))
                .path("consultations"))
        .isEmpty();

    for (String[] bad :
        new String[][] {
          {"?state=lost", "state"},
          {"?since=yesterday", "since"},
          {"?size=0", "size"},
          {"?page=-1", "page"},
          {"?size=abc", "size"}
        }) {
      HttpResponse<String> answer = gateway.get("/api/v1/consultations" + bad[0]);
      assertThat(answer.statusCode()).as(bad[0]).isEqualTo(400);
      assertOutcome(answer, "GW-1003", bad[1]);
    }
  }

  private JsonNode list(String query) throws Exception {
    HttpResponse<String> answer = gateway.get("/api/v1/consultations" + query);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private long journaled() throws Exception {
    HttpResponse<String> messages = gateway.as("operator").get("/api/v1/messages?size=1");
    return JSON.readTree(messages.body()).path("total").asLong();
  }
}
