package org.yiyang.gateway.delivery;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StringType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.audit.AuditTrail;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.ErrorResponses;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.journal.Journal;
import org.yiyang.gateway.journal.JournalMessage;
import org.yiyang.gateway.metrics.GatewayMetrics;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.Fhir;

/**
 * One delivery attempt of a claimed message, and what it leaves in the journal: delivered; failed
 * and due again after a backoff (5xx, 408/409/412/425/429, timeouts, broken connections); or dead
 * (any other refusal by the FHIR server, a business-rule conflict, or the attempts ran out).
 */
@Component
public class DeliveryAttempt {

  /** HTTP answers worth trying again: the server is busy or lost a concurrent-write race. */
  private static final Set<Integer> RETRYABLE_4XX = Set.of(408, 409, 412, 425, 429);

  private static final Logger log = LoggerFactory.getLogger("org.yiyang.gateway.delivery");

  private final Journal journal;
  private final AuditTrail audit;
  private final ErrorResponses errors;
  private final Map<String, DeliveryTarget> targets;
  private final GatewayProperties.Delivery settings;
  private final Backoff backoff;
  private final GatewayMetrics metrics;

  public DeliveryAttempt(
      Journal journal,
      AuditTrail audit,
      ErrorResponses errors,
      List<DeliveryTarget> targets,
      List<DeliveryTargets> groups,
      GatewayProperties properties,
      GatewayMetrics metrics) {
    this.journal = journal;
    this.metrics = metrics;
    this.audit = audit;
    this.errors = errors;
    this.targets =
        java.util.stream.Stream.concat(
                targets.stream(), groups.stream().flatMap(g -> g.targets().stream()))
            .collect(Collectors.toMap(DeliveryTarget::flow, Function.identity()));
    this.settings = properties.delivery();
    this.backoff = Backoff.of(settings);
  }

  /** Runs the attempt of a message this process has claimed under {@code owner}. */
  public void run(String id, String owner) {
    long start = System.nanoTime();
    JournalMessage m = journal.find(id).orElseThrow();
    if (m.correlationId() != null) {
      MDC.put("correlationId", m.correlationId());
    }
    try {
      ApiResponse answer;
      try {
        DeliveryTarget target = targets.get(m.flow());
        if (target == null) {
          throw new IllegalStateException("No delivery target for flow " + m.flow());
        }
        String payload =
            journal
                .payload(id)
                .orElseThrow(() -> new IllegalStateException("The message's payload was purged"));
        answer = target.deliver(payload);
      } catch (RuntimeException failure) {
        recordFailure(m, owner, failure, start);
        return;
      }
      recordDelivered(m, owner, answer, start);
    } finally {
      MDC.remove("correlationId");
    }
  }

  /**
   * Records a delivery the FHIR server accepted. A journal error here must not be taken for a
   * failed delivery (that would make a delivered message dead): the claim is given back instead, so
   * the message is delivered again (the same resources, written again) and recorded then; if the
   * journal refuses that too, the lease ends and the next poll takes it up.
   */
  private void recordDelivered(JournalMessage m, String owner, ApiResponse answer, long start) {
    String body = answer.body() instanceof JsonNode json ? json.toString() : null;
    try {
      audited(
          m,
          answer.status(),
          null,
          "delivered",
          start,
          () ->
              journal.delivered(
                  m.id(),
                  owner,
                  Instant.now(),
                  answer.status(),
                  answer.headers().get("Location"),
                  body));
    } catch (RuntimeException journalError) {
      log.warn(
          "delivery message={} flow={} attempt={} delivered but not recorded ({}); it is delivered"
              + " again",
          m.id(),
          m.flow(),
          m.attempts(),
          journalError.getClass().getName());
      try {
        journal.release(m.id(), owner);
      } catch (RuntimeException stillFailing) {
        // The lease ends on its own; the message is due again then.
      }
      return;
    }
    logAttempt(m, "delivered", answer.outcome(), answer.status(), start);
  }

  private void recordFailure(JournalMessage m, String owner, RuntimeException failure, long start) {
    Integer httpStatus = httpStatus(failure);
    GatewayException classified = refusal(httpStatus, failure);
    boolean transientFailure =
        classified.code() == ErrorCode.UPSTREAM_UNAVAILABLE
            || classified.code() == ErrorCode.UPSTREAM_TIMEOUT
            || (httpStatus != null && (httpStatus >= 500 || RETRYABLE_4XX.contains(httpStatus)));
    String outcome = encode(outcome(classified, failure));
    Instant now = Instant.now();
    if (transientFailure && m.attempts() < settings.maxAttempts()) {
      Duration delay = backoff.delayAfter(m.attempts());
      audited(
          m,
          httpStatus,
          classified.code().code(),
          "retry",
          start,
          () ->
              journal.failed(
                  m.id(),
                  owner,
                  now,
                  now.plus(delay),
                  classified.code().code(),
                  httpStatus,
                  outcome));
      logAttempt(m, "failed", classified.code().code(), httpStatus, start);
    } else {
      audited(
          m,
          httpStatus,
          classified.code().code(),
          "dead",
          start,
          () -> journal.dead(m.id(), owner, now, classified.code().code(), httpStatus, outcome));
      logAttempt(m, "dead", classified.code().code(), httpStatus, start);
    }
  }

  /** HTTP answers that say the gateway itself may not write: its credentials, not the record. */
  private static final Set<Integer> GATEWAY_REFUSED = Set.of(401, 403, 407);

  /**
   * A FHIR server's final 4xx about the record (400, 404, 422...) is GW-4004, answered 422 with the
   * server's issues: the sender has something to correct, so it is not told 502 as if the gateway
   * had failed. Refusals of the gateway's own credentials stay GW-4003 (502).
   */
  private GatewayException refusal(Integer httpStatus, RuntimeException failure) {
    GatewayException classified = errors.classify(failure);
    if (classified.code() == ErrorCode.UPSTREAM_REJECTED
        && httpStatus != null
        && httpStatus >= 400
        && httpStatus < 500
        && !RETRYABLE_4XX.contains(httpStatus)
        && !GATEWAY_REFUSED.contains(httpStatus)) {
      return GatewayException.of(
          ErrorCode.UPSTREAM_REFUSED,
          "",
          "The regional FHIR server refused the record (HTTP "
              + httpStatus
              + "); its issues below say what to correct.");
    }
    return classified;
  }

  /** The journal's update of an attempt and the attempt's audit record, in one transaction. */
  private void audited(
      JournalMessage m,
      Integer status,
      String errorCode,
      String result,
      long start,
      Runnable journalUpdate) {
    audit
        .transactions()
        .executeWithoutResult(
            tx -> {
              journalUpdate.run();
              audit.attempt(m, status, errorCode, result, (System.nanoTime() - start) / 1_000_000);
            });
    metrics.attempt(m, result, errorCode, Instant.now());
  }

  /**
   * The gateway's OperationOutcome, plus the FHIR server's issues by type and location only: the
   * server's diagnostics may quote record values and stay out of the journal's status API.
   */
  private static OperationOutcome outcome(GatewayException classified, Throwable failure) {
    OperationOutcome oo = ErrorResponses.outcome(classified);
    if (unwrap(failure) instanceof BaseServerResponseException r
        && !(r instanceof FhirClientConnectionException)) {
      IBaseOperationOutcome upstream = r.getOperationOutcome();
      if (upstream instanceof OperationOutcome server) {
        for (OperationOutcome.OperationOutcomeIssueComponent issue : server.getIssue()) {
          OperationOutcome.OperationOutcomeIssueComponent copy = oo.addIssue();
          copy.setSeverity(issue.getSeverity());
          copy.setCode(issue.getCode());
          copy.setDetails(
              new CodeableConcept()
                  .setText("Issue reported by the regional FHIR server (diagnostics withheld)."));
          for (StringType e : issue.getExpression()) {
            copy.addExpression(e.getValue());
          }
        }
      }
    }
    return oo;
  }

  /** The FHIR server's HTTP status; none when it did not answer (HAPI reports that as 500). */
  private static Integer httpStatus(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof FhirClientConnectionException) {
      return null;
    }
    return t instanceof BaseServerResponseException r ? r.getStatusCode() : null;
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while (c instanceof GatewayException && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private static String encode(OperationOutcome oo) {
    return Fhir.r4().newJsonParser().encodeResourceToString(oo);
  }

  private static void logAttempt(
      JournalMessage m, String result, String outcome, Integer httpStatus, long start) {
    log.info(
        "delivery message={} flow={} attempt={} result={} outcome={} httpStatus={} durationMs={}",
        m.id(),
        m.flow(),
        m.attempts(),
        result,
        outcome,
        httpStatus,
        (System.nanoTime() - start) / 1_000_000);
  }
}
