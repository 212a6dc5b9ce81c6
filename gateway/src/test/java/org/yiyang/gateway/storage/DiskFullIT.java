package org.yiyang.gateway.storage;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;

/**
 * A full disk loses nothing. The data directory is limited to 300 MB ({@code
 * gateway.storage.data-dir-limit}) and a file grows inside it, as logs or a backup would: below the
 * warning threshold health says so and records are still taken; below the minimum new records get
 * 503 + Retry-After (GW-9025) and readiness goes OUT_OF_SERVICE, while the records accepted before
 * are all delivered once the FHIR server (WireMock, down until then) is back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DiskFullIT {

  private static final long MB = 1024 * 1024;

  @RegisterExtension
  static WireMockExtension fhirServer =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("gateway.data-dir", () -> dataDir.toString());
    registry.add("gateway.fhir.base-url", () -> fhirServer.baseUrl() + "/fhir");
    registry.add("gateway.delivery.sync-deadline", () -> "1s");
    registry.add("gateway.delivery.poll-interval", () -> "50ms");
    registry.add("gateway.delivery.initial-backoff", () -> "100ms");
    registry.add("gateway.delivery.max-backoff", () -> "300ms");
    registry.add("gateway.delivery.max-attempts", () -> "1000");
    registry.add("gateway.storage.data-dir-limit", () -> "300MB");
    registry.add("gateway.storage.free-space-warning", () -> "200MB");
    registry.add("gateway.storage.free-space-minimum", () -> "100MB");
    registry.add("gateway.storage.full-retry-after", () -> "9s");
    registry.add("gateway.security.issuer", () -> GatewayClient.ISSUER);
    registry.add("gateway.security.rate-limit.enabled", () -> "false");
  }

  @LocalServerPort int port;

  @Test
  void aFullDiskRefusesNewRecordsAndStillDeliversEveryAcceptedOne() throws Exception {
    GatewayClient client = new GatewayClient(port, dataDir);
    fhirServer.stubFor(
        get(urlPathEqualTo("/fhir/Patient"))
            .willReturn(
                fhirJson(200, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}")));
    fhirServer.stubFor(post(urlPathEqualTo("/fhir")).willReturn(aResponse().withStatus(503)));

    // The FHIR server is down: records are accepted into the journal (202) and wait there.
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      accepted.add(acceptedId(client.post("/api/v1/residents", resident("R-DISK-" + i))));
    }
    assertThat(dataDirStatus(client)).isEqualTo("UP");

    // Something else fills the data directory, leaving less than the warning threshold.
    Path filler = dataDir.resolve("filler.bin");
    grow(filler, 150 * MB);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(dataDirStatus(client)).isEqualTo("DEGRADED"));
    accepted.add(acceptedId(client.post("/api/v1/residents", resident("R-DISK-3"))));

    // Less than the minimum: new records are refused, readiness is out of service.
    grow(filler, 250 * MB);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(dataDirStatus(client)).isEqualTo("OUT_OF_SERVICE"));
    HttpResponse<String> refused = client.post("/api/v1/residents", resident("R-DISK-4"));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("9");
    GatewayClient.assertOutcome(refused, "GW-9025", null);
    assertThat(refused.body()).doesNotContain("王秀英").doesNotContain("330302194305120024");
    assertThat(client.get("/actuator/health/readiness").statusCode()).isEqualTo(503);

    // The FHIR server is back: every record accepted before is delivered, the disk still full.
    fhirServer.stubFor(post(urlPathEqualTo("/fhir")).willReturn(transactionOk()));
    for (String id : accepted) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(state(client, id)).isEqualTo("delivered"));
    }
    assertThat(
            fhirServer.findAll(postRequestedFor(urlPathEqualTo("/fhir"))).stream()
                .filter(r -> r.getBodyAsString().contains("R-DISK-4"))
                .count())
        .isZero();
    assertThat(client.post("/api/v1/residents", resident("R-DISK-5")).statusCode()).isEqualTo(503);

    // Space freed: records are taken again.
    Files.delete(filler);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(dataDirStatus(client)).isEqualTo("UP"));
    HttpResponse<String> again = client.post("/api/v1/residents", resident("R-DISK-4"));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
  }

  /** A file of {@code bytes} (sparse: it counts against the limit without filling the disk). */
  private static void grow(Path file, long bytes) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(bytes);
    }
  }

  private static String resident(String residentNo) throws Exception {
    try (InputStream in = DiskFullIT.class.getResourceAsStream("/residents/example.json")) {
      ObjectNode example = (ObjectNode) GatewayClient.JSON.readTree(in);
      example.put("residentNo", residentNo);
      return example.toString();
    }
  }

  private static String acceptedId(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return response.headers().firstValue("X-Message-Id").orElseThrow();
  }

  private static String state(GatewayClient client, String id) throws Exception {
    HttpResponse<String> status = client.get("/api/v1/messages/" + id);
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    return GatewayClient.JSON.readTree(status.body()).path("state").asText();
  }

  private static String dataDirStatus(GatewayClient client) throws Exception {
    JsonNode health = GatewayClient.JSON.readTree(client.get("/actuator/health").body());
    return health.path("components").path("dataDir").path("status").asText();
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
}
