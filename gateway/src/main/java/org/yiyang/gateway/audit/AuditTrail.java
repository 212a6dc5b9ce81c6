package org.yiyang.gateway.audit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.yiyang.gateway.journal.JournalMessage;
import org.yiyang.gateway.notify.Notifications;
import org.yiyang.gateway.security.Caller;
import org.yiyang.gateway.security.ClientRegistry;
import org.yiyang.gateway.security.Keyring;
import org.yiyang.gateway.security.Role;

/**
 * Writes the audit trail (ADR 0055): the record of each request (from {@link AuditFilter}, or with
 * its journal entry), and of each delivery and webhook attempt (with the journal's update). Every
 * value goes through {@link AuditValues} on its way in, so no personal data reaches a row.
 */
@Component
public class AuditTrail {

  /** URI variables that name the resident or facility, not the object itself. */
  private static final java.util.Set<String> NOT_IDS =
      java.util.Set.of("facilityCode", "residentNo", "collection", "type");

  private static final Pattern FHIR_TYPE = Pattern.compile("^[A-Z][A-Za-z]{1,63}$");
  private static final Pattern MESSAGE_ID = Pattern.compile("^[0-9a-f-]{36}$");

  private final AuditLog log;
  private final Keyring keyring;
  private final AuditRoutes routes;
  private final Timer appendTimer;

  public AuditTrail(
      AuditLog log, Keyring keyring, AuditRoutes routes, ObjectProvider<MeterRegistry> meters) {
    this.log = log;
    this.keyring = keyring;
    this.routes = routes;
    MeterRegistry registry = meters.getIfAvailable();
    this.appendTimer =
        registry == null
            ? null
            : Timer.builder("gateway.audit.append")
                .description("Time to append one audit record (lock, MAC, insert, commit)")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
  }

  /** The journal database's transactions, to audit a change in the transaction that makes it. */
  public TransactionTemplate transactions() {
    return log.transactions();
  }

  /** Appends a record, timed; in the caller's transaction if one is open. */
  public long append(AuditRecord record) {
    long start = System.nanoTime();
    try {
      return log.append(record);
    } finally {
      if (appendTimer != null) {
        appendTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
    }
  }

  /**
   * The record of the request that journaled this message, written in the journal entry's
   * transaction: the request is then audited even if the gateway dies before it answers, and is not
   * audited a second time when it answers. Its status is the one the journal stands for (accepted);
   * what the FHIR server said comes with each delivery attempt's record.
   */
  public void journaled(JournalMessage message) {
    RequestAudit request = RequestAudit.current().orElse(null);
    Caller caller =
        request != null && request.caller != null ? request.caller : Caller.current().orElse(null);
    AuditRecord.Builder b = AuditRecord.builder(AuditRecord.REQUEST);
    who(b, caller);
    b.action("create", "POST", null);
    if (request != null) {
      b.action("create", request.method, routes.of(request.request).pattern());
      b.sourceAddress(request.sourceAddress);
      b.durationMs(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - request.startNanos));
    }
    b.entity(
        message.flow(),
        request == null || request.recordNo == null
            ? null
            : "recordNo=" + AuditValues.safeId(keyring, request.recordNo));
    b.facility(AuditValues.safeId(keyring, message.facilityCode()));
    if (request != null) {
      b.subject(AuditValues.resident(keyring, request.recordFacility, request.recordResident));
    }
    // The status is not known yet (201, 200 or 202, by how fast the delivery goes); each attempt's
    // record, with the same message id, says what the FHIR server answered.
    b.result(null, null, "journaled", AuditRecord.SUCCESS);
    b.correlation(request != null ? request.correlationId : message.correlationId(), message.id());
    append(b.build());
    if (request == null) {
      return;
    }
    // Not written twice, once the row is committed; if the transaction rolls back, the request
    // is audited when it is answered, like any other.
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              request.audited = true;
            }
          });
    } else {
      request.audited = true;
    }
  }

  /**
   * The record of one delivery attempt (to the FHIR server) or webhook attempt (to a facility),
   * written in the transaction of the journal's update.
   *
   * @param status the HTTP status the far side answered, if it answered
   * @param errorCode the gateway's error code of a failure
   * @param result {@code delivered}, {@code retry} or {@code dead}
   */
  public void attempt(
      JournalMessage message, Integer status, String errorCode, String result, long durationMs) {
    boolean webhook = Notifications.isNotifyFlow(message.flow());
    AuditRecord.Builder b =
        AuditRecord.builder(webhook ? AuditRecord.WEBHOOK : AuditRecord.DELIVERY);
    b.client(ClientRegistry.INTERNAL_CLIENT_ID, Role.GATEWAY.claim(), null);
    b.purpose(AuditValues.purpose(Role.GATEWAY));
    b.action(webhook ? "notify" : "transaction", "POST", null);
    b.entity(message.flow(), "attempt=" + message.attempts());
    b.facility(AuditValues.safeId(keyring, message.facilityCode()));
    String outcome = "delivered".equals(result) ? AuditRecord.SUCCESS : AuditRecord.FAILED;
    b.result(status, errorCode, result, outcome);
    b.correlation(AuditValues.correlationIdOrNull(message.correlationId()), message.id());
    b.durationMs(durationMs);
    append(b.build());
  }

  /**
   * The record of a request answered without a journal entry, as {@link AuditFilter} saw it end.
   *
   * @param route the route pattern and its variables
   * @param status the HTTP status answered
   * @param errorCode the gateway's error code (or OAuth2 error) in the answer, if any
   * @param refusal the rule of a security refusal, if any
   * @param claimedClient for a token request without an authenticated client, the id it claimed
   * @param messageId the journal message the answer names ({@code X-Message-Id}), if any
   */
  AuditRecord request(
      RequestAudit request,
      AuditRoutes.Route route,
      int status,
      String errorCode,
      String refusal,
      String claimedClient,
      String messageId) {
    AuditRecord.Builder b = AuditRecord.builder(AuditRecord.REQUEST);
    who(b, request.caller);
    if (request.caller == null && claimedClient != null) {
      b.client(AuditValues.safeId(keyring, claimedClient), null, null);
    }
    b.sourceAddress(request.sourceAddress);
    Map<String, String> vars = route.variables();
    boolean fhir = route.pattern().startsWith("/fhir");
    String interaction;
    if (fhir) {
      interaction =
          request.fhirInteraction != null
              ? request.fhirInteraction
              : fhirInteraction(request.method, route.pattern());
      String type = request.fhirType != null ? request.fhirType : vars.get("type");
      String id = request.fhirId != null ? request.fhirId : vars.get("id");
      b.entity(
          type == null
              ? null
              : FHIR_TYPE.matcher(type).matches() ? type : AuditValues.safeId(keyring, type),
          id == null ? null : "id=" + AuditValues.safeId(keyring, id));
    } else {
      interaction = interaction(request.method, route.pattern(), vars);
      b.entity(entityType(route.pattern(), vars), entityIds(vars));
      b.facility(AuditValues.safeId(keyring, vars.get("facilityCode")));
      b.subject(AuditValues.resident(keyring, vars.get("facilityCode"), vars.get("residentNo")));
    }
    b.action(interaction, request.method, route.pattern());
    String rule = refusal != null ? refusal : request.fhirRefusal;
    b.result(status, errorCode, rule, AuditValues.outcome(status, rule != null && status >= 400));
    b.correlation(
        request.correlationId,
        messageId != null && MESSAGE_ID.matcher(messageId).matches() ? messageId : null);
    b.durationMs(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - request.startNanos));
    return b.build();
  }

  private static void who(AuditRecord.Builder b, Caller caller) {
    if (caller == null) {
      return;
    }
    b.client(caller.clientId(), caller.role().claim(), caller.uscc());
    b.purpose(AuditValues.purpose(caller.role()));
  }

  /** The interaction of a facility-API, admin or token request, from method and route. */
  static String interaction(String method, String pattern, Map<String, String> vars) {
    if (pattern.equals("/oauth2/token")) {
      return "token";
    }
    if (pattern.startsWith("/api/v1/fhir/notifications")) {
      return "notify";
    }
    boolean names =
        vars.keySet().stream().anyMatch(v -> !v.equals("facilityCode") && !v.equals("collection"));
    return switch (method.toUpperCase(Locale.ROOT)) {
      case "GET", "HEAD" -> names ? "read" : "search";
      case "POST" ->
          vars.containsKey("action") || pattern.endsWith("/replay") || pattern.endsWith("/rotate")
              ? "operation"
              : "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> method.toLowerCase(Locale.ROOT);
    };
  }

  /** The interaction of a {@code /fhir} request HAPI never saw (refused before it), by shape. */
  static String fhirInteraction(String method, String pattern) {
    String m = method.toUpperCase(Locale.ROOT);
    if (pattern.equals("/fhir/metadata")) {
      return "metadata";
    }
    if (pattern.contains("/$")) {
      return "extended-operation";
    }
    if (pattern.endsWith("/_history") || pattern.endsWith("/{vid}")) {
      return pattern.endsWith("/{vid}") ? "vread" : "history";
    }
    if (pattern.equals("/fhir")) {
      return m.equals("POST") ? "transaction" : "history-system";
    }
    boolean instance = pattern.contains("{id}");
    return switch (m) {
      case "GET" -> instance ? "read" : "search-type";
      case "POST" -> pattern.endsWith("/_search") ? "search-type" : "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> m.toLowerCase(Locale.ROOT);
    };
  }

  /** What kind of object a route acts on: its first literal segment under /api/v1(/admin). */
  private String entityType(String pattern, Map<String, String> vars) {
    String rest = pattern;
    for (String prefix : new String[] {"/api/v1/admin/", "/api/v1/fhir/", "/api/v1/", "/"}) {
      if (rest.startsWith(prefix)) {
        rest = rest.substring(prefix.length());
        break;
      }
    }
    String first = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
    if (first.equals("{collection}")) {
      return AuditValues.safeId(keyring, vars.get("collection"));
    }
    if (first.isEmpty() || first.startsWith("{") || first.startsWith("(")) {
      return null;
    }
    return AuditValues.clip(first, 64);
  }

  /** The object's own ids from the route's variables, each kept only if it is safe to keep. */
  private String entityIds(Map<String, String> vars) {
    StringJoiner ids = new StringJoiner(";");
    new java.util.TreeMap<>(vars)
        .forEach(
            (name, value) -> {
              if (!NOT_IDS.contains(name)) {
                ids.add(name + "=" + AuditValues.safeId(keyring, value));
              }
            });
    return ids.length() == 0 ? null : AuditValues.clip(ids.toString(), 300);
  }
}
