package org.yiyang.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.journal.Journal;
import org.yiyang.gateway.journal.JournalMessage;
import org.yiyang.gateway.notify.Notifications;

/**
 * The gateway's own meters (issue 21), named here once so that docs/operations.md and
 * docs/grafana-dashboard.json can rely on them. Labels are only ever the flow id, a gateway error
 * code, a fixed outcome word or a FHIR resource type: never a value a facility sent. Anything else
 * reaching a label is replaced by {@code other}, so that a mistake upstream cannot put a record
 * value into a time series (nor explode the series count).
 */
@Component
public class GatewayMetrics {

  public static final String ACCEPTED = "yiyang.intake.accepted";
  public static final String REJECTED = "yiyang.intake.rejected";
  public static final String INTAKE = "yiyang.intake.duration";
  public static final String DELIVERED = "yiyang.delivery.delivered";
  public static final String RETRIED = "yiyang.delivery.retried";
  public static final String DEAD = "yiyang.delivery.dead";
  public static final String DELIVERY = "yiyang.delivery.duration";
  public static final String BACKLOG = "yiyang.journal.backlog";
  public static final String VALIDATION = "yiyang.validation.duration";
  public static final String WEBHOOK = "yiyang.webhook.deliveries";
  public static final String REFERRAL_SKIPPED = "yiyang.referral.changes.skipped";

  /** Requests in a work slot, and waiting for one (security/FairShare; no client in any label). */
  public static final String ADMISSION_WORKING = "yiyang.admission.working";

  public static final String ADMISSION_WAITING = "yiyang.admission.waiting";

  /** Gateway error codes (GW-1001 ...). */
  private static final Pattern CODE = Pattern.compile("^GW-\\d{4}$");

  /** Flow ids and outcome words: lower case, dots and dashes, short. */
  private static final Pattern WORD = Pattern.compile("^[a-z][a-z0-9.-]{0,39}$");

  /** FHIR resource types. */
  private static final Pattern RESOURCE_TYPE = Pattern.compile("^[A-Z][A-Za-z]{1,39}$");

  private final MeterRegistry registry;

  public GatewayMetrics(MeterRegistry registry, Journal journal) {
    this.registry = registry;
    // Read at each scrape: one COUNT on the journal, the same the capacity check runs per request.
    Gauge.builder(BACKLOG, journal, Journal::backlog)
        .description("Messages accepted and not yet delivered nor dead")
        .register(registry);
  }

  /**
   * One answered request of a flow that takes records in. Accepted: the record was journaled (its
   * answer names a message), whatever delivery did within the sync deadline; rejected: refused
   * before it was journaled, labelled with the gateway error code.
   */
  public void intake(String flow, boolean journaled, String code, long nanos) {
    String f = word(flow);
    if (journaled) {
      Counter.builder(ACCEPTED)
          .description("Records accepted into the journal")
          .tag("flow", f)
          .register(registry)
          .increment();
    } else {
      Counter.builder(REJECTED)
          .description("Records refused before they were journaled, by gateway error code")
          .tag("flow", f)
          .tag("code", code(code))
          .register(registry)
          .increment();
    }
    Timer.builder(INTAKE)
        .description("From a record's request to its answer")
        .tag("flow", f)
        .tag("outcome", journaled ? "accepted" : "rejected")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(5))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }

  /**
   * One delivery attempt's result ({@code delivered}, {@code retry} or {@code dead}), with the
   * gateway error code of a failed one. A delivered message's time from acceptance to delivery
   * feeds the delivery histogram; a webhook's attempts are counted apart as well.
   */
  public void attempt(JournalMessage m, String result, String errorCode, Instant now) {
    String flow = word(m.flow());
    switch (result) {
      case "delivered" -> {
        Counter.builder(DELIVERED)
            .description("Messages delivered")
            .tag("flow", flow)
            .register(registry)
            .increment();
        if (m.createdAt() != null) {
          Timer.builder(DELIVERY)
              .description("From a message's acceptance to its delivery")
              .tag("flow", flow)
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofMillis(5))
              .maximumExpectedValue(Duration.ofHours(6))
              .register(registry)
              .record(Duration.between(m.createdAt(), now).abs());
        }
      }
      case "retry" ->
          Counter.builder(RETRIED)
              .description("Delivery attempts that failed and will be tried again")
              .tag("flow", flow)
              .tag("code", code(errorCode))
              .register(registry)
              .increment();
      default ->
          Counter.builder(DEAD)
              .description("Messages given up (dead letters), by gateway error code")
              .tag("flow", flow)
              .tag("code", code(errorCode))
              .register(registry)
              .increment();
    }
    if (Notifications.isNotifyFlow(m.flow())) {
      String outcome = result.equals("delivered") || result.equals("retry") ? result : "dead";
      Counter.builder(WEBHOOK)
          .description("Facility webhook deliveries by outcome")
          .tag("outcome", outcome)
          .tag("code", result.equals("delivered") ? "none" : code(errorCode))
          .register(registry)
          .increment();
    }
  }

  /**
   * A referral change (a version of a Task or of a related resource) the poller could not handle
   * for a reason of its own and set aside (ADR 0062); labelled with the resource type only.
   */
  public void referralChangeSkipped(String resourceType) {
    Counter.builder(REFERRAL_SKIPPED)
        .description("Referral changes set aside as unusable (malformed, unreadable, unmappable)")
        .tag(
            "resource",
            RESOURCE_TYPE.matcher(String.valueOf(resourceType)).matches() ? resourceType : "other")
        .register(registry)
        .increment();
  }

  /** The time the regional validator took on one resource, and whether it found errors. */
  public void validation(String resourceType, boolean valid, long nanos) {
    Timer.builder(VALIDATION)
        .description("Regional profile validation of one resource")
        .tag(
            "resource",
            RESOURCE_TYPE.matcher(String.valueOf(resourceType)).matches() ? resourceType : "other")
        .tag("outcome", valid ? "valid" : "invalid")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }

  static String code(String code) {
    return code != null && CODE.matcher(code).matches() ? code : "other";
  }

  static String word(String word) {
    return word != null && WORD.matcher(word).matches() ? word : "other";
  }
}
