package org.yiyang.gateway.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.yiyang.gateway.GatewayApplication;
import org.yiyang.gateway.GatewayClient;

/**
 * Two gateways on one PostgreSQL journal and one FHIR server (WireMock) share the work: records
 * posted to either, alternately, for a few residents, each reach the FHIR server once and in the
 * order they were posted per resident, whichever instance delivers them; the referral poller's lock
 * is in the shared journal.
 */
class SeveralInstancesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> RESIDENTS = List.of("RM-A", "RM-B", "RM-C");
  private static final int PER_RESIDENT = 6;
  private static final Pattern PHONE = Pattern.compile("139\\d{8}");

  @TempDir Path dataDir;

  @Test
  void twoInstancesDeliverEveryRecordOnceInPerResidentOrder() throws Exception {
    WireMockServer fhir = new WireMockServer(wireMockConfig().dynamicPort());
    fhir.start();
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      fhir.stubFor(
          any(anyUrl())
              .atPriority(5)
              .willReturn(
                  fhirJson("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}")));
      // Slow enough that records queue in the journal and both instances' workers take them.
      fhir.stubFor(
          post(urlPathEqualTo("/fhir"))
              .atPriority(1)
              .willReturn(
                  fhirJson(
                          "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\","
                              + "\"entry\":[{\"response\":{\"status\":\"200 OK\","
                              + "\"location\":\"Organization/1/_history/1\"}},"
                              + "{\"response\":{\"status\":\"201 Created\","
                              + "\"location\":\"Patient/res-x/_history/1\"}}]}")
                      .withFixedDelay(100)));
      String url = pg.getJdbcUrl("postgres", "postgres");
      try (ConfigurableApplicationContext first = start(fhir, url);
          ConfigurableApplicationContext second = start(fhir, url)) {
        List<GatewayClient> gateways = List.of(client(first), client(second));
        ObjectNode example;
        try (InputStream in = getClass().getResourceAsStream("/residents/example.json")) {
          example = (ObjectNode) JSON.readTree(in);
        }
        Map<String, List<String>> posted = new LinkedHashMap<>();
        int n = 0;
        for (int version = 0; version < PER_RESIDENT; version++) {
          for (String resident : RESIDENTS) {
            String phone = String.format("139%08d", n);
            example.put("residentNo", resident);
            example.put("phone", phone);
            HttpResponse<String> answer =
                gateways.get(n % 2).post("/api/v1/residents", example.toString());
            assertThat(answer.statusCode()).as(answer.body()).isIn(201, 202);
            posted.computeIfAbsent(resident, r -> new ArrayList<>()).add(phone);
            n++;
          }
        }
        int total = n;
        JdbcTemplate journal = new JdbcTemplate(pg.getPostgresDatabase());
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(200))
            .untilAsserted(
                () ->
                    assertThat(
                            journal.queryForObject(
                                "SELECT COUNT(*) FROM message WHERE flow = 'resident.to-fhir'"
                                    + " AND state = 'delivered'",
                                Integer.class))
                        .isEqualTo(total));
        // Every record once: no instance sent one the other had already sent.
        fhir.verify(total, postRequestedFor(urlPathEqualTo("/fhir")));

        Map<String, List<String>> delivered = new LinkedHashMap<>();
        List<LoggedRequest> transactions =
            new ArrayList<>(fhir.findAll(postRequestedFor(urlPathEqualTo("/fhir"))));
        transactions.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
        for (LoggedRequest r : transactions) {
          String body = r.getBodyAsString();
          String resident =
              RESIDENTS.stream().filter(body::contains).findFirst().orElseThrow(() -> noResident());
          Matcher phone = PHONE.matcher(body);
          assertThat(phone.find()).isTrue();
          delivered.computeIfAbsent(resident, k -> new ArrayList<>()).add(phone.group());
        }
        assertThat(delivered).isEqualTo(posted);
        // The poller ran under its lock in the shared journal.
        assertThat(
                journal.queryForList(
                    "SELECT name FROM shedlock WHERE name = 'referral-poll'", String.class))
            .hasSize(1);
      }
    } finally {
      fhir.stop();
    }
  }

  private static AssertionError noResident() {
    return new AssertionError("a transaction without any of the test's residents");
  }

  private ConfigurableApplicationContext start(WireMockServer fhir, String journalUrl) {
    return new SpringApplicationBuilder(GatewayApplication.class)
        .run(
            "--server.port=0",
            "--gateway.data-dir=" + dataDir,
            "--gateway.journal.url=" + journalUrl,
            "--gateway.journal.username=postgres",
            "--gateway.journal.password=",
            "--gateway.fhir.base-url=" + fhir.baseUrl() + "/fhir",
            "--gateway.security.issuer=" + GatewayClient.ISSUER,
            "--gateway.security.rate-limit.requests-per-second=100000",
            "--gateway.security.rate-limit.burst=100000",
            "--gateway.delivery.sync-deadline=1ms",
            "--gateway.delivery.poll-interval=50ms",
            "--gateway.notify.poll-interval=200ms",
            "--gateway.fhir-server.install-package=false",
            "--spring.jmx.enabled=false");
  }

  private static GatewayClient client(ConfigurableApplicationContext context) {
    return new GatewayClient(
        ((WebServerApplicationContext) context).getWebServer().getPort(),
        Path.of(context.getEnvironment().getProperty("gateway.data-dir", "unset")));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder fhirJson(
      String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/fhir+json")
        .withBody(body);
  }
}
