package org.yiyang.gateway.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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

  /**
   * The hospital booked, moved or declined the referral's green-channel Appointment (ADR 0062; the
   * workflow descriptor's {@code related} names it).
   */
  public static final String GREEN_CHANNEL_CHANGED = "referral.green-channel-changed";

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

  /**
   * The objects a notification of a related resource may carry (the descriptor's {@code field})
   * and, in each, the only text fields sent; a workflow whose related event names anything else
   * does not start ({@link #checkSendable}).
   */
  static final Map<String, List<String>> OBJECT_FIELDS =
      Map.of("greenChannel", List.of("status", "previousStatus", "start", "end"));

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

  /**
   * One change of a resource related to a referral (its green-channel Appointment), as it will be
   * told to a facility.
   *
   * @param field the event's object ({@code greenChannel})
   * @param values what is told of the resource's new version (status, start, end)
   */
  public record RelatedChange(
      String event,
      String referralId,
      String resourceType,
      String resourceId,
      long version,
      String field,
      Map<String, String> values,
      String previousStatus,
      Instant occurredAt) {}

  /** As {@link #publish(String, Change)}, for a change of a related resource. */
  public boolean publish(String facilityCode, RelatedChange change) {
    if (webhooks.find(facilityCode).isEmpty()) {
      return false;
    }
    String key = change.resourceType() + "/" + change.resourceId();
    String eventId = eventId(facilityCode, key, change.version());
    String payload = envelope(eventId, facilityCode, change).toString();
    Journal.Appended appended =
        journal.append(
            new NewMessage(
                FLOW,
                facilityCode,
                MessageIntake.sha256(FLOW + "|" + facilityCode + "|" + change.referralId()),
                FLOW + "|" + facilityCode + "|" + key + "|" + change.version(),
                MessageIntake.sha256(payload),
                payload,
                eventId),
            Instant.now());
    if (!appended.duplicate()) {
      worker.dispatch(appended.message().id());
    }
    return true;
  }

  /**
   * @throws IllegalStateException when a related event would carry an object or a value the thin
   *     form does not send
   */
  static void checkSendable(String event, String field, Collection<String> values) {
    List<String> sent = OBJECT_FIELDS.get(field);
    if (sent == null) {
      throw new IllegalStateException(
          event + ": a notification cannot carry '" + field + "'; sent are " + OBJECT_FIELDS);
    }
    for (String value : values) {
      if (!sent.contains(value) || value.equals("previousStatus")) {
        throw new IllegalStateException(
            event + ": '" + field + "." + value + "' is not sent; sent are " + sent);
      }
    }
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

  static ObjectNode envelope(String eventId, String facilityCode, RelatedChange change) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("eventId", eventId);
    e.put("event", change.event());
    e.put("facilityCode", facilityCode);
    e.put("referralId", change.referralId());
    ObjectNode o = e.putObject(change.field());
    change.values().forEach(o::put);
    if (change.previousStatus() != null) {
      o.put("previousStatus", change.previousStatus());
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
      if (field.equals("referralId")) {
        OBJECT_FIELDS.forEach(
            (name, sent) -> {
              JsonNode object = journaled.get(name);
              if (object != null && object.isObject()) {
                ObjectNode o = e.putObject(name);
                for (String s : sent) {
                  if (object.path(s).isTextual()) {
                    o.put(s, object.path(s).asText());
                  }
                }
              }
            });
      }
    }
    if (journaled.path("referralId").isTextual()) {
      e.putObject("links").put("referral", REFERRAL_PATH + journaled.path("referralId").asText());
    }
    return e;
  }
}
