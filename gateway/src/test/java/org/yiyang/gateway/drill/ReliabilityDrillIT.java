package org.yiyang.gateway.drill;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yiyang.gateway.GatewayClient;
import org.yiyang.gateway.PackagedJar;
import org.yiyang.gateway.security.Keyring;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.rules.CitizenId;

/**
 * The reliability drill (docs/reliability.md), run as separate processes from the packaged jar: a
 * downstream gateway serving only its embedded FHIR server, a flaky network in front of it
 * (WireMock proxy that turns 503 / connection resets on and off), and the gateway under test,
 * killed with SIGKILL mid-stream and restarted. Senders resend what got no answer, as a facility
 * would. In the end every record is on the FHIR server exactly once. {@code -Ddrill.records=N} sets
 * the size (default 40 in the build; bin/reliability-drill runs 2,000).
 */
class ReliabilityDrillIT {

  private static final String FACILITY = "52330300MJ8712345N";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path work;

  /** Process logs stay in target/drill for a look after the run (no personal data in them). */
  private static final Path LOGS = Path.of("target", "drill");

  private final List<Process> processes = new ArrayList<>();
  private GatewayClient fhir;
  private GatewayClient facility;
  private WireMockServer network;
  private ScheduledExecutorService chaos;

  @AfterEach
  void stopAll() {
    if (chaos != null) {
      chaos.shutdownNow();
    }
    processes.forEach(Process::destroyForcibly);
    if (network != null) {
      network.stop();
    }
  }

  @Test
  void nothingLostNothingDoubledThroughAFlakyNetworkAndAKill() throws Exception {
    Path jar = PackagedJar.require();
    int records = Integer.getInteger("drill.records", 40);
    int senders = Integer.getInteger("drill.senders", 4);
    long started = System.nanoTime();

    int fhirPort = freePort();
    start(jar, "fhir", fhirPort, Map.of("GATEWAY_ISSUER", "http://127.0.0.1:" + fhirPort));
    network = new WireMockServer(wireMockConfig().dynamicPort().disableRequestJournal());
    network.start();
    network.stubFor(
        any(anyUrl())
            .atPriority(10)
            .willReturn(aResponse().proxiedFrom("http://127.0.0.1:" + fhirPort)));
    awaitUp("http://127.0.0.1:" + fhirPort + "/fhir/metadata", Duration.ofMinutes(4));

    fhir = new GatewayClient(fhirPort, work.resolve("fhir"));

    // The gateway reaches the FHIR server as a client of it (SMART Backend Services,
    // private_key_jwt): its keyring is made first, so that its public key can be registered there.
    int port = freePort();
    Path gatewayDir = work.resolve("gateway");
    Files.createDirectories(gatewayDir.resolve("secrets"));
    Files.writeString(gatewayDir.resolve("secrets").resolve("keyring.json"), Keyring.generate());
    String clientId = registerAtFhirServer(gatewayDir);
    Map<String, String> gatewayEnv =
        Map.of(
            "FHIR_SERVER_URL", "http://127.0.0.1:" + network.port() + "/fhir",
            "FHIR_TOKEN_URL", "http://127.0.0.1:" + fhirPort + "/oauth2/token",
            "FHIR_CLIENT_ID", clientId,
            "GATEWAY_ISSUER", "http://127.0.0.1:" + port);
    Process gateway = start(jar, "gateway", port, gatewayEnv);
    String base = "http://127.0.0.1:" + port;
    awaitUp(base + "/actuator/health/validator", Duration.ofMinutes(4));
    facility = new GatewayClient(port, gatewayDir);

    chaos = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger tick = new AtomicInteger();
    chaos.scheduleWithFixedDelay(() -> flap(tick.getAndIncrement()), 0, 700, TimeUnit.MILLISECONDS);

    // Send; after 40% of the records, SIGKILL the gateway and start it again.
    Map<String, Integer> accepted = new ConcurrentHashMap<>();
    Set<String> answered = ConcurrentHashMap.newKeySet();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger resends = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    List<Future<?>> sending = new ArrayList<>();
    String template = exampleRecord();
    for (int i = 0; i < records; i++) {
      int n = i;
      sending.add(
          pool.submit(
              () -> {
                String residentNo = String.format("D-%05d", n);
                accepted.put(
                    residentNo, send(base, record(template, n), residentNo, resends, answered));
                done.incrementAndGet();
                return null;
              }));
    }
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> done.get() >= records * 2 / 5);
    gateway.destroyForcibly().waitFor();
    int killedAt = done.get();
    start(jar, "gateway-restarted", port, gatewayEnv);
    for (Future<?> f : sending) {
      f.get(10, TimeUnit.MINUTES);
    }
    pool.shutdown();

    // The network heals; wait until the journal has nothing left to deliver.
    chaos.shutdownNow();
    network.resetToDefaultMappings();
    network.stubFor(
        any(anyUrl()).willReturn(aResponse().proxiedFrom("http://127.0.0.1:" + fhirPort)));
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> count(base, "mapped") + count(base, "failed") == 0);

    // Count what reached the FHIR server.
    Map<String, Integer> onServer = patientsByResidentNo();
    Map<String, Integer> perCitizenId = patientsByCitizenId();
    int organizations =
        JSON.readTree(
                fhir.asHospital(GatewayClient.HOSPITAL)
                    .get(
                        "/fhir/Organization?_summary=count&identifier="
                            + URLEncoder.encode(
                                Canonical.SID_USCC + "|" + FACILITY, StandardCharsets.UTF_8))
                    .body())
            .path("total")
            .asInt();
    long messages = count(base, null);
    long delivered = count(base, "delivered");
    long dead = count(base, "dead");
    int sent = accepted.size();
    int lost = 0;
    for (String residentNo : accepted.keySet()) {
      if (!onServer.containsKey(residentNo)) {
        lost++;
      }
    }
    // One Patient per person (ADR 0052): by resident number and by citizen ID.
    int duplicates =
        onServer.values().stream().mapToInt(c -> c - 1).sum()
            + perCitizenId.values().stream().mapToInt(c -> c - 1).sum()
            + Math.max(0, organizations - 1)
            + (int) Math.max(0, messages - sent);
    Set<Integer> statuses = new HashSet<>(accepted.values());
    System.out.printf(
        "drill: records=%d senders=%d killedAfter=%d resends=%d answers=%s messages=%d"
            + " organizations=%d seconds=%d%n",
        records,
        senders,
        killedAt,
        resends.get(),
        statuses,
        messages,
        organizations,
        (System.nanoTime() - started) / 1_000_000_000);
    System.out.printf(
        "sent=%d delivered=%d duplicates=%d lost=%d dead=%d%n",
        sent, delivered, duplicates, lost, dead);
    // Every request that got an answer, before or after the kill, has exactly one audit record.
    Map<String, Integer> audited = auditedRequests();
    List<String> unaudited = new ArrayList<>();
    List<String> twice = new ArrayList<>();
    for (String correlation : answered) {
      int n = audited.getOrDefault(correlation, 0);
      if (n == 0) {
        unaudited.add(correlation);
      } else if (n > 1) {
        twice.add(correlation);
      }
    }
    System.out.printf(
        "audit: answered=%d audited=%d unaudited=%d twice=%d%n",
        answered.size(), answered.size() - unaudited.size(), unaudited.size(), twice.size());
    assertThat(sent).isEqualTo(records);
    assertThat(lost).isZero();
    assertThat(duplicates).isZero();
    assertThat(dead).isZero();
    assertThat(unaudited).as("answered requests without an audit record").isEmpty();
    assertThat(twice).as("requests audited twice").isEmpty();
    JsonNode verified =
        JSON.readTree(facility.as("auditor").get("/api/v1/admin/audit/verify").body());
    assertThat(verified.path("verified").asBoolean()).as(verified.toString()).isTrue();
  }

  /** Request records by correlation id, read by an auditor from the gateway's audit trail. */
  private Map<String, Integer> auditedRequests() throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    GatewayClient auditor = facility.as("auditor");
    for (int page = 0; ; page++) {
      HttpResponse<String> r = auditor.get("/api/v1/admin/audit?size=500&page=" + page);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode events = JSON.readTree(r.body()).path("events");
      for (JsonNode e : events) {
        if (e.path("kind").asText().equals("request")
            && e.at("/action/route").asText().equals("/api/v1/residents")) {
          counts.merge(e.path("correlationId").asText(), 1, Integer::sum);
        }
      }
      if (events.size() < 500) {
        return counts;
      }
    }
  }

  /** The network in front of the FHIR server: every few ticks, 503s or resets for a while. */
  private void flap(int tick) {
    network.getStubMappings().stream()
        .filter(m -> m.getPriority() != null && m.getPriority() == 1)
        .map(StubMapping::getId)
        .toList()
        .forEach(network::removeStubMapping);
    switch (tick % 6) {
      case 1 ->
          network.stubFor(any(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(503)));
      case 4 ->
          network.stubFor(
              any(anyUrl())
                  .atPriority(1)
                  .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
      default -> {}
    }
  }

  /**
   * Sends one record until the gateway takes it (201/200/202): no answer, a reset or a 503 means
   * send again, as the facility would; the Idempotency-Key makes a resend the same message.
   */
  private int send(
      String base, String body, String residentNo, AtomicInteger resends, Set<String> answered)
      throws Exception {
    String key = "drill-" + residentNo;
    for (int attempt = 0; ; attempt++) {
      // One correlation id per request: each one that gets an answer must have its audit record.
      String correlation = key + "-" + attempt;
      if (attempt > 0) {
        resends.incrementAndGet();
        await()
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofMillis(250))
            .ignoreExceptions()
            .until(() -> get(base + "/actuator/health/liveness").statusCode() == 200);
      }
      try {
        HttpResponse<String> r =
            HTTP.send(
                facility
                    .request("/api/v1/residents")
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", key)
                    .header("X-Correlation-Id", correlation)
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        answered.add(correlation);
        int s = r.statusCode();
        if (s == 200 || s == 201 || s == 202) {
          return s;
        }
        if (s != 503) {
          throw new IllegalStateException("Record refused with HTTP " + s + ": " + r.body());
        }
      } catch (IOException connectionLost) {
        // The gateway died or is restarting: send again once it is back.
      }
    }
  }

  private Process start(Path jar, String name, int port, Map<String, String> env)
      throws IOException {
    Path dir = work.resolve(name.startsWith("gateway") ? "gateway" : name);
    Files.createDirectories(dir);
    ProcessBuilder pb =
        new ProcessBuilder(
            PackagedJar.command(
                jar,
                "--gateway.delivery.initial-backoff=200ms",
                "--gateway.delivery.max-backoff=2s",
                "--gateway.delivery.max-attempts=200",
                "--gateway.delivery.poll-interval=200ms",
                "--gateway.fhir.read-timeout=10s"));
    Map<String, String> environment = new HashMap<>(env);
    environment.put("PORT", String.valueOf(port));
    environment.put("GATEWAY_RATE_LIMIT_RPS", "100000");
    environment.put("GATEWAY_RATE_LIMIT_BURST", "100000");
    environment.put("GATEWAY_DATA_DIR", dir.toString());
    pb.environment().putAll(environment);
    pb.redirectErrorStream(true);
    Files.createDirectories(LOGS);
    pb.redirectOutput(ProcessBuilder.Redirect.to(LOGS.resolve(name + ".log").toFile()));
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private static void awaitUp(String url, Duration patience) {
    await()
        .atMost(patience)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> get(url).statusCode() == 200);
  }

  /**
   * Registers the gateway at the FHIR server (a gateway too, here) as a hospital client that
   * authenticates with its keyring's signing key; answers the client id.
   */
  private String registerAtFhirServer(Path gatewayDir) throws Exception {
    JWKSet keys =
        Keyring.loadOrCreate(gatewayDir.resolve("secrets").resolve("keyring.json"))
            .signingKeys()
            .toPublicJWKSet();
    ObjectNode body = JSON.createObjectNode();
    body.put("clientName", "drill gateway");
    body.put("role", "hospital");
    body.put("facilityCode", GatewayClient.HOSPITAL);
    body.put("auth", "private_key_jwt");
    body.set("jwks", JSON.readTree(keys.toString(true)));
    HttpResponse<String> created =
        HTTP.send(
            fhir.as("operator")
                .request("/api/v1/admin/clients")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return JSON.readTree(created.body()).path("clientId").asText();
  }

  private long count(String base, String state) throws Exception {
    String q = state == null ? "" : "&state=" + state;
    HttpResponse<String> r = facility.get("/api/v1/messages?size=1" + q);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).path("total").asLong();
  }

  /** Every Patient on the server, counted by resident number. */
  private Map<String, Integer> patientsByResidentNo() throws Exception {
    return patientsBy(system -> system.startsWith(Canonical.RESIDENT_NO_SYSTEM_PREFIX));
  }

  /** Every Patient on the server, counted by citizen ID (national OID or the former URI). */
  private Map<String, Integer> patientsByCitizenId() throws Exception {
    return patientsBy(
        system ->
            system.equals(Canonical.SID_CITIZEN_ID)
                || system.equals(Canonical.SID_CITIZEN_ID_ALIAS));
  }

  private Map<String, Integer> patientsBy(java.util.function.Predicate<String> systems)
      throws Exception {
    Map<String, Integer> found = new HashMap<>();
    String next = "/fhir/Patient?_count=500&_elements=identifier";
    while (next != null) {
      JsonNode page = JSON.readTree(fhir.asHospital(GatewayClient.HOSPITAL).get(next).body());
      for (JsonNode entry : page.path("entry")) {
        for (JsonNode id : entry.path("resource").path("identifier")) {
          if (systems.test(id.path("system").asText())) {
            found.merge(id.path("value").asText(), 1, Integer::sum);
          }
        }
      }
      next = null;
      for (JsonNode link : page.path("link")) {
        if ("next".equals(link.path("relation").asText())) {
          String url = link.path("url").asText();
          next = url.substring(url.indexOf("/fhir"));
        }
      }
    }
    return found;
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String exampleRecord() throws IOException {
    try (InputStream in = ReliabilityDrillIT.class.getResourceAsStream("/residents/example.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Record n: its own resident number and a valid citizen ID number matching sex and birth. */
  private static String record(String template, int n) throws IOException {
    ObjectNode r = (ObjectNode) JSON.readTree(template);
    LocalDate birth = LocalDate.of(1930, 1, 1).plusDays(n / 400);
    String prefix =
        "330302" + birth.toString().replace("-", "") + String.format("%03d", (n % 400) * 2);
    String idCard = null;
    for (char c : "0123456789X".toCharArray()) {
      if (CitizenId.isValid(prefix + c)) {
        idCard = prefix + c;
      }
    }
    r.put("residentNo", String.format("D-%05d", n));
    r.put("idCardNo", idCard);
    r.put("genderCode", "2");
    r.put("birthDate", birth.toString());
    return r.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
