package org.yiyang.gateway.api;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;

/**
 * Bad query parameters (issue 19): each is answered 400 with an OperationOutcome naming the
 * parameter and the rule, never 500, on the journal's endpoints (as a facility and as an operator)
 * and the audit log's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class QueryParametersIT {

  @RegisterExtension
  static WireMockExtension fhirServer =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("gateway.data-dir", () -> dataDir.toString());
    registry.add("gateway.security.issuer", () -> GatewayClient.ISSUER);
    registry.add("gateway.fhir.base-url", () -> fhirServer.baseUrl() + "/fhir");
  }

  @LocalServerPort int port;

  @Test
  void badQueryParametersAre400NamingTheParameter() throws Exception {
    Map<String, String> messages =
        Map.of(
            "/api/v1/messages?page=abc", "page",
            "/api/v1/messages?size=abc", "size",
            "/api/v1/messages?page=99999999999", "page",
            "/api/v1/messages?size=-1", "size",
            "/api/v1/messages?page=-1", "page",
            "/api/v1/messages?state=lost", "state",
            "/api/v1/messages?since=yesterday", "since",
            "/api/v1/messages?until=2026-13-01", "until");
    for (GatewayClient caller : new GatewayClient[] {client(), client().as("operator")}) {
      for (Map.Entry<String, String> bad : messages.entrySet()) {
        HttpResponse<String> response = caller.get(bad.getKey());
        assertThat(response.statusCode()).as(bad.getKey() + " " + response.body()).isEqualTo(400);
        GatewayClient.assertOutcome(response, "GW-1003", bad.getValue());
      }
    }
    Map<String, String> replays =
        Map.of(
            "/api/v1/messages/replay?state=delivered", "state",
            "/api/v1/messages/replay?since=yesterday", "since");
    for (Map.Entry<String, String> bad : replays.entrySet()) {
      HttpResponse<String> response = client().as("operator").post(bad.getKey(), "");
      assertThat(response.statusCode()).as(bad.getKey() + " " + response.body()).isEqualTo(400);
      GatewayClient.assertOutcome(response, "GW-1003", bad.getValue());
    }
    HttpResponse<String> audit = client().as("auditor").get("/api/v1/admin/audit?page=abc");
    assertThat(audit.statusCode()).as(audit.body()).isEqualTo(400);
    GatewayClient.assertOutcome(audit, "GW-1003", "page");
  }

  private GatewayClient client() {
    return new GatewayClient(port, dataDir);
  }
}
