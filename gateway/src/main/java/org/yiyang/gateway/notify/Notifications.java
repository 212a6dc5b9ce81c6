package org.yiyang.gateway.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.delivery.DeliveryWorker;
import org.yiyang.gateway.delivery.MessageIntake;
import org.yiyang.gateway.journal.Journal;
import org.yiyang.gateway.journal.NewMessage;

/**
 * Journals one notification per change and facility, for the delivery worker to push to the
 * facility's webhook. The idempotency key (facility, Task id, version) makes a change journaled
 * once however often it is noticed; the ordering key (facility, referral) keeps one referral's
 * notifications in order. A notification is thin (ADR 0054): the event, ids and a link, never the
 * referral's content; the facility reads that with its own token.
 */
@Component
public class Notifications {

  public static final String FLOW = "referral.notify";

  /** A referral was first seen (a new up-referral, or a down-referral created by a hospital). */
  public static final String CREATED = "referral.created";

  /** The referral's Task moved to another state. */
  public static final String STATUS_CHANGED = "referral.status-changed";

  /** Where the facility reads the referral, relative to the gateway's base URL. */
  public static final String REFERRAL_PATH = "/api/v1/referrals/";

  /** Every text field a notification may carry; nothing else is ever sent. */
  private static final List<String> TEXT_FIELDS =
      List.of(
          "eventId",
          "event",
          "facilityCode",
          "referralId",
          "taskId",
          "status",
          "previousStatus",
          "occurredAt");

  private final Journal journal;
  private final DeliveryWorker worker;
  private final Webhooks webhooks;

  public Notifications(Journal journal, DeliveryWorker worker, Webhooks webhooks) {
    this.journal = journal;
    this.worker = worker;
    this.webhooks = webhooks;
  }

  /** One change of a referral Task, as it will be told to a facility. */
  public record Change(
      String event,
      String referralId,
      String taskId,
      long taskVersion,
      String status,
      String previousStatus,
      Instant occurredAt) {}

  /**
   * Journals the change for the facility if it has a webhook; returns whether it did. A facility
   * without a webhook gets nothing and reads the referral itself.
   */
  public boolean publish(String facilityCode, Change change) {
    if (webhooks.find(facilityCode).isEmpty()) {
      return false;
    }
    String eventId = eventId(facilityCode, change.taskId(), change.taskVersion());
    String payload = envelope(eventId, facilityCode, change).toString();
    Journal.Appended appended =
        journal.append(
            new NewMessage(
                FLOW,
                facilityCode,
                MessageIntake.sha256(FLOW + "|" + facilityCode + "|" + change.referralId()),
                FLOW + "|" + facilityCode + "|" + change.taskId() + "|" + change.taskVersion(),
                MessageIntake.sha256(payload),
                payload,
                eventId),
            Instant.now());
    if (!appended.duplicate()) {
      worker.dispatch(appended.message().id());
    }
    return true;
  }

  /** Stable per facility and Task version, so receivers can drop a repeat. */
  static String eventId(String facilityCode, String taskId, long version) {
    return UUID.nameUUIDFromBytes(
            (FLOW + "|" + facilityCode + "|" + taskId + "|" + version)
                .getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  static ObjectNode envelope(String eventId, String facilityCode, Change change) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("eventId", eventId);
    e.put("event", change.event());
    e.put("facilityCode", facilityCode);
    e.put("referralId", change.referralId());
    e.put("taskId", change.taskId());
    e.put("taskVersion", change.taskVersion());
    e.put("status", change.status());
    if (change.previousStatus() != null) {
      e.put("previousStatus", change.previousStatus());
    }
    e.put("occurredAt", change.occurredAt().toString());
    e.putObject("links").put("referral", REFERRAL_PATH + change.referralId());
    return e;
  }

  /**
   * What is sent of a journaled notification: the thin form's fields only, in its order, even for
   * one journaled before notifications became thin (which carried the whole referral).
   */
  static ObjectNode thin(JsonNode journaled) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    for (String field : TEXT_FIELDS) {
      JsonNode value = journaled.get(field);
      if (value != null && value.isTextual()) {
        e.put(field, value.asText());
      }
      if (field.equals("taskId") && journaled.path("taskVersion").isIntegralNumber()) {
        e.put("taskVersion", journaled.path("taskVersion").asLong());
      }
    }
    if (journaled.path("referralId").isTextual()) {
      e.putObject("links").put("referral", REFERRAL_PATH + journaled.path("referralId").asText());
    }
    return e;
  }
}
