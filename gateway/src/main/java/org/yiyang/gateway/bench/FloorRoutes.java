package org.yiyang.gateway.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.ErrorRoutes;

/** The floor route: forwards the body unchanged to {@code gateway.bench.floor-target}. */
@Component
@ConditionalOnProperty(prefix = "gateway.bench", name = "enabled", havingValue = "true")
public class FloorRoutes extends RouteBuilder {

  public static final String FLOOR = "direct:bench.floor";

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final URI target;

  public FloorRoutes(
      @Value("${gateway.bench.floor-target:http://127.0.0.1:8089/floor}") String target) {
    this.target = URI.create(target);
  }

  @Override
  public void configure() {
    from(FLOOR)
        .routeId("bench.floor")
        .routeConfigurationId(ErrorRoutes.ID)
        .process(
            exchange -> {
              byte[] body = exchange.getMessage().getBody(byte[].class);
              HttpResponse<Void> response =
                  http.send(
                      HttpRequest.newBuilder(target)
                          .timeout(Duration.ofSeconds(30))
                          .header("Content-Type", "application/json")
                          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                          .build(),
                      HttpResponse.BodyHandlers.discarding());
              exchange
                  .getMessage()
                  .setBody(
                      ApiResponse.of(
                          response.statusCode() < 300 ? 200 : 502,
                          JsonNodeFactory.instance.objectNode().put("outcome", "forwarded"),
                          response.statusCode() < 300 ? "forwarded" : "upstream-error"));
            });
  }
}
