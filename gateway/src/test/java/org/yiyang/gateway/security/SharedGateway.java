package org.yiyang.gateway.security;

import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;

/**
 * One gateway (embedded FHIR server) shared by the security ITs that need nothing special: the same
 * properties method, so Spring starts the context once for all of them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class SharedGateway {

  static final Path dataDir = GatewayClient.tempDir("security-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
    // AccessMatrixIT's webhook host: a made-up name, registered without resolving it (ADR 0054).
    registry.add("gateway.notify.allowed-hosts", () -> "facility.example");
  }

  @LocalServerPort int port;
}
