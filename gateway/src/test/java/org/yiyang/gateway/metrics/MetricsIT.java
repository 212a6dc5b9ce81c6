package org.yiyang.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yiyang.gateway.GatewayClient.JSON;
import static org.yiyang.gateway.GatewayClient.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;

/**
 * The Prometheus scrape (issue 21): a valid and an invalid record show up as accepted, delivered
 * and rejected-by-code series of their flow; the scrape needs a monitor's or an operator's token;
 * and no label value holds anything the facility sent.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Spring Boot's tests export no metrics unless asked; the gateway itself always does.
@AutoConfigureObservability(tracing = false)
class MetricsIT {

  static final Path dataDir = GatewayClient.tempDir("metrics-it");

  static final String FLOW = "resident.to-fhir";

  /** {@code name{labels} value} of the Prometheus text format. */
  static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)");

  static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
  }

  @LocalServerPort int port;

  @Test
  void aScrapeShowsEachFlowsCountersWithoutAnyRecordValue() throws Exception {
    GatewayClient facility = new GatewayClient(port, dataDir);
    ObjectNode valid = sample("resident-to-patient");
    valid.put("residentNo", "R-METRICS-1");
    valid.put("name", "欧阳指标");
    HttpResponse<String> created = facility.post("/api/v1/residents", valid.toString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    ObjectNode invalid = sample("resident-to-patient");
    invalid.put("residentNo", "R-METRICS-2");
    invalid.put("name", "司马无效");
    // Wrong check digit: refused before it is journaled.
    invalid.put("idCardNo", "330302194305120025");
    HttpResponse<String> refused = facility.post("/api/v1/residents", invalid.toString());
    assertThat(refused.statusCode()).as(refused.body()).isBetween(400, 499);
    String code = JSON.readTree(refused.body()).at("/issue/0/details/coding/0/code").asText();
    assertThat(code).startsWith("GW-");

    HttpResponse<String> scrape = facility.as("monitor").get("/actuator/prometheus");
    assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
    List<Series> series = parse(scrape.body());

    assertThat(value(series, "yiyang_intake_accepted_total", Map.of("flow", FLOW))).isEqualTo(1);
    assertThat(value(series, "yiyang_intake_rejected_total", Map.of("flow", FLOW, "code", code)))
        .isEqualTo(1);
    assertThat(value(series, "yiyang_delivery_delivered_total", Map.of("flow", FLOW))).isEqualTo(1);
    assertThat(
            value(
                series,
                "yiyang_intake_duration_seconds_count",
                Map.of("flow", FLOW, "outcome", "accepted")))
        .isEqualTo(1);
    assertThat(
            value(
                series,
                "yiyang_intake_duration_seconds_count",
                Map.of("flow", FLOW, "outcome", "rejected")))
        .isEqualTo(1);
    assertThat(
            series.stream()
                .filter(s -> s.name().equals("yiyang_intake_duration_seconds_bucket"))
                .count())
        .as("intake latency is a histogram")
        .isGreaterThan(2);
    assertThat(value(series, "yiyang_delivery_duration_seconds_count", Map.of("flow", FLOW)))
        .isEqualTo(1);
    assertThat(value(series, "yiyang_journal_backlog", Map.of())).isZero();
    assertThat(
            value(
                series,
                "yiyang_validation_duration_seconds_count",
                Map.of("resource", "Patient", "outcome", "valid")))
        .isGreaterThanOrEqualTo(1);

    // Nothing the facility sent is a label value, nor part of one.
    Set<String> sent = new TreeSet<>();
    leaves(valid, sent);
    leaves(invalid, sent);
    sent.removeIf(v -> v.length() < 4);
    assertThat(sent).contains("欧阳指标", "330302194305120025", "13800000000");
    List<String> leaks = new ArrayList<>();
    for (Series s : series) {
      for (Map.Entry<String, String> label : s.labels().entrySet()) {
        for (String value : sent) {
          if (label.getValue().contains(value)) {
            leaks.add(s.name() + " " + label.getKey() + "=" + label.getValue());
          }
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void onlyAMonitorOrAnOperatorMayScrape() throws Exception {
    GatewayClient gateway = new GatewayClient(port, dataDir);
    HttpResponse<String> anonymous = gateway.anonymous().get("/actuator/prometheus");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    GatewayClient.assertOutcome(anonymous, "GW-1030", null);
    HttpResponse<String> facility = gateway.get("/actuator/prometheus");
    assertThat(facility.statusCode()).isEqualTo(403);
    GatewayClient.assertOutcome(facility, "GW-1031", null);
    assertThat(gateway.as("auditor").get("/actuator/prometheus").statusCode()).isEqualTo(403);
    assertThat(gateway.as("operator").get("/actuator/prometheus").statusCode()).isEqualTo(200);
    // The scraper's token reads metrics only: no journal, no other actuator endpoint.
    GatewayClient monitor = gateway.as("monitor");
    assertThat(monitor.get("/actuator/prometheus").statusCode()).isEqualTo(200);
    assertThat(monitor.get("/api/v1/messages").statusCode()).isEqualTo(403);
    assertThat(monitor.get("/actuator/info").statusCode()).isEqualTo(403);
  }

  record Series(String name, Map<String, String> labels, double value) {}

  static List<Series> parse(String text) {
    List<Series> series = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.find()).as(line).isTrue();
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      series.add(new Series(m.group(1), labels, Double.parseDouble(m.group(4))));
    }
    return series;
  }

  /** The value of the one series of this name whose labels include these. */
  static double value(List<Series> series, String name, Map<String, String> labels) {
    List<Series> found =
        series.stream()
            .filter(s -> s.name().equals(name))
            .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
            .toList();
    assertThat(found).as("%s%s among %s", name, labels, names(series)).hasSize(1);
    return found.get(0).value();
  }

  private static Set<String> names(List<Series> series) {
    Set<String> names = new TreeSet<>();
    series.stream()
        .filter(s -> s.name().startsWith("yiyang_"))
        .forEach(s -> names.add(s.name() + s.labels()));
    return names;
  }

  private static void leaves(JsonNode node, Set<String> into) {
    if (node.isContainerNode()) {
      node.forEach(child -> leaves(child, into));
    } else {
      into.add(node.asText());
    }
  }
}
