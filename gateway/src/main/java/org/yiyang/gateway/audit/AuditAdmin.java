package org.yiyang.gateway.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;

/**
 * The audit trail as auditors see it (ADR 0055): rows by time, client, outcome and correlation id,
 * paged; the chain's verification; the same rows as FHIR AuditEvents. Read-only: nothing here (nor
 * anywhere) changes or deletes a row. Every parameter is checked, and a bad one is a 400 naming it.
 */
@Component
public class AuditAdmin {

  public static final int MAX_PAGE_SIZE = 500;
  public static final int DEFAULT_PAGE_SIZE = 50;

  static final Set<String> QUERY_PARAMETERS =
      Set.of("since", "until", "client", "outcome", "correlation", "page", "size");

  private static final Pattern CLIENT = Pattern.compile("^[A-Za-z0-9._:~-]{1,80}$");
  private static final Pattern CORRELATION = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
  private static final Pattern NUMBER = Pattern.compile("^[0-9]{1,9}$");

  private final AuditLog log;
  private final AuditEvents events;

  public AuditAdmin(AuditLog log, AuditEvents events) {
    this.log = log;
    this.events = events;
  }

  /** A checked query: filter and page. */
  record Query(AuditLog.Filter filter, int page, int size) {}

  /** {@code GET /api/v1/admin/audit}: one page of rows, oldest first. */
  public ApiResponse list(Map<String, List<String>> parameters) {
    Query q = query(parameters);
    AuditLog.Page found = log.page(q.filter(), q.page(), q.size());
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("total", found.total());
    body.put("page", q.page());
    body.put("size", q.size());
    ArrayNode items = body.putArray("events");
    found.entries().forEach(e -> items.add(view(e)));
    return ApiResponse.of(200, body, "ok");
  }

  /** {@code GET /api/v1/admin/audit/export}: the same rows as a Bundle of AuditEvents. */
  public ApiResponse export(Map<String, List<String>> parameters, String path) {
    Query q = query(parameters);
    AuditLog.Page found = log.page(q.filter(), q.page(), q.size());
    Bundle bundle = events.bundle(found.entries());
    if ((long) (q.page() + 1) * q.size() < found.total()) {
      bundle.addLink().setRelation("next").setUrl(next(path, parameters, q.page() + 1));
    }
    return ApiResponse.of(200, bundle, "ok");
  }

  /** {@code GET /api/v1/admin/audit/verify}: walks the chain, names the first broken link. */
  public ApiResponse verify(Map<String, List<String>> parameters) {
    if (!parameters.isEmpty()) {
      String name = parameters.keySet().iterator().next();
      throw invalid(name, name + ": the verification takes no parameters.");
    }
    AuditLog.Verification v = log.verify();
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("verified", v.verified());
    body.put("checked", v.checked());
    if (v.firstBroken() != null) {
      ObjectNode broken = body.putObject("firstBroken");
      broken.put("seq", v.firstBroken().seq());
      broken.put("reason", v.firstBroken().reason());
    }
    ObjectNode head = body.putObject("head");
    head.put("seq", v.headSeq());
    head.put("mac", v.headMac());
    return ApiResponse.of(200, body, v.verified() ? "verified" : "broken");
  }

  static Query query(Map<String, List<String>> parameters) {
    for (Map.Entry<String, List<String>> p : parameters.entrySet()) {
      if (!QUERY_PARAMETERS.contains(p.getKey())) {
        throw invalid(
            p.getKey(),
            p.getKey()
                + ": unknown parameter; the audit trail is queried by since, until, client,"
                + " outcome, correlation, page and size.");
      }
      if (p.getValue().size() > 1) {
        throw invalid(p.getKey(), p.getKey() + " is given more than once.");
      }
    }
    Instant since = instant(one(parameters, "since"), "since");
    Instant until = instant(one(parameters, "until"), "until");
    if (since != null && until != null && !until.isAfter(since)) {
      throw invalid("until", "until must be later than since.");
    }
    String client = one(parameters, "client");
    if (client != null && !CLIENT.matcher(client).matches()) {
      throw invalid("client", "client must be a client id: 1 to 80 letters, digits or ._:~-");
    }
    String outcome = one(parameters, "outcome");
    if (outcome != null && !AuditRecord.OUTCOMES.contains(outcome)) {
      throw invalid(
          "outcome", "outcome must be one of " + String.join(", ", AuditRecord.OUTCOMES) + ".");
    }
    String correlation = one(parameters, "correlation");
    if (correlation != null && !CORRELATION.matcher(correlation).matches()) {
      throw invalid(
          "correlation", "correlation must be a correlation id: 1 to 64 letters, digits or ._-");
    }
    int page = number(one(parameters, "page"), "page", 0, 0, Integer.MAX_VALUE / MAX_PAGE_SIZE);
    int size = number(one(parameters, "size"), "size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    return new Query(new AuditLog.Filter(since, until, client, outcome, correlation), page, size);
  }

  private static String one(Map<String, List<String>> parameters, String name) {
    List<String> values = parameters.get(name);
    if (values == null || values.isEmpty() || values.get(0) == null) {
      return null;
    }
    return values.get(0).isEmpty() ? null : values.get(0);
  }

  private static Instant instant(String value, String field) {
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw invalid(field, field + " must be a date-time with offset, e.g. 2026-01-31T08:00:00Z.");
    }
  }

  private static int number(String value, String field, int absent, int min, int max) {
    if (value == null) {
      return absent;
    }
    if (!NUMBER.matcher(value).matches()
        || Integer.parseInt(value) < min
        || Integer.parseInt(value) > max) {
      throw invalid(field, field + " must be a whole number from " + min + " to " + max + ".");
    }
    return Integer.parseInt(value);
  }

  /** The same query, one page further (only parameters already checked are repeated). */
  private static String next(String path, Map<String, List<String>> parameters, int page) {
    StringBuilder url = new StringBuilder(path).append("?page=").append(page);
    parameters.forEach(
        (name, values) -> {
          if (!name.equals("page")) {
            url.append('&')
                .append(name)
                .append('=')
                .append(
                    java.net.URLEncoder.encode(
                        values.get(0), java.nio.charset.StandardCharsets.UTF_8));
          }
        });
    return url.toString();
  }

  /** One row as the JSON listing shows it; empty fields are left out. */
  static ObjectNode view(AuditEntry e) {
    AuditRecord r = e.record();
    ObjectNode v = JsonNodeFactory.instance.objectNode();
    v.put("seq", e.seq());
    v.put("recorded", e.recordedAt().toString());
    v.put("kind", r.kind());
    ObjectNode client = v.putObject("client");
    put(client, "id", r.clientId());
    put(client, "role", r.role());
    put(client, "organization", r.organization());
    put(client, "address", r.sourceAddress());
    ObjectNode action = v.putObject("action");
    put(action, "interaction", r.interaction());
    put(action, "method", r.method());
    put(action, "route", r.route());
    put(action, "entityType", r.entityType());
    put(action, "entityId", r.entityId());
    put(action, "facility", r.facility());
    put(action, "subject", r.subject());
    ObjectNode outcome = v.putObject("outcome");
    outcome.put("result", r.outcome());
    if (r.status() != null) {
      outcome.put("status", r.status());
    }
    put(outcome, "code", r.errorCode());
    put(outcome, "detail", r.detail());
    put(v, "purpose", r.purpose());
    put(v, "correlationId", r.correlationId());
    put(v, "messageId", r.messageId());
    if (r.durationMs() != null) {
      v.put("durationMs", r.durationMs());
    }
    v.put("observer", e.observer());
    ObjectNode chain = v.putObject("chain");
    chain.put("algorithm", e.macAlgorithm());
    chain.put("prevMac", e.prevMac());
    chain.put("mac", e.mac());
    return v;
  }

  private static void put(ObjectNode node, String name, String value) {
    if (value != null) {
      node.put(name, value);
    }
  }

  private static GatewayException invalid(String field, String message) {
    return GatewayException.of(ErrorCode.INVALID_VALUE, field, message);
  }
}
