package org.yiyang.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;

/**
 * A request just over a client's rate waits for its token (up to {@code max-delay}) instead of
 * being refused at once, so a client that sends faster than its rate is paced, not made to spin on
 * 429s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RatePacingIT {

  static Path dataDir = GatewayClient.tempDir("rate-pacing-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
    // One request at once, five a second: the next token is at most 200 ms away.
    registry.add("gateway.security.rate-limit.burst", () -> "1");
    registry.add("gateway.security.rate-limit.requests-per-second", () -> "5");
    registry.add("gateway.security.rate-limit.max-delay", () -> "5s");
  }

  @LocalServerPort int port;

  @Test
  void requestsOverTheRateWaitForTheirTurnInsteadOfBeingRefused() throws Exception {
    GatewayClient facility = new GatewayClient(port, dataDir).asFacility("52331000MJ98765453");
    facility.token();
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> answer = facility.get("/api/v1/messages?size=1");
      assertThat(answer.statusCode()).as("request %d: %s", i, answer.body()).isEqualTo(200);
    }
  }
}
