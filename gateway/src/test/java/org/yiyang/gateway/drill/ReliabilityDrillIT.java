package org.yiyang.gateway.drill;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
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
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
  private final List<AutoCloseable> closers = new ArrayList<>();
  private final List<GatewayClient> instances = new ArrayList<>();
  private GatewayClient fhir;
  private GatewayClient facility;
  private WireMockServer network;
  private ScheduledExecutorService chaos;
  private String fhirBase;

  @AfterEach
  void stopAll() {
    if (chaos != null) {
      chaos.shutdownNow();
    }
    processes.forEach(Process::destroyForcibly);
    if (network != null) {
      network.stop();
    }
    for (AutoCloseable c : closers) {
      try {
        c.close();
      } catch (Exception e) {
        // Best effort: the next test starts its own.
      }
    }
  }

  @Test
  void nothingLostNothingDoubledThroughAFlakyNetworkAndAKill() throws Exception {
    Path jar = PackagedJar.require();
    int records = Integer.getInteger("drill.records", 40);
    int senders = Integer.getInteger("drill.senders", 4);
    int kills = Integer.getInteger("drill.kills", 2);
    int instances = Integer.getInteger("drill.instances", 1);
    int outageSeconds = Integer.getInteger("drill.outage-seconds", 3);
    long started = System.nanoTime();
    Random random = new Random(Long.getLong("drill.seed", 19L));

    int fhirPort = freePort();
    fhirBase = "http://127.0.0.1:" + fhirPort;
    start(jar, "fhir", fhirPort, Map.of("GATEWAY_ISSUER", "http://127.0.0.1:" + fhirPort));
    network = new WireMockServer(wireMockConfig().dynamicPort().disableRequestJournal());
    network.start();
    network.stubFor(
        any(anyUrl())
            .atPriority(10)
            .willReturn(aResponse().proxiedFrom("http://127.0.0.1:" + fhirPort)));
    // Records of the kind "refused" are refused by the FHIR server (dead at once) until the end,
    // when the facility sends them again: a dead record's resend must be delivered.
    network.stubFor(
        any(anyUrl())
            .atPriority(2)
            .withRequestBody(containing("\"" + Kind.REFUSED.prefix))
            .willReturn(
                aResponse()
                    .withStatus(422)
                    .withHeader("Content-Type", "application/fhir+json")
                    .withBody(
                        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":"
                            + "\"error\",\"code\":\"business-rule\",\"diagnostics\":"
                            + "\"drill: refused until the end\"}]}")));
    awaitUp("http://127.0.0.1:" + fhirPort + "/fhir/metadata", Duration.ofMinutes(4));

    fhir = new GatewayClient(fhirPort, work.resolve("fhir"));

    // The gateway reaches the FHIR server as a client of it (SMART Backend Services,
    // private_key_jwt): its keyring is made first, so that its public key can be registered there.
    // Several instances share one data directory (keyring, bootstrap operator) and, on PostgreSQL,
    // one journal (ADR 0061).
    Path gatewayDir = work.resolve("gateway");
    Files.createDirectories(gatewayDir.resolve("secrets"));
    Files.writeString(gatewayDir.resolve("secrets").resolve("keyring.json"), Keyring.generate());
    String clientId = registerAtFhirServer(gatewayDir);
    Map<String, String> shared = new HashMap<>();
    shared.put("FHIR_SERVER_URL", "http://127.0.0.1:" + network.port() + "/fhir");
    shared.put("FHIR_TOKEN_URL", "http://127.0.0.1:" + fhirPort + "/oauth2/token");
    shared.put("FHIR_CLIENT_ID", clientId);
    EmbeddedPostgres pg = null;
    if (instances > 1) {
      pg = EmbeddedPostgres.builder().start();
      closers.add(pg);
      shared.put("GATEWAY_JOURNAL_URL", pg.getJdbcUrl("postgres", "postgres"));
      shared.put("GATEWAY_JOURNAL_USERNAME", "postgres");
      shared.put("GATEWAY_JOURNAL_PASSWORD", "");
    }
    // One issuer for all instances: a token from one is good at the others (one keyring).
    int[] ports = new int[instances];
    for (int i = 0; i < instances; i++) {
      ports[i] = freePort();
    }
    shared.put("GATEWAY_ISSUER", "http://127.0.0.1:" + ports[0]);
    List<String> bases = new ArrayList<>();
    Process[] gateways = new Process[instances];
    for (int i = 0; i < instances; i++) {
      // The first creates the journal's tables; the others start once it is up.
      gateways[i] = start(jar, "gateway-" + i, ports[i], shared);
      bases.add("http://127.0.0.1:" + ports[i]);
      this.instances.add(new GatewayClient(ports[i], gatewayDir));
      awaitUp(bases.get(i) + "/actuator/health/validator", Duration.ofMinutes(4));
    }
    facility = new GatewayClient(ports[0], gatewayDir);

    chaos = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger tick = new AtomicInteger();
    chaos.scheduleWithFixedDelay(() -> flap(tick.getAndIncrement()), 0, 700, TimeUnit.MILLISECONDS);

    // Send; at evenly spaced points, SIGKILL a gateway (a random one) and start it again; once,
    // the network is down for a while.
    List<Resident> residents = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      residents.add(new Resident(i, Kind.of(i)));
    }
    Set<String> answered = ConcurrentHashMap.newKeySet();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger resends = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    List<Future<?>> sending = new ArrayList<>();
    String template = exampleRecord();
    for (Resident resident : residents) {
      sending.add(
          pool.submit(
              () -> {
                resident.send(this, template, bases, resends, answered);
                done.incrementAndGet();
                return null;
              }));
    }
    List<Integer> killedAt = new ArrayList<>();
    boolean outageDone = outageSeconds <= 0;
    for (int k = 1; k <= kills; k++) {
      int at = records * k / (kills + 1);
      await()
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> done.get() >= at);
      int victim = random.nextInt(instances);
      gateways[victim].destroyForcibly().waitFor();
      killedAt.add(done.get());
      gateways[victim] = start(jar, "gateway-" + victim + "-restart-" + k, ports[victim], shared);
      if (!outageDone && done.get() >= records / 3) {
        outage(outageSeconds);
        outageDone = true;
      }
    }
    if (!outageDone) {
      outage(outageSeconds);
    }
    for (Future<?> f : sending) {
      f.get(20, TimeUnit.MINUTES);
    }

    // The network heals and the server takes the refused records: their facility sends them again.
    chaos.shutdownNow();
    network.resetToDefaultMappings();
    network.stubFor(
        any(anyUrl()).willReturn(aResponse().proxiedFrom("http://127.0.0.1:" + fhirPort)));
    for (String base : bases) {
      awaitUp(base + "/actuator/health/liveness", Duration.ofMinutes(4));
    }
    List<Future<?>> resending = new ArrayList<>();
    for (Resident resident : residents) {
      if (resident.kind == Kind.REFUSED) {
        resending.add(
            pool.submit(
                () -> {
                  resident.resend(this, template, bases, resends, answered);
                  return null;
                }));
      }
    }
    for (Future<?> f : resending) {
      f.get(10, TimeUnit.MINUTES);
    }
    pool.shutdown();
    await()
        .atMost(Duration.ofMinutes(10))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> count("mapped") + count("failed") == 0);

    // Count what reached the FHIR server.
    Map<String, List<ServerPatient>> onServer = patientsByResidentNo();
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
    long messages = count(null);
    long delivered = count("delivered");
    long dead = count("dead");
    int sent = residents.stream().mapToInt(r -> r.kind.versions()).sum();
    int lost = 0;
    int correctionsLost = 0;
    int outOfOrder = 0;
    for (Resident resident : residents) {
      List<ServerPatient> found = onServer.getOrDefault(resident.residentNo(), List.of());
      if (found.isEmpty()) {
        lost++;
        continue;
      }
      if (resident.kind == Kind.CORRECTED) {
        ServerPatient patient = found.get(0);
        if (!resident.phone(0).equals(patient.phone())) {
          correctionsLost++;
        }
        // The versions the server kept, repeats collapsed: A, B, A as sent, in that order.
        if (!phonesInHistory(patient.id())
            .equals(List.of(resident.phone(0), resident.phone(1), resident.phone(0)))) {
          outOfOrder++;
        }
      }
    }
    // One Patient per person (ADR 0052): by resident number and by citizen ID; one message per
    // version sent (a dead record's resend is the same message, put back in line).
    int duplicates =
        onServer.values().stream().mapToInt(c -> c.size() - 1).sum()
            + perCitizenId.values().stream().mapToInt(c -> c - 1).sum()
            + Math.max(0, organizations - 1)
            + (int) Math.max(0, messages - sent);
    Set<Integer> statuses = new HashSet<>();
    residents.forEach(r -> statuses.addAll(r.answers));
    System.out.printf(
        "drill: records=%d senders=%d instances=%d kills=%s outage=%ds resends=%d answers=%s"
            + " messages=%d organizations=%d seconds=%d%n",
        records,
        senders,
        instances,
        killedAt,
        outageSeconds,
        resends.get(),
        statuses,
        messages,
        organizations,
        (System.nanoTime() - started) / 1_000_000_000);
    System.out.printf(
        "sent=%d delivered=%d duplicates=%d lost=%d dead=%d out_of_order=%d corrections_lost=%d%n",
        sent, delivered, duplicates, lost, dead, outOfOrder, correctionsLost);
    // Every request that got an answer, before or after a kill, has exactly one audit record.
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
    assertThat(delivered).isEqualTo(sent);
    assertThat(lost).isZero();
    assertThat(duplicates).isZero();
    assertThat(dead).isZero();
    assertThat(outOfOrder).isZero();
    assertThat(correctionsLost).isZero();
    assertThat(unaudited).as("answered requests without an audit record").isEmpty();
    assertThat(twice).as("requests audited twice").isEmpty();
    JsonNode verified =
        JSON.readTree(facility.as("auditor").get("/api/v1/admin/audit/verify").body());
    assertThat(verified.path("verified").asBoolean()).as(verified.toString()).isTrue();
  }

  /** What a drill resident is: sent once, corrected (A, B, A), or refused until the end. */
  enum Kind {
    PLAIN("D-", 1),
    CORRECTED("C-", 3),
    REFUSED("X-", 1);

    final String prefix;
    final int versions;

    Kind(String prefix, int versions) {
      this.prefix = prefix;
      this.versions = versions;
    }

    int versions() {
      return versions;
    }

    /** Every 5th resident is corrected, every 13th refused until the end, the rest plain. */
    static Kind of(int n) {
      return n % 5 == 2 ? CORRECTED : n % 13 == 7 ? REFUSED : PLAIN;
    }
  }

  /** One resident of the drill and the answers its facility got. */
  static final class Resident {
    final int n;
    final Kind kind;
    final List<Integer> answers = new CopyOnWriteArrayList<>();

    Resident(int n, Kind kind) {
      this.n = n;
      this.kind = kind;
    }

    String residentNo() {
      return kind.prefix + String.format("%05d", n);
    }

    /** Version v's phone: A (0) and B (1) differ. */
    String phone(int v) {
      return String.format("13%d%08d", 8 + (v % 2), n);
    }

    /** Sends its versions in order, each until the gateway takes it. */
    void send(
        ReliabilityDrillIT drill,
        String template,
        List<String> bases,
        AtomicInteger resends,
        Set<String> answered)
        throws Exception {
      int[] phones = kind == Kind.CORRECTED ? new int[] {0, 1, 0} : new int[] {0};
      for (int v = 0; v < phones.length; v++) {
        String body = record(template, n, residentNo(), phone(phones[v]));
        answers.add(
            drill.send(
                bases,
                body,
                "drill-" + residentNo() + "-v" + v,
                "drill-" + residentNo() + "-v" + v,
                n,
                kind == Kind.REFUSED,
                resends,
                answered));
      }
    }

    /** The facility sends a refused record again, unchanged, once the server takes it. */
    void resend(
        ReliabilityDrillIT drill,
        String template,
        List<String> bases,
        AtomicInteger resends,
        Set<String> answered)
        throws Exception {
      String body = record(template, n, residentNo(), phone(0));
      answers.add(
          drill.send(
              bases,
              body,
              "drill-" + residentNo() + "-v0",
              "drill-" + residentNo() + "-v0-resent",
              n,
              false,
              resends,
              answered));
    }
  }

  /** The network is down (connections reset) for a while. */
  private void outage(int seconds) throws InterruptedException {
    StubMapping down =
        network.stubFor(
            any(anyUrl())
                .atPriority(0)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    Thread.sleep(seconds * 1000L);
    network.removeStubMapping(down);
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

  /**
   * The network in front of the FHIR server: every few ticks, for a while, 503s, answers too late,
   * or resets.
   */
  private void flap(int tick) {
    network.getStubMappings().stream()
        .filter(m -> m.getPriority() != null && m.getPriority() == 1)
        .map(StubMapping::getId)
        .toList()
        .forEach(network::removeStubMapping);
    switch (tick % 6) {
      case 1 ->
          network.stubFor(any(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(503)));
      case 3 ->
          // Taken by the server, answered after the gateway stopped waiting (read timeout 10 s):
          // the gateway cannot know it was applied and must send it again without doubling it.
          network.stubFor(
              any(anyUrl())
                  .atPriority(1)
                  .willReturn(aResponse().proxiedFrom(fhirBase).withFixedDelay(11_000)));
      case 4 ->
          network.stubFor(
              any(anyUrl())
                  .atPriority(1)
                  .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
      default -> {}
    }
  }

  /**
   * Sends one record until a gateway takes it (201/200/202; a refused record also takes the
   * server's refusal): no answer, a reset or a 503 means send again, to the next instance, as a
   * facility behind a load balancer would; the Idempotency-Key makes a resend the same message.
   */
  private int send(
      List<String> bases,
      String body,
      String key,
      String correlationPrefix,
      int n,
      boolean refusalExpected,
      AtomicInteger resends,
      Set<String> answered)
      throws Exception {
    for (int attempt = 0; ; attempt++) {
      int instance = (n + attempt) % bases.size();
      String base = bases.get(instance);
      // One correlation id per request: each one that gets an answer must have its audit record.
      String correlation = correlationPrefix + "-" + attempt;
      if (attempt > 0) {
        resends.incrementAndGet();
        Thread.sleep(attempt % bases.size() == 0 ? 250 : 0);
      }
      String token;
      try {
        token = instances.get(instance).token();
      } catch (RuntimeException down) {
        continue; // That gateway cannot issue a token now (killed, restarting).
      }
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/residents"))
                    .header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", key)
                    .header("X-Correlation-Id", correlation)
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        answered.add(correlation);
        int s = r.statusCode();
        if (s == 200 || s == 201 || s == 202 || (refusalExpected && s == 422)) {
          return s;
        }
        if (s != 503) {
          throw new IllegalStateException("Record refused with HTTP " + s + ": " + r.body());
        }
      } catch (IOException connectionLost) {
        // That gateway died or is restarting: send again, to the next one.
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

  private long count(String state) throws Exception {
    String q = state == null ? "" : "&state=" + state;
    HttpResponse<String> r = facility.get("/api/v1/messages?size=1" + q);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).path("total").asLong();
  }

  /** A Patient on the server: its id and its mobile phone now. */
  record ServerPatient(String id, String phone) {}

  /** Every Patient on the server by resident number (more than one: a duplicate). */
  private Map<String, List<ServerPatient>> patientsByResidentNo() throws Exception {
    Map<String, List<ServerPatient>> found = new HashMap<>();
    String next = "/fhir/Patient?_count=500&_elements=identifier,telecom";
    while (next != null) {
      JsonNode page = JSON.readTree(fhir.asHospital(GatewayClient.HOSPITAL).get(next).body());
      for (JsonNode entry : page.path("entry")) {
        JsonNode patient = entry.path("resource");
        for (JsonNode id : patient.path("identifier")) {
          if (id.path("system").asText().startsWith(Canonical.RESIDENT_NO_SYSTEM_PREFIX)) {
            found
                .computeIfAbsent(id.path("value").asText(), k -> new ArrayList<>())
                .add(new ServerPatient(patient.path("id").asText(), phone(patient)));
          }
        }
      }
      next = nextPage(page);
    }
    return found;
  }

  /** The phones of a Patient's versions, oldest first, repeats in a row collapsed. */
  private List<String> phonesInHistory(String id) throws Exception {
    List<JsonNode> versions = new ArrayList<>();
    String next = "/fhir/Patient/" + id + "/_history?_count=100";
    while (next != null) {
      JsonNode page = JSON.readTree(fhir.asHospital(GatewayClient.HOSPITAL).get(next).body());
      page.path("entry").forEach(e -> versions.add(e.path("resource")));
      next = nextPage(page);
    }
    versions.sort(java.util.Comparator.comparingLong(v -> v.at("/meta/versionId").asLong()));
    List<String> phones = new ArrayList<>();
    for (JsonNode v : versions) {
      String phone = phone(v);
      if (phones.isEmpty() || !phones.get(phones.size() - 1).equals(phone)) {
        phones.add(phone);
      }
    }
    return phones;
  }

  private static String phone(JsonNode patient) {
    for (JsonNode t : patient.path("telecom")) {
      if ("phone".equals(t.path("system").asText())) {
        return t.path("value").asText();
      }
    }
    return "";
  }

  private static String nextPage(JsonNode bundle) {
    for (JsonNode link : bundle.path("link")) {
      if ("next".equals(link.path("relation").asText())) {
        String url = link.path("url").asText();
        return url.substring(url.indexOf("/fhir"));
      }
    }
    return null;
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

  /** Record n: its resident number, phone and a valid citizen ID number matching sex and birth. */
  private static String record(String template, int n, String residentNo, String phone)
      throws IOException {
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
    r.put("residentNo", residentNo);
    r.put("idCardNo", idCard);
    r.put("genderCode", "2");
    r.put("birthDate", birth.toString());
    r.put("phone", phone);
    return r.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
