package org.yiyang.gateway.delivery;

import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionCallback;
import org.yiyang.gateway.audit.AuditTrail;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.journal.Journal;
import org.yiyang.gateway.journal.JournalMessage;
import org.yiyang.gateway.journal.MessageState;
import org.yiyang.gateway.journal.NewMessage;
import org.yiyang.gateway.security.FairShare;
import org.yiyang.gateway.storage.DataDirSpace;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.Fhir;

/**
 * Accepts a mapped, valid message: journals it before anything is answered, starts its delivery,
 * and answers with the FHIR result if delivery ends within the sync deadline, else 202 with the
 * message's status URL. A duplicate (same idempotency key) gets the original message's answer.
 */
@Component
public class MessageIntake {

  public static final String MESSAGES_PATH = "/api/v1/messages/";
  public static final String MESSAGE_ID_HEADER = "X-Message-Id";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.util.regex.Pattern IDEMPOTENCY_KEY =
      java.util.regex.Pattern.compile("^[A-Za-z0-9._:-]{1,100}$");

  private final Journal journal;
  private final DeliveryWorker worker;
  private final GatewayProperties properties;
  private final AuditTrail audit;
  private final DataDirSpace space;

  public MessageIntake(
      Journal journal,
      DeliveryWorker worker,
      GatewayProperties properties,
      AuditTrail audit,
      DataDirSpace space) {
    this.journal = journal;
    this.worker = worker;
    this.properties = properties;
    this.audit = audit;
    this.space = space;
  }

  /**
   * Refuses new work with 503 + Retry-After while the disk is nearly full (GW-9025) or the
   * undelivered backlog is over its bound (GW-9003).
   */
  public void requireCapacity() {
    space.requireSpace();
    if (journal.backlog() >= properties.journal().maxBacklog()) {
      throw new BacklogFullException(properties.journal().retryAfter());
    }
  }

  /** Whether the record with this ordering key has a message still waiting in the journal. */
  public boolean hasUndelivered(String orderingKey) {
    return journal.hasPending(orderingKey);
  }

  /**
   * Journals and delivers a flow's transaction Bundle. The idempotency key is the caller's {@code
   * Idempotency-Key}, else derived from the record's latest journaled message: a resend equal to
   * that latest version is the same message, anything else (a changed record, or an earlier version
   * sent again after a correction: A, B, A) is a new one. The key names the version it follows, so
   * concurrent identical resends still make one message.
   */
  public ApiResponse submitBundle(
      String flow,
      String facilityCode,
      String orderingKey,
      String recordNo,
      String idempotencyKey,
      String correlationId,
      Bundle transaction) {
    String payload = Fhir.r4().newJsonParser().encodeResourceToString(transaction);
    String contentHash = sha256(payload);
    String recordKey = sha256(flow + "|" + facilityCode + "|" + recordNo);
    String key;
    if (idempotencyKey == null || idempotencyKey.isEmpty()) {
      Optional<JournalMessage> latest = journal.latest(recordKey);
      if (latest.isPresent() && latest.get().contentHash().equals(contentHash)) {
        key = latest.get().idempotencyKey();
      } else {
        long after = latest.map(JournalMessage::seq).orElse(0L);
        key =
            flow
                + "|"
                + facilityCode
                + "|"
                + sha256(recordKey + "|" + contentHash + "|after:" + after);
      }
    } else if (IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
      key = flow + "|" + facilityCode + "|key:" + idempotencyKey;
    } else {
      throw GatewayException.of(
          ErrorCode.INVALID_VALUE,
          "Idempotency-Key",
          "Idempotency-Key must be 1 to 100 letters, digits, '.', '_', ':' or '-'.");
    }
    boolean explicitKey = idempotencyKey != null && !idempotencyKey.isEmpty();
    return submit(
        new NewMessage(
            flow, facilityCode, orderingKey, recordKey, key, contentHash, payload, correlationId),
        explicitKey);
  }

  /** Hex SHA-256 of a text: keys and content hashes, never stored with personal data beside. */
  public static String sha256(String text) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Journals and delivers one message; see the class comment for the answers. A duplicate sent with
   * the caller's own {@code Idempotency-Key} gets the original answer, as that header promises. A
   * resend of the record's latest version without the header is the same message too (no second
   * write), but it created nothing: it is answered {@code 200 unchanged}, not 201. A resend of a
   * dead message (one the FHIR server refused, or whose attempts ran out) is a new attempt: the
   * sender has fixed something or waited, so the message is put back in line with fresh attempts,
   * as an operator's replay would, and answered as a fresh submission (never the stored refusal).
   */
  public ApiResponse submit(NewMessage message, boolean explicitKey) {
    long deadline = System.nanoTime() + properties.delivery().syncDeadline().toNanos();
    Journal.Appended appended = appendAudited(message);
    JournalMessage journaled = appended.message();
    if (appended.duplicate() && !journaled.contentHash().equals(message.contentHash())) {
      throw GatewayException.of(
          ErrorCode.CONFLICT,
          "Idempotency-Key",
          "This Idempotency-Key was already used for a different record; use a new key.");
    }
    boolean resentDead =
        appended.duplicate()
            && journaled.state() == MessageState.DEAD
            && isLatest(journaled, message.recordKey())
            && journal.replay(journaled.id(), Instant.now());
    // A duplicate joins the original's delivery if it is under way (or starts it if it is due).
    Optional<CompletableFuture<Void>> delivery;
    try {
      delivery = worker.dispatch(journaled.id());
    } catch (DataAccessException claimFailed) {
      // Journaled and committed: the poller delivers it; the sender hears 202 meanwhile.
      delivery = Optional.empty();
    }
    // From here the request only waits for its delivery: its work slot goes to the next client.
    FairShare.releaseWhileWaiting();
    delivery.ifPresent(d -> await(d, deadline));
    ApiResponse answer = answer(journal.find(journaled.id()).orElseThrow());
    if (appended.duplicate() && !resentDead && !explicitKey && answer.status() == 201) {
      return unchanged(answer);
    }
    return answer;
  }

  /**
   * Whether a message is its record's latest: only then may a resend put it back in line (a later
   * version would be overwritten). Messages journaled before V51 have no record key; for them a
   * later delivered message of the same ordering key decides, as for an operator's replay.
   */
  private boolean isLatest(JournalMessage m, String recordKey) {
    Optional<JournalMessage> latest =
        recordKey == null ? Optional.empty() : journal.latest(recordKey);
    return latest.map(l -> l.id().equals(m.id())).orElseGet(() -> !journal.superseded(m));
  }

  /**
   * Journals a message and its request's audit record in one transaction (ADR 0055): a message is
   * never accepted unaudited, even by a gateway killed before it answers. A duplicate is not
   * journaled, so its request is audited when it is answered. One retry: on PostgreSQL a concurrent
   * sender's duplicate key aborts this transaction; the second try finds its message.
   */
  private Journal.Appended appendAudited(NewMessage message) {
    TransactionCallback<Journal.Appended> appendAndAudit =
        tx -> {
          Journal.Appended appended = journal.append(message, Instant.now());
          if (!appended.duplicate()) {
            audit.journaled(appended.message());
          }
          return appended;
        };
    try {
      return audit.transactions().execute(appendAndAudit);
    } catch (DataAccessException raced) {
      return audit.transactions().execute(appendAndAudit);
    }
  }

  private static ApiResponse unchanged(ApiResponse created) {
    Object body = created.body();
    if (body instanceof ObjectNode node) {
      ObjectNode copy = node.deepCopy();
      copy.put("outcome", "unchanged");
      body = copy;
    }
    return new ApiResponse(200, created.headers(), body, "unchanged");
  }

  private static void await(CompletableFuture<Void> delivery, long deadlineNanos) {
    try {
      delivery.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // Still delivering: the caller gets 202 and the delivery goes on.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // The attempt recorded its own outcome in the journal.
    }
  }

  /** What the sender of a message is answered, from its journal entry. */
  public ApiResponse answer(JournalMessage m) {
    if (m.state() == MessageState.DELIVERED && m.resultStatus() != null) {
      ApiResponse r = ApiResponse.of(m.resultStatus(), parse(m.resultBody()), outcomeOf(m));
      if (m.resultLocation() != null) {
        r = r.withHeader("Location", m.resultLocation());
      }
      return r.withHeader(MESSAGE_ID_HEADER, m.id());
    }
    if (m.state() == MessageState.DEAD && m.lastOutcome() != null) {
      ErrorCode code = errorCode(m.lastErrorCode()).orElse(ErrorCode.INTERNAL);
      IParser parser = Fhir.r4().newJsonParser();
      OperationOutcome oo = parser.parseResource(OperationOutcome.class, m.lastOutcome());
      return ApiResponse.of(code.httpStatus(), oo, code.code())
          .withHeader(MESSAGE_ID_HEADER, m.id())
          .withHeader("Content-Location", MESSAGES_PATH + m.id());
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("outcome", "accepted");
    body.put("message", m.id());
    body.put("state", m.state().db());
    body.put("status", MESSAGES_PATH + m.id());
    return ApiResponse.of(202, body, "accepted")
        .withHeader("Location", MESSAGES_PATH + m.id())
        .withHeader(MESSAGE_ID_HEADER, m.id());
  }

  private static String outcomeOf(JournalMessage m) {
    return m.resultStatus() == 201 ? "created" : m.resultStatus() == 200 ? "updated" : "delivered";
  }

  static Optional<ErrorCode> errorCode(String code) {
    return Arrays.stream(ErrorCode.values()).filter(c -> c.code().equals(code)).findFirst();
  }

  private static JsonNode parse(String body) {
    if (body == null) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("The journal holds a result that is not JSON", e);
    }
  }

  /** The backlog bound is reached; carries the Retry-After to announce. */
  public static class BacklogFullException extends GatewayException {
    private final Duration retryAfter;

    public BacklogFullException(Duration retryAfter) {
      super(
          ErrorCode.BACKLOG_FULL,
          java.util.List.of(
              new GatewayException.Issue(
                  ErrorCode.BACKLOG_FULL,
                  "",
                  "The gateway holds too many undelivered messages; send again after "
                      + retryAfter.toSeconds()
                      + " seconds.")));
      this.retryAfter = retryAfter;
    }

    @Override
    public java.util.Map<String, String> headers() {
      return java.util.Map.of("Retry-After", String.valueOf(Math.max(1, retryAfter.toSeconds())));
    }
  }
}
