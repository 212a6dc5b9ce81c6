package org.yiyang.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The integration tests' caller of a running gateway over real HTTP, as a registered client: the
 * facility's JSON API and the embedded FHIR server on {@code /fhir}, plus the JSON helpers the
 * tests share (samples, encoding, OperationOutcome checks). Each identity (a facility, a hospital,
 * an operator...) is a client the bootstrap operator registers once, with its own access token.
 */
public final class GatewayClient {

  public static final ObjectMapper JSON = new ObjectMapper();

  /** The facility of the samples, the identity a client acts as unless told otherwise. */
  public static final String FACILITY = "52330300MJ8712345N";

  /** The hospital of the referral samples. */
  public static final String HOSPITAL = "12330302470500618A";

  /** The issuer the test gateways run with (tokens name it; assertions name its token URL). */
  public static final String ISSUER = "http://gateway.test";

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Credentials and tokens per gateway (port) and identity: registered once, renewed in time. */
  private static final Map<String, Identity> IDENTITIES = new ConcurrentHashMap<>();

  private final int port;
  private final Path dataDir;
  private final String role;
  private final String organization;

  public GatewayClient(int port, Path dataDir) {
    this(port, dataDir, "facility", FACILITY);
  }

  private GatewayClient(int port, Path dataDir, String role, String organization) {
    this.port = port;
    this.dataDir = dataDir;
    this.role = role;
    this.organization = organization;
  }

  /** The same gateway, called as the facility with this USCC. */
  public GatewayClient asFacility(String uscc) {
    return new GatewayClient(port, dataDir, "facility", uscc);
  }

  /** The same gateway, called as the hospital with this USCC. */
  public GatewayClient asHospital(String uscc) {
    return new GatewayClient(port, dataDir, "hospital", uscc);
  }

  /** The same gateway, called as a client of this role (operator, auditor, supervisor). */
  public GatewayClient as(String role) {
    return new GatewayClient(port, dataDir, role, null);
  }

  /** The same gateway, called without any token. */
  public GatewayClient anonymous() {
    return new GatewayClient(port, dataDir, null, null);
  }

  /**
   * The settings the API integration tests give their gateway: its own data directory, the embedded
   * FHIR server, up to 30 s for a synchronous answer (not the 202 path), a fixed issuer, and a rate
   * limit no test reaches.
   */
  public static void embeddedServer(DynamicPropertyRegistry registry, Supplier<Path> dataDir) {
    registry.add("gateway.data-dir", () -> dataDir.get().toString());
    registry.add("gateway.fhir.base-url", () -> "");
    registry.add("gateway.delivery.sync-deadline", () -> "30s");
    registry.add("gateway.security.issuer", () -> ISSUER);
    registry.add("gateway.security.rate-limit.requests-per-second", () -> "100000");
    registry.add("gateway.security.rate-limit.burst", () -> "100000");
    // Installing the regional package into the embedded server costs tens of CPU seconds; the
    // tests of the platform side (platform/) switch it back on.
    registry.add("gateway.fhir-server.install-package", () -> "false");
  }

  /** A new temporary directory, for a data directory shared by all the tests of a class. */
  public static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** A request to this path carrying this identity's access token (none when anonymous). */
  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
    if (role != null) {
      request.header("Authorization", "Bearer " + token());
    }
    return request;
  }

  /**
   * A call on the gateway; a body is sent as {@code application/json}; {@code facility} (if any) is
   * the facility it is sent as, else this client's identity.
   */
  public HttpResponse<String> send(String method, String path, String body, String facility)
      throws Exception {
    GatewayClient caller = facility == null ? this : asFacility(facility);
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
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A POST of a JSON body, as this client. */
  public HttpResponse<String> post(String path, String body) throws Exception {
    return send("POST", path, body, null);
  }

  /** A GET, as this client. */
  public HttpResponse<String> get(String path) throws Exception {
    return send(request(path).GET().build());
  }

  /** A request built by the test itself (see {@link #request} for one with the token). */
  public HttpResponse<String> send(HttpRequest request) throws Exception {
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** A call on the FHIR server, as the sample hospital makes it; fails the test on any error. */
  public JsonNode fhir(String method, String path, JsonNode body) throws Exception {
    GatewayClient hospital = "hospital".equals(role) ? this : asHospital(HOSPITAL);
    HttpRequest.Builder request =
        hospital
            .request("/fhir/" + path)
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

  /**
   * A HAPI generic client on the embedded {@code /fhir}, as the sample hospital (or as this
   * client's identity, when it is a hospital), carrying its token on every request.
   */
  public IGenericClient fhirClient() {
    GatewayClient hospital = "hospital".equals(role) ? this : asHospital(HOSPITAL);
    FhirContext context = FhirContext.forR4Cached();
    // No capability statement fetched first, and time for a busy test machine.
    context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    context.getRestfulClientFactory().setSocketTimeout(120_000);
    IGenericClient client = context.newRestfulGenericClient(uri("/fhir").toString());
    client.registerInterceptor(
        new ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor() {
          @Override
          public void interceptRequest(ca.uhn.fhir.rest.client.api.IHttpRequest request) {
            request.addHeader("Authorization", "Bearer " + hospital.token());
          }
        });
    return client;
  }

  /** This identity's current access token, registering its client first if need be. */
  public String token() {
    String key = port + "|" + dataDir + "|" + role + "|" + organization;
    // Not computeIfAbsent: registering a client needs the operator's identity from the same map.
    Identity identity = IDENTITIES.get(key);
    if (identity == null) {
      Identity registered = register();
      identity = IDENTITIES.putIfAbsent(key, registered);
      identity = identity == null ? registered : identity;
    }
    return identity.token(this);
  }

  /** The bootstrap operator's credentials, as the gateway wrote them at its first start. */
  public Credentials bootstrapOperator() {
    try {
      JsonNode file =
          JSON.readTree(dataDir.resolve("secrets").resolve("bootstrap-operator.json").toFile());
      return new Credentials(file.path("clientId").asText(), file.path("clientSecret").asText());
    } catch (IOException e) {
      throw new UncheckedIOException("No bootstrap operator file in " + dataDir, e);
    }
  }

  /** A client id and secret. */
  public record Credentials(String clientId, String clientSecret) {}

  /** Asks the token endpoint for a client-credentials token with a client secret. */
  public HttpResponse<String> tokenRequest(Credentials credentials) throws Exception {
    return tokenRequest(credentials, null);
  }

  /** The same, sent with this {@code X-Correlation-Id} (none if null). */
  public HttpResponse<String> tokenRequest(Credentials credentials, String correlationId)
      throws Exception {
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (enc(credentials.clientId()) + ":" + enc(credentials.clientSecret()))
                    .getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri("/oauth2/token"))
            .header("Authorization", "Basic " + basic)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"));
    if (correlationId != null) {
      request.header("X-Correlation-Id", correlationId);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Registers a secret client of this role (and organization) through the bootstrap operator. */
  public Credentials registerClient(String clientRole, String uscc) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("clientName", "IT " + clientRole + (uscc == null ? "" : " " + uscc));
    body.put("role", clientRole);
    if (uscc != null) {
      body.put("facilityCode", uscc);
    }
    body.put("auth", "client_secret_basic");
    HttpResponse<String> created =
        HTTP.send(
            as("operator")
                .request("/api/v1/admin/clients")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode json = JSON.readTree(created.body());
    return new Credentials(json.path("clientId").asText(), json.path("clientSecret").asText());
  }

  private Identity register() {
    try {
      Credentials credentials =
          "operator".equals(role) && organization == null
              ? bootstrapOperator()
              : registerClient(role, organization);
      return new Identity(credentials);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot register a " + role + " client", e);
    }
  }

  /** A registered client and its latest token, renewed a minute before it expires. */
  private static final class Identity {
    private final Credentials credentials;
    private String token;
    private Instant renewAt = Instant.EPOCH;

    Identity(Credentials credentials) {
      this.credentials = credentials;
    }

    synchronized String token(GatewayClient gateway) {
      if (token == null || !Instant.now().isBefore(renewAt)) {
        try {
          HttpResponse<String> answer = gateway.tokenRequest(credentials);
          assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
          JsonNode json = JSON.readTree(answer.body());
          token = json.path("access_token").asText();
          renewAt = Instant.now().plusSeconds(json.path("expires_in").asLong() - 60);
        } catch (Exception e) {
          throw new IllegalStateException("Cannot get a token", e);
        }
      }
      return token;
    }
  }

  /** The facility JSON sample of a to-FHIR mapping (a fresh copy on each call). */
  public static ObjectNode sample(String mapping) throws IOException {
    try (InputStream in =
        GatewayClient.class.getResourceAsStream("/mappings/to-fhir/" + mapping + "/sample.json")) {
      assertThat(in).as("sample of " + mapping).isNotNull();
      return (ObjectNode) JSON.readTree(in);
    }
  }

  public static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /**
   * The response is an OperationOutcome with an issue of this code (on this field, if not null).
   */
  public static void assertOutcome(HttpResponse<String> response, String code, String field)
      throws IOException {
    JsonNode outcome = JSON.readTree(response.body());
    assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
    boolean found = false;
    for (JsonNode issue : outcome.path("issue")) {
      found |=
          code.equals(issue.path("details").path("coding").get(0).path("code").asText())
              && (field == null || field.equals(issue.path("expression").path(0).asText()));
    }
    assertThat(found).as("%s on %s in %s", code, field, response.body()).isTrue();
  }
}
