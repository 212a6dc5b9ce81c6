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
import org.yiyang.gateway.workflow.WorkflowDescriptor;

/**
 * Journals one notification per change and facility, for the delivery worker to push to the
 * facility's webhook. Each workflow has its own journal flow ({@code <workflow>.notify}: {@code
 * referral.notify}, {@code consultation.notify}). The idempotency key (facility, Task id, version)
 * makes a change journaled once however often it is noticed; the ordering key (facility, instance)
 * keeps one instance's notifications in order. A notification is thin (ADR 0054): the event, ids
 * and a link, never the instance's content; the facility reads that with its own token.
 */
@Component
public class Notifications {

  /** The journal flow of the referral workflow's notifications. */
  public static final String FLOW = flowOf("referral");

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

  private static final String FLOW_SUFFIX = ".notify";

  /**
   * The objects a notification of a related resource may carry (the descriptor's {@code field})
   * and, in each, the only text fields sent; a workflow whose related event names anything else
   * does not start ({@link #checkSendable}).
   */
  static final Map<String, List<String>> OBJECT_FIELDS =
      Map.of("greenChannel", List.of("status", "previousStatus", "start", "end"));

  /** The text fields a notification carries besides the instance's id, in their order. */
  private static final List<String> BEFORE_ID = List.of("eventId", "event", "facilityCode");

  private static final List<String> AFTER_ID =
      List.of("taskId", "status", "previousStatus", "occurredAt");

  private final Journal journal;
  private final DeliveryWorker worker;
  private final Webhooks webhooks;

  public Notifications(Journal journal, DeliveryWorker worker, Webhooks webhooks) {
    this.journal = journal;
    this.worker = worker;
    this.webhooks = webhooks;
  }

  /** The journal flow of a workflow's notifications. */
  public static String flowOf(String workflow) {
    return workflow + FLOW_SUFFIX;
  }

  /** Whether a journal flow carries webhook notifications (of any workflow). */
  public static boolean isNotifyFlow(String flow) {
    return flow != null && flow.endsWith(FLOW_SUFFIX);
  }

  /**
   * How a workflow's instances are named in its notifications: the id field ({@code referralId})
   * and the link ({@code links.referral}: {@code /api/v1/referrals/<id>}).
   *
   * @param workflow the workflow's name, which names its journal flow
   * @param idField the field carrying the instance's id
   * @param link the name of the link to the instance
   * @param path where the facility reads an instance, its id appended
   */
  public record Instance(String workflow, String idField, String link, String path) {

    public static Instance of(WorkflowDescriptor w) {
      return new Instance(w.name(), w.idField(), w.noun(), "/api/v1/" + w.path() + "/");
    }

    /** The referral workflow's, for notifications journaled before there were others. */
    public static final Instance REFERRAL =
        new Instance("referral", "referralId", "referral", "/api/v1/referrals/");
  }

  /** One change of a workflow's Task, as it will be told to a facility. */
  public record Change(
      Instance instance,
      String event,
      String instanceId,
      String taskId,
      long taskVersion,
      String status,
      String previousStatus,
      Instant occurredAt) {}

  /**
   * Journals the change for the facility if it has a webhook; returns whether it did. A facility
   * without a webhook gets nothing and reads the instance itself.
   */
  public boolean publish(String facilityCode, Change change) {
    if (webhooks.find(facilityCode).isEmpty()) {
      return false;
    }
    String flow = flowOf(change.instance().workflow());
    String eventId = eventId(flow, facilityCode, change.taskId(), change.taskVersion());
    journal(
        flow,
        facilityCode,
        change.instanceId(),
        change.taskId() + "|" + change.taskVersion(),
        eventId,
        envelope(eventId, facilityCode, change).toString());
    return true;
  }

  /**
   * Journals one notification for delivery: ordered per facility and instance, once per facility
   * and changed version ({@code versionKey}), and dispatches it when it is new.
   */
  private void journal(
      String flow,
      String facilityCode,
      String instanceId,
      String versionKey,
      String eventId,
      String payload) {
    Journal.Appended appended =
        journal.append(
            new NewMessage(
                flow,
                facilityCode,
                MessageIntake.sha256(flow + "|" + facilityCode + "|" + instanceId),
                flow + "|" + facilityCode + "|" + versionKey,
                MessageIntake.sha256(payload),
                payload,
                eventId),
            Instant.now());
    if (!appended.duplicate()) {
      worker.dispatch(appended.message().id());
    }
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
    journal(
        FLOW,
        facilityCode,
        change.referralId(),
        key + "|" + change.version(),
        eventId,
        envelope(eventId, facilityCode, change).toString());
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

  /** Stable per facility and referral Task version, so receivers can drop a repeat. */
  static String eventId(String facilityCode, String taskId, long version) {
    return eventId(FLOW, facilityCode, taskId, version);
  }

  /** Stable per notification flow, facility and Task version. */
  static String eventId(String flow, String facilityCode, String taskId, long version) {
    return UUID.nameUUIDFromBytes(
            (flow + "|" + facilityCode + "|" + taskId + "|" + version)
                .getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  static ObjectNode envelope(String eventId, String facilityCode, Change change) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("eventId", eventId);
    e.put("event", change.event());
    e.put("facilityCode", facilityCode);
    e.put(change.instance().idField(), change.instanceId());
    e.put("taskId", change.taskId());
    e.put("taskVersion", change.taskVersion());
    e.put("status", change.status());
    if (change.previousStatus() != null) {
      e.put("previousStatus", change.previousStatus());
    }
    e.put("occurredAt", change.occurredAt().toString());
    e.putObject("links")
        .put(change.instance().link(), change.instance().path() + change.instanceId());
    return e;
  }

  /**
   * What is sent of a journaled notification: the thin form's fields only, in its order, even for
   * one journaled before notifications became thin (which carried the whole referral). The instance
   * is named by the id field of whichever workflow's it is.
   */
  static ObjectNode thin(JsonNode journaled, Collection<Instance> instances) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    BEFORE_ID.forEach(field -> copyText(journaled, e, field));
    Instance named = null;
    for (Instance instance : instances) {
      if (named == null && journaled.path(instance.idField()).isTextual()) {
        named = instance;
        copyText(journaled, e, instance.idField());
      }
    }
    // A related resource's change (the green channel): its object, with the fields sent only.
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
    for (String field : AFTER_ID) {
      copyText(journaled, e, field);
      if (field.equals("taskId") && journaled.path("taskVersion").isIntegralNumber()) {
        e.put("taskVersion", journaled.path("taskVersion").asLong());
      }
    }
    if (named != null) {
      e.putObject("links")
          .put(named.link(), named.path() + journaled.path(named.idField()).asText());
    }
    return e;
  }

  private static void copyText(JsonNode from, ObjectNode to, String field) {
    JsonNode value = from.get(field);
    if (value != null && value.isTextual()) {
      to.put(field, value.asText());
    }
  }
}
