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
import java.util.function.Supplier;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The integration tests' caller of a running gateway over real HTTP: the facility's JSON API and
 * the embedded FHIR server on {@code /fhir}, plus the JSON helpers the tests share (samples,
 * encoding, OperationOutcome checks).
 */
public final class GatewayClient {

  public static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final int port;

  public GatewayClient(int port) {
    this.port = port;
  }

  /**
   * The settings the API integration tests give their gateway: its own data directory, the embedded
   * FHIR server, and up to 30 s for a synchronous answer (not the 202 path).
   */
  public static void embeddedServer(DynamicPropertyRegistry registry, Supplier<Path> dataDir) {
    registry.add("gateway.data-dir", () -> dataDir.get().toString());
    registry.add("gateway.fhir.base-url", () -> "");
    registry.add("gateway.delivery.sync-deadline", () -> "30s");
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

  /**
   * A call on the gateway; a body is sent as {@code application/json}, a facility code (if any) in
   * {@code X-Facility-Code}.
   */
  public HttpResponse<String> send(String method, String path, String body, String facility)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (facility != null) {
      request.header("X-Facility-Code", facility);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A POST of a JSON body, without a facility header. */
  public HttpResponse<String> post(String path, String body) throws Exception {
    return send("POST", path, body, null);
  }

  /** A plain GET, without headers. */
  public HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  /** A request built by the test itself (for headers the other calls do not send). */
  public HttpResponse<String> send(HttpRequest request) throws Exception {
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** A call on the FHIR server, as a hospital makes it; fails the test on any error. */
  public JsonNode fhir(String method, String path, JsonNode body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri("/fhir/" + path))
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
   * A HAPI generic client on the embedded FHIR server, as a regional platform or a hospital uses
   * it. Every test creates its generic clients here, so that what every call needs (a token, once
   * the server asks for one) is added in one place.
   */
  public IGenericClient fhirClient() {
    FhirContext context = FhirContext.forR4Cached();
    context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    return context.newRestfulGenericClient(uri("/fhir").toString());
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
