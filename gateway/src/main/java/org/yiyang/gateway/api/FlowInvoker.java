package org.yiyang.gateway.api;

import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.delivery.MessageIntake;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.ErrorResponses;
import org.yiyang.gateway.metrics.GatewayMetrics;
import org.yiyang.gateway.security.Caller;
import org.yiyang.gateway.security.Tenancy;
import org.yiyang.profiles.Fhir;

/**
 * Hands an HTTP request to a flow route and turns its {@link ApiResponse} into HTTP. Writes the one
 * INFO line per exchange: route, correlation id, status, outcome code, duration; never payload.
 */
@Component
public class FlowInvoker {

  public static final String CORRELATION_HEADER = "X-Correlation-Id";
  public static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

  private static final Logger log = LoggerFactory.getLogger("org.yiyang.gateway.exchange");

  private final ProducerTemplate producer;
  private final ErrorResponses errors;
  private final GatewayMetrics metrics;

  public FlowInvoker(ProducerTemplate producer, ErrorResponses errors, GatewayMetrics metrics) {
    this.producer = producer;
    this.errors = errors;
    this.metrics = metrics;
  }

  public ResponseEntity<byte[]> invoke(
      String endpoint, Object body, Map<String, Object> headers, String correlationId) {
    String correlation = safeCorrelationId(correlationId);
    long start = System.nanoTime();
    MDC.put("correlationId", correlation);
    ApiResponse response;
    try {
      Exchange exchange =
          producer.send(
              endpoint,
              ex -> {
                ex.getMessage().setBody(body);
                ex.getMessage().setHeaders(new java.util.HashMap<>(headers));
                ex.getMessage().setHeader(CORRELATION_HEADER, correlation);
                Caller.current().ifPresent(c -> ex.getMessage().setHeader(Tenancy.CALLER, c));
              });
      if (exchange.getException() != null) {
        response = errors.toResponse(exchange.getException());
      } else if (exchange.getMessage().getBody() instanceof ApiResponse r) {
        response = r;
      } else {
        response = errors.toResponse(new IllegalStateException("Route gave no ApiResponse"));
      }
      String route = endpoint.substring(endpoint.indexOf(':') + 1);
      if (route.endsWith(".to-fhir")) {
        // A record taken in: its route id is its journal flow id.
        metrics.intake(
            route,
            response.status() < 400
                || response.headers().containsKey(MessageIntake.MESSAGE_ID_HEADER),
            response.outcome(),
            System.nanoTime() - start);
      }
      log.info(
          "route={} correlationId={} status={} outcome={} durationMs={}",
          route,
          correlation,
          response.status(),
          response.outcome(),
          (System.nanoTime() - start) / 1_000_000);
    } finally {
      MDC.remove("correlationId");
    }
    return render(response, correlation);
  }

  /** Renders a response: FHIR resources as application/fhir+json, facility JSON as JSON. */
  public static ResponseEntity<byte[]> render(ApiResponse response, String correlationId) {
    HttpHeaders headers = new HttpHeaders();
    response.headers().forEach(headers::set);
    if (correlationId != null) {
      headers.set(CORRELATION_HEADER, correlationId);
    }
    byte[] bytes;
    if (response.body() instanceof IBaseResource resource) {
      IParser parser = Fhir.r4().newJsonParser().setPrettyPrint(true);
      bytes = parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
      headers.setContentType(FHIR_JSON);
    } else if (response.body() instanceof JsonNode json) {
      bytes = json.toPrettyString().getBytes(StandardCharsets.UTF_8);
      // A refusal decided at delivery is kept in the journal as JSON; it is still FHIR.
      headers.setContentType(
          "OperationOutcome".equals(json.path("resourceType").asText())
              ? FHIR_JSON
              : MediaType.APPLICATION_JSON);
    } else {
      bytes = new byte[0];
    }
    return ResponseEntity.status(response.status()).headers(headers).body(bytes);
  }

  private static String safeCorrelationId(String candidate) {
    if (candidate != null && candidate.matches("^[A-Za-z0-9._-]{1,64}$")) {
      return candidate;
    }
    return UUID.randomUUID().toString();
  }
}
