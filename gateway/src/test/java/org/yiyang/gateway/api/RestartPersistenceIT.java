package org.yiyang.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.yiyang.gateway.GatewayApplication;

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
      HttpResponse<String> created =
          HTTP.send(
              HttpRequest.newBuilder(uri(first, "/api/v1/residents"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(example))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    try (ConfigurableApplicationContext second = start()) {
      HttpResponse<String> read =
          HTTP.send(
              HttpRequest.newBuilder(uri(second, "/api/v1/residents/52330300MJ8712345N/R0001"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
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
            // Not about the regional package: its installation would only take CPU (ADR 0053).
            "--gateway.fhir-server.install-package=false",
            "--spring.jmx.enabled=false");
  }

  private static URI uri(ConfigurableApplicationContext context, String path) {
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
