package org.yiyang.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.yiyang.gateway.GatewayApplication;
import org.yiyang.gateway.GatewayClient;

/**
 * State lives under {@code gateway.data-dir}: a resident written before a restart is there after.
 */
class RestartPersistenceIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dataDir;

  @Test
  void aResidentSurvivesARestartOfTheGateway() throws Exception {
    String example;
    try (InputStream in = getClass().getResourceAsStream("/residents/example.json")) {
      example = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    try (ConfigurableApplicationContext first = start()) {
      HttpResponse<String> created = client(first).post("/api/v1/residents", example);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    try (ConfigurableApplicationContext second = start()) {
      HttpResponse<String> read = client(second).get("/api/v1/residents/52330300MJ8712345N/R0001");
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      assertThat(read.body()).contains("\"residentNo\"").contains("R0001");
    }
  }

  private ConfigurableApplicationContext start() {
    return new SpringApplicationBuilder(GatewayApplication.class)
        .run(
            "--server.port=0",
            "--gateway.data-dir=" + dataDir,
            "--gateway.fhir.base-url=",
            "--gateway.security.issuer=" + GatewayClient.ISSUER,
            // Not about the regional package: its installation would only take CPU (ADR 0053).
            "--gateway.fhir-server.install-package=false",
            "--spring.jmx.enabled=false");
  }

  private GatewayClient client(ConfigurableApplicationContext context) {
    return new GatewayClient(
        ((WebServerApplicationContext) context).getWebServer().getPort(), dataDir);
  }
}
