package org.yiyang.gateway.journal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * The durable message journal: every accepted message is inserted here before the caller is
 * answered, and every state change of its delivery is a single-row update. Delivery attempts are
 * claimed with a lease, so an attempt lost in a crash is taken up again once the lease ends.
 */
@Component
public class Journal {

  private static final String PENDING = "('received', 'mapped', 'failed')";

  private static final String COLUMNS =
      "seq, id, flow, facility_code, ordering_key, idempotency_key, content_hash, state, attempts,"
          + " replays, next_attempt_at, created_at, updated_at, delivered_at, correlation_id,"
          + " last_error_code, last_http_status, last_outcome, result_status, result_location,"
          + " result_body, payload";

  private final JdbcTemplate jdbc;

  public Journal(@Qualifier(JournalConfig.JDBC) JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The outcome of {@link #append}: the journaled message, or the earlier one with the same key.
   */
  public record Appended(JournalMessage message, boolean duplicate) {}

  /** Inserts a message in state {@code mapped}, due now; a duplicate key returns the original. */
  public Appended append(NewMessage m, Instant now) {
    Optional<JournalMessage> existing = findByIdempotencyKey(m.idempotencyKey());
    if (existing.isPresent()) {
      return new Appended(existing.get(), true);
    }
    String id = UUID.randomUUID().toString();
    try {
      jdbc.update(
          "INSERT INTO message (id, flow, facility_code, ordering_key, idempotency_key,"
              + " content_hash, state, attempts, replays, next_attempt_at, created_at, updated_at,"
              + " correlation_id, payload) VALUES (?, ?, ?, ?, ?, ?, 'mapped', 0, 0, ?, ?, ?, ?, ?)",
          id,
          m.flow(),
          m.facilityCode(),
          m.orderingKey(),
          m.idempotencyKey(),
          m.contentHash(),
          ts(now),
          ts(now),
          ts(now),
          m.correlationId(),
          m.payload());
    } catch (DuplicateKeyException raced) {
      // A concurrent sender with the same key won the insert; its message is the message.
      return new Appended(findByIdempotencyKey(m.idempotencyKey()).orElseThrow(() -> raced), true);
    }
    return new Appended(find(id).orElseThrow(), false);
  }

  public Optional<JournalMessage> find(String id) {
    return jdbc.query("SELECT " + COLUMNS + " FROM message WHERE id = ?", ROW, id).stream()
        .findFirst();
  }

  public Optional<JournalMessage> findByIdempotencyKey(String key) {
    return jdbc
        .query("SELECT " + COLUMNS + " FROM message WHERE idempotency_key = ?", ROW, key)
        .stream()
        .findFirst();
  }

  /**
   * Ids of messages due for an attempt: pending, due, not leased, and first of their ordering key
   * (a message waits while an earlier one for the same record is pending).
   */
  public List<String> due(Instant now, int limit) {
    return jdbc.queryForList(
        "SELECT m.id FROM message m WHERE m.state IN ('mapped', 'failed')"
            + " AND m.next_attempt_at <= ? AND (m.lease_until IS NULL OR m.lease_until < ?)"
            + " AND NOT EXISTS (SELECT 1 FROM message p WHERE p.ordering_key = m.ordering_key"
            + " AND p.seq < m.seq AND p.state IN "
            + PENDING
            + ") ORDER BY m.next_attempt_at, m.seq LIMIT ?",
        String.class,
        ts(now),
        ts(now),
        limit);
  }

  /**
   * Claims one attempt at a message: succeeds only if it is pending, due, not leased, and no
   * earlier message for the same record is pending. Counts the attempt, so a message that crashes
   * the gateway still runs out of attempts.
   */
  public boolean claim(String id, String owner, Instant now, Instant leaseUntil) {
    return jdbc.update(
            "UPDATE message SET lease_owner = ?, lease_until = ?, attempts = attempts + 1,"
                + " updated_at = ? WHERE id = ? AND state IN ('mapped', 'failed')"
                + " AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)"
                + " AND NOT EXISTS (SELECT 1 FROM message p WHERE p.ordering_key ="
                + " message.ordering_key AND p.seq < message.seq AND p.state IN "
                + PENDING
                + ")",
            owner,
            ts(leaseUntil),
            ts(now),
            id,
            ts(now),
            ts(now))
        == 1;
  }

  /** Records a delivery and the FHIR server's answer (kept for duplicate senders). */
  public boolean delivered(
      String id, String owner, Instant now, int status, String location, String body) {
    return jdbc.update(
            "UPDATE message SET state = 'delivered', delivered_at = ?, updated_at = ?,"
                + " result_status = ?, result_location = ?, result_body = ?, lease_owner = NULL,"
                + " lease_until = NULL WHERE id = ? AND lease_owner = ?",
            ts(now),
            ts(now),
            status,
            location,
            body,
            id,
            owner)
        == 1;
  }

  /** Records a transient failure; the message is due again at {@code nextAttemptAt}. */
  public boolean failed(
      String id,
      String owner,
      Instant now,
      Instant nextAttemptAt,
      String errorCode,
      Integer httpStatus,
      String outcome) {
    return jdbc.update(
            "UPDATE message SET state = 'failed', next_attempt_at = ?, updated_at = ?,"
                + " last_error_code = ?, last_http_status = ?, last_outcome = ?, lease_owner ="
                + " NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?",
            ts(nextAttemptAt),
            ts(now),
            errorCode,
            httpStatus,
            outcome,
            id,
            owner)
        == 1;
  }

  /** Moves a message to the dead letters: it is not attempted again unless replayed. */
  public boolean dead(
      String id, String owner, Instant now, String errorCode, Integer httpStatus, String outcome) {
    return jdbc.update(
            "UPDATE message SET state = 'dead', updated_at = ?, last_error_code = ?,"
                + " last_http_status = ?, last_outcome = ?, lease_owner = NULL, lease_until = NULL"
                + " WHERE id = ? AND lease_owner = ?",
            ts(now),
            errorCode,
            httpStatus,
            outcome,
            id,
            owner)
        == 1;
  }

  /** Gives a claimed message back without counting the attempt (e.g. shutting down). */
  public void release(String id, String owner) {
    jdbc.update(
        "UPDATE message SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1"
            + " WHERE id = ? AND lease_owner = ? AND attempts > 0",
        id,
        owner);
  }

  /** Ends every lease: only for a journal this process owns alone, at startup. */
  public int releaseAllLeases() {
    return jdbc.update(
        "UPDATE message SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL");
  }

  /** Messages not yet delivered nor dead. */
  public long backlog() {
    Long n =
        jdbc.queryForObject("SELECT COUNT(*) FROM message WHERE state IN " + PENDING, Long.class);
    return n == null ? 0 : n;
  }

  /** Whether a message with this ordering key is still waiting to be delivered. */
  public boolean hasPending(String orderingKey) {
    Long n =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM message WHERE ordering_key = ? AND state IN " + PENDING,
            Long.class,
            orderingKey);
    return n != null && n > 0;
  }

  /** Puts a dead message back in line, with a fresh set of attempts. */
  public boolean replay(String id, Instant now) {
    return jdbc.update(
            "UPDATE message SET state = 'mapped', attempts = 0, replays = replays + 1,"
                + " next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'dead'",
            ts(now),
            ts(now),
            id)
        == 1;
  }

  /** Whether a later message for the same record has been delivered (replaying would undo it). */
  public boolean superseded(JournalMessage m) {
    Long n =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM message WHERE ordering_key = ? AND seq > ?"
                + " AND state = 'delivered'",
            Long.class,
            m.orderingKey(),
            m.seq());
    return n != null && n > 0;
  }

  /** One page of messages matching the filter, in arrival order. */
  public record Page(long total, List<JournalMessage> items) {}

  public Page list(MessageFilter filter, int page, int size) {
    StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (filter.state() != null) {
      where.append(" AND state = ?");
      args.add(filter.state().db());
    }
    if (filter.facilityCode() != null) {
      where.append(" AND facility_code = ?");
      args.add(filter.facilityCode());
    }
    if (filter.flow() != null) {
      where.append(" AND flow = ?");
      args.add(filter.flow());
    }
    if (filter.since() != null) {
      where.append(" AND created_at >= ?");
      args.add(ts(filter.since()));
    }
    if (filter.until() != null) {
      where.append(" AND created_at < ?");
      args.add(ts(filter.until()));
    }
    Long total =
        jdbc.queryForObject("SELECT COUNT(*) FROM message" + where, Long.class, args.toArray());
    List<Object> paged = new ArrayList<>(args);
    paged.add(size);
    paged.add((long) page * size);
    List<JournalMessage> items =
        jdbc.query(
            "SELECT " + COLUMNS + " FROM message" + where + " ORDER BY seq LIMIT ? OFFSET ?",
            ROW,
            paged.toArray());
    return new Page(total == null ? 0 : total, items);
  }

  private static OffsetDateTime ts(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static Integer integer(ResultSet rs, String column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  private static final RowMapper<JournalMessage> ROW =
      (rs, n) ->
          new JournalMessage(
              rs.getLong("seq"),
              rs.getString("id"),
              rs.getString("flow"),
              rs.getString("facility_code"),
              rs.getString("ordering_key"),
              rs.getString("idempotency_key"),
              rs.getString("content_hash"),
              MessageState.fromDb(rs.getString("state")),
              rs.getInt("attempts"),
              rs.getInt("replays"),
              instant(rs, "next_attempt_at"),
              instant(rs, "created_at"),
              instant(rs, "updated_at"),
              instant(rs, "delivered_at"),
              rs.getString("correlation_id"),
              rs.getString("last_error_code"),
              integer(rs, "last_http_status"),
              rs.getString("last_outcome"),
              integer(rs, "result_status"),
              rs.getString("result_location"),
              rs.getString("result_body"),
              rs.getString("payload"));
}
