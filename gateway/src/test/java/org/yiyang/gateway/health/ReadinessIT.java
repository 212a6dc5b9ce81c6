package org.yiyang.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.convention.TestBean;
import org.yiyang.gateway.config.ConformanceConfig.ValidatorWarmUp;

/**
 * The readiness probe waits for the validator: while it warms up, a load balancer must not send
 * records (each would pay for the warm-up). The FHIR server is not part of readiness (unreachable
 * is DEGRADED, and records are still journaled), so this context points at a closed port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReadinessIT {

  private static final CompletableFuture<Void> WARM_UP = new CompletableFuture<>();

  @TestBean(name = "validatorWarmUp", methodName = "pendingWarmUp")
  ValidatorWarmUp warmUp;

  static ValidatorWarmUp pendingWarmUp() {
    return new ValidatorWarmUp(WARM_UP);
  }

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("gateway.data-dir", () -> dataDir.toString());
    registry.add("gateway.fhir.base-url", () -> "http://127.0.0.1:9/fhir");
  }

  @LocalServerPort int port;

  @Test
  void readinessIsOutOfServiceUntilTheValidatorIsWarmThenUp() throws Exception {
    HttpResponse<String> warming = get("/actuator/health/readiness");
    assertThat(warming.statusCode()).as(warming.body()).isEqualTo(503);
    JsonNode body = new ObjectMapper().readTree(warming.body());
    assertThat(body.path("status").asText()).isEqualTo("OUT_OF_SERVICE");
    assertThat(body.at("/components/validator/status").asText()).isEqualTo("OUT_OF_SERVICE");
    assertThat(body.at("/components/journal/status").asText()).isEqualTo("UP");
    assertThat(body.at("/components/readinessState/status").asText()).isEqualTo("UP");
    assertThat(body.path("components").has("fhirServer")).isFalse();

    // The whole health says so too, with an HTTP status a monitor understands.
    HttpResponse<String> overall = get("/actuator/health");
    assertThat(overall.statusCode()).as(overall.body()).isEqualTo(503);
    assertThat(new ObjectMapper().readTree(overall.body()).path("status").asText())
        .isEqualTo("OUT_OF_SERVICE");

    // Liveness does not wait: the process is healthy, only not ready yet.
    assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);

    WARM_UP.complete(null);

    HttpResponse<String> ready = get("/actuator/health/readiness");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(new ObjectMapper().readTree(ready.body()).path("status").asText()).isEqualTo("UP");
    // The whole health still tells that the FHIR server cannot be reached.
    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(new ObjectMapper().readTree(health.body()).path("status").asText())
        .isEqualTo("DEGRADED");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
