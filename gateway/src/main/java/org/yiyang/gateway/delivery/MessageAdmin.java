package org.yiyang.gateway.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.journal.Journal;
import org.yiyang.gateway.journal.JournalMessage;
import org.yiyang.gateway.journal.MessageFilter;
import org.yiyang.gateway.journal.MessageState;
import org.yiyang.gateway.security.Caller;
import org.yiyang.gateway.security.Role;
import org.yiyang.gateway.security.Tenancy;
import org.yiyang.profiles.ErrorCode;

/**
 * The journal as operators see it: message status (state, attempts, error codes; never the payload
 * nor any record value), dead-letter listing, and replay of dead messages once the cause is fixed.
 */
@Component
public class MessageAdmin {

  public static final int MAX_PAGE_SIZE = 500;
  public static final int MAX_BULK_REPLAY = 10_000;

  /** Dead messages read per query by bulk replay. */
  static final int REPLAY_PAGE = 500;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Journal journal;
  private final DeliveryWorker worker;

  public MessageAdmin(Journal journal, DeliveryWorker worker) {
    this.journal = journal;
    this.worker = worker;
  }

  /** Query parameters of listing and bulk replay, as received. */
  public record Query(String state, String facility, String flow, String since, String until) {}

  /** A message's status; another facility's message answers as a missing one (ADR 0050). */
  public ApiResponse status(String id, Caller caller) {
    return ApiResponse.of(200, view(find(id, caller)), "ok");
  }

  /** Messages matching the filter; a facility lists its own only. */
  public ApiResponse list(Query query, int page, int size, Caller caller) {
    Query scoped = scoped(query, caller);
    if (scoped == null) {
      return list(
          new Query(query.state(), NO_FACILITY, query.flow(), query.since(), query.until()),
          page,
          size);
    }
    return list(scoped, page, size);
  }

  /**
   * The query a caller may run: a facility's is limited to its own messages; {@code null} when it
   * asks for another facility's (answered as an empty list, as for a facility with none).
   */
  private static Query scoped(Query query, Caller caller) {
    if (caller != null && caller.is(Role.OPERATOR)) {
      return query;
    }
    if (caller == null
        || caller.uscc() == null
        || (query.facility() != null && !caller.actsFor(query.facility()))) {
      return null;
    }
    return new Query(query.state(), caller.uscc(), query.flow(), query.since(), query.until());
  }

  /** A facility code no message has (USCCs are 18 characters): an empty list. */
  private static final String NO_FACILITY = "-";

  private ApiResponse list(Query query, int page, int size) {
    if (page < 0) {
      throw invalid("page", "page must be 0 or more.");
    }
    if (size < 1 || size > MAX_PAGE_SIZE) {
      throw invalid("size", "size must be between 1 and " + MAX_PAGE_SIZE + ".");
    }
    Journal.Page found = journal.list(filter(query), page, size);
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("total", found.total());
    body.put("page", page);
    body.put("size", size);
    ArrayNode items = body.putArray("messages");
    found.items().forEach(m -> items.add(view(m)));
    return ApiResponse.of(200, body, "ok");
  }

  /** Puts one dead message back in line; 409 unless it is dead and still the latest delivered. */
  public ApiResponse replay(String id, Caller caller) {
    JournalMessage m = find(id, caller);
    if (m.state() != MessageState.DEAD) {
      throw GatewayException.of(
          ErrorCode.CONFLICT,
          "state",
          "Only dead messages are replayed; this message is " + m.state().db() + ".");
    }
    if (journal.superseded(m)) {
      throw GatewayException.of(
          ErrorCode.CONFLICT,
          "",
          "A later message for the same record has been delivered; replaying this one would"
              + " overwrite it.");
    }
    if (!journal.replay(id, Instant.now())) {
      throw GatewayException.of(
          ErrorCode.CONFLICT, "state", "The message changed state meanwhile; read it again.");
    }
    worker.dispatch(id);
    return ApiResponse.of(202, view(find(id, caller)), "replayed")
        .withHeader("Location", MessageIntake.MESSAGES_PATH + id);
  }

  /** Replays every dead message matching the filter (at most {@link #MAX_BULK_REPLAY}). */
  public ApiResponse replayAll(Query query, Caller caller) {
    Query scoped = scoped(query, caller);
    if (scoped == null) {
      scoped = new Query(query.state(), NO_FACILITY, query.flow(), query.since(), query.until());
    }
    return replayAll(scoped);
  }

  private ApiResponse replayAll(Query query) {
    if (query.state() != null && !"dead".equals(query.state())) {
      throw invalid("state", "Only dead messages are replayed: state must be dead or absent.");
    }
    MessageFilter filter =
        filter(new Query("dead", query.facility(), query.flow(), query.since(), query.until()));
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode replayed = JsonNodeFactory.instance.arrayNode();
    int skipped = 0;
    Instant now = Instant.now();
    long matched = journal.count(filter);
    // A page of keys at a time, never every matching row (results, outcomes) at once.
    long after = 0;
    int seen = 0;
    while (seen < MAX_BULK_REPLAY) {
      List<Journal.Key> page =
          journal.keysAfter(filter, after, Math.min(REPLAY_PAGE, MAX_BULK_REPLAY - seen));
      if (page.isEmpty()) {
        break;
      }
      for (Journal.Key m : page) {
        if (journal.superseded(m) || !journal.replay(m.id(), now)) {
          skipped++;
        } else {
          replayed.add(m.id());
        }
      }
      seen += page.size();
      after = page.get(page.size() - 1).seq();
    }
    body.put("matched", matched);
    body.put("replayed", replayed.size());
    body.put("skipped", skipped);
    body.set("messages", replayed);
    return ApiResponse.of(202, body, "replayed");
  }

  private JournalMessage find(String id, Caller caller) {
    if (id == null || !id.matches("^[0-9a-f-]{36}$")) {
      throw notFound();
    }
    return journal
        .find(id)
        .filter(m -> Tenancy.mayRead(caller, m.facilityCode()))
        .orElseThrow(MessageAdmin::notFound);
  }

  private static GatewayException notFound() {
    return GatewayException.of(ErrorCode.NOT_FOUND, "id", "No message has this id.");
  }

  /** A message's status: no payload, no record values, no idempotency key. */
  static ObjectNode view(JournalMessage m) {
    ObjectNode v = JsonNodeFactory.instance.objectNode();
    v.put("id", m.id());
    v.put("flow", m.flow());
    v.put("facility", m.facilityCode());
    v.put("state", m.state().db());
    v.put("attempts", m.attempts());
    v.put("replays", m.replays());
    v.put("createdAt", m.createdAt().toString());
    v.put("updatedAt", m.updatedAt().toString());
    if (MessageState.PENDING.contains(m.state())) {
      v.put("nextAttemptAt", m.nextAttemptAt().toString());
    }
    if (m.deliveredAt() != null) {
      v.put("deliveredAt", m.deliveredAt().toString());
    }
    if (m.resultStatus() != null) {
      ObjectNode result = v.putObject("result");
      result.put("status", m.resultStatus());
      if (m.resultLocation() != null) {
        result.put("location", m.resultLocation());
      }
    }
    if (m.lastErrorCode() != null) {
      ObjectNode error = v.putObject("lastError");
      error.put("code", m.lastErrorCode());
      if (m.lastHttpStatus() != null) {
        error.put("httpStatus", m.lastHttpStatus());
      }
      if (m.lastOutcome() != null) {
        try {
          error.set("outcome", JSON.readTree(m.lastOutcome()));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("The journal holds an outcome that is not JSON", e);
        }
      }
    }
    return v;
  }

  private static MessageFilter filter(Query q) {
    MessageState state = null;
    if (q.state() != null && !q.state().isBlank()) {
      try {
        state = MessageState.valueOf(q.state().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw invalid("state", "state must be one of received, mapped, delivered, failed, dead.");
      }
    }
    return new MessageFilter(
        state,
        blankToNull(q.facility()),
        blankToNull(q.flow()),
        instant(q.since(), "since"),
        instant(q.until(), "until"));
  }

  private static Instant instant(String value, String field) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw invalid(field, field + " must be a date-time with offset, e.g. 2026-01-31T08:00:00Z.");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static GatewayException invalid(String field, String message) {
    return GatewayException.of(ErrorCode.INVALID_VALUE, field, message);
  }
}
