package org.yiyang.gateway.journal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.yiyang.gateway.security.DataCipher;

/**
 * The durable message journal: every accepted message is inserted here before the caller is
 * answered, and every state change of its delivery is a single-row update. Delivery attempts are
 * claimed with a lease, so an attempt lost in a crash is taken up again once the lease ends. The
 * payload (personal data) is written once, compressed and encrypted, in {@code message_payload},
 * apart from the small row that each state change rewrites (ADR 0051).
 */
@Component
public class Journal {

  private static final String PENDING = "('received', 'mapped', 'failed')";

  private static final String COLUMNS =
      "seq, id, flow, facility_code, ordering_key, idempotency_key, content_hash, state, attempts,"
          + " replays, next_attempt_at, created_at, updated_at, delivered_at, correlation_id,"
          + " last_error_code, last_http_status, last_outcome, result_status, result_location,"
          + " result_body, payload_purged_at";

  private final JdbcTemplate jdbc;
  private final PayloadCodec codec;
  private final TransactionTemplate transaction;
  private volatile boolean clearPayloadsGone;

  /** Whether the journal is PostgreSQL, and may be shared by several instances (ADR 0061). */
  private final boolean shared;

  public Journal(@Qualifier(JournalConfig.JDBC) JdbcTemplate jdbc, PayloadCodec codec) {
    this.jdbc = jdbc;
    this.codec = codec;
    this.transaction =
        new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource()));
    this.shared =
        "PostgreSQL"
            .equals(
                jdbc.execute(
                    (ConnectionCallback<String>) c -> c.getMetaData().getDatabaseProductName()));
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
    DataCipher.Sealed sealed = codec.seal(id, m.payload());
    try {
      // One transaction, one commit: the state row and its payload are durable together.
      transaction.executeWithoutResult(
          tx -> {
            if (shared) {
              // Appends of one ordering key, from any instance, one after another: a message's seq
              // is taken at insert but seen at commit, so two appends of one resident in flight at
              // once could commit in the other order, and a claim in between would find the later
              // message first of its key and deliver it before the earlier one. Held to the commit.
              jdbc.query(
                  "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
                  (ResultSetExtractor<Void>) rs -> null,
                  m.orderingKey());
            }
            jdbc.update(
                "INSERT INTO message (id, flow, facility_code, ordering_key, record_key,"
                    + " idempotency_key, content_hash, state, attempts, replays, next_attempt_at,"
                    + " created_at, updated_at, correlation_id) VALUES (?, ?, ?, ?, ?, ?, ?,"
                    + " 'mapped', 0, 0, ?, ?, ?, ?)",
                id,
                m.flow(),
                m.facilityCode(),
                m.orderingKey(),
                m.recordKey(),
                m.idempotencyKey(),
                m.contentHash(),
                ts(now),
                ts(now),
                ts(now),
                m.correlationId());
            jdbc.update(
                "INSERT INTO message_payload (message_seq, key_id, data)"
                    + " SELECT seq, ?, ? FROM message WHERE id = ?",
                sealed.keyId(),
                sealed.data(),
                id);
          });
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

  /**
   * The payload of a message, decrypted: what its delivery sends. Empty once the retention purge
   * has deleted it (or for an unknown id).
   */
  public Optional<String> payload(String id) {
    List<Optional<String>> found =
        jdbc.query(
            "SELECT m.payload AS legacy, p.key_id, p.data FROM message m"
                + " LEFT JOIN message_payload p ON p.message_seq = m.seq WHERE m.id = ?",
            (rs, n) -> {
              byte[] data = rs.getBytes("data");
              if (data != null) {
                return Optional.of(codec.open(id, rs.getString("key_id"), data));
              }
              return Optional.ofNullable(rs.getString("legacy"));
            },
            id);
    return found.isEmpty() ? Optional.empty() : found.get(0);
  }

  public Optional<JournalMessage> findByIdempotencyKey(String key) {
    return jdbc
        .query("SELECT " + COLUMNS + " FROM message WHERE idempotency_key = ?", ROW, key)
        .stream()
        .findFirst();
  }

  /**
   * The latest message journaled for a record (by {@link NewMessage#recordKey()}): the version a
   * resend is compared with. Empty for a record never sent since V51.
   */
  public Optional<JournalMessage> latest(String recordKey) {
    return jdbc
        .query(
            "SELECT " + COLUMNS + " FROM message WHERE record_key = ? ORDER BY seq DESC LIMIT 1",
            ROW,
            recordKey)
        .stream()
        .findFirst();
  }

  /**
   * Ids of messages due for an attempt: pending, due, not leased, and first of their ordering key
   * (a message waits while an earlier one for the same record is pending). Oldest first by seq, the
   * order the journal accepted them in: not by due time, a timestamp that a retry's backoff moves
   * and that instances with skewed clocks write differently.
   */
  public List<String> due(Instant now, int limit) {
    return jdbc.queryForList(
        "SELECT m.id FROM message m WHERE m.state IN ('mapped', 'failed')"
            + " AND m.next_attempt_at <= ? AND (m.lease_until IS NULL OR m.lease_until < ?)"
            + " AND NOT EXISTS (SELECT 1 FROM message p WHERE p.ordering_key = m.ordering_key"
            + " AND p.seq < m.seq AND p.state IN "
            + PENDING
            + ") ORDER BY m.seq LIMIT ?",
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

  /**
   * Extends the lease of a message this owner is delivering, so that a delivery longer than one
   * lease is not taken over by another instance meanwhile. False once the lease is no longer this
   * owner's or the message is no longer pending.
   */
  public boolean renew(String id, String owner, Instant leaseUntil) {
    return jdbc.update(
            "UPDATE message SET lease_until = ? WHERE id = ? AND lease_owner = ? AND state IN "
                + PENDING,
            ts(leaseUntil),
            id,
            owner)
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

  /** What one retention purge deleted: payloads of delivered and of resolved dead messages. */
  public record Purged(int delivered, int dead) {
    public int total() {
      return delivered + dead;
    }
  }

  /**
   * Deletes, in one transaction, the payloads of at most {@code limit} messages that no longer need
   * them: delivered before {@code cutoff}, or dead and superseded by a later message of the same
   * record delivered before {@code cutoff} (such a message is never replayed, see {@link
   * #superseded}). Status rows stay, marked {@code payload_purged_at}. Call until it purges
   * nothing.
   */
  public Purged purgePayloads(Instant cutoff, Instant now, int limit) {
    String resolvedDead =
        "m.state = 'dead' AND EXISTS (SELECT 1 FROM message l WHERE l.ordering_key ="
            + " m.ordering_key AND l.seq > m.seq AND l.state = 'delivered' AND l.delivered_at < ?)";
    String eligible = "((m.state = 'delivered' AND m.delivered_at < ?) OR (" + resolvedDead + "))";
    return transaction.execute(
        tx -> {
          List<long[]> rows = new ArrayList<>();
          jdbc.query(
              "SELECT m.seq, m.state FROM message_payload p JOIN message m ON m.seq ="
                  + " p.message_seq WHERE "
                  + eligible
                  + " ORDER BY p.message_seq LIMIT ?",
              rs -> {
                rows.add(new long[] {rs.getLong(1), "delivered".equals(rs.getString(2)) ? 1 : 0});
              },
              ts(cutoff),
              ts(cutoff),
              limit);
          // Payloads journaled before V30 live in the message row itself.
          if (mayHoldClearPayloads()) {
            jdbc.query(
                "SELECT m.seq, m.state FROM message m WHERE m.payload IS NOT NULL AND "
                    + eligible
                    + " ORDER BY m.seq LIMIT ?",
                rs -> {
                  rows.add(new long[] {rs.getLong(1), "delivered".equals(rs.getString(2)) ? 1 : 0});
                },
                ts(cutoff),
                ts(cutoff),
                limit);
          }
          if (rows.isEmpty()) {
            return new Purged(0, 0);
          }
          String in = String.join(", ", Collections.nCopies(rows.size(), "?"));
          Object[] seqs = rows.stream().map(r -> (Object) r[0]).toArray();
          jdbc.update("DELETE FROM message_payload WHERE message_seq IN (" + in + ")", seqs);
          Object[] args = new Object[seqs.length + 1];
          args[0] = ts(now);
          System.arraycopy(seqs, 0, args, 1, seqs.length);
          jdbc.update(
              "UPDATE message SET payload = NULL, payload_purged_at = ? WHERE seq IN (" + in + ")",
              args);
          int delivered = (int) rows.stream().filter(r -> r[1] == 1).count();
          Purged purged = new Purged(delivered, rows.size() - delivered);
          return purged;
        });
  }

  /** Records one purge run (counts and cutoff only: no record values). */
  public void recordPurge(Instant now, Instant cutoff, Purged purged) {
    jdbc.update(
        "INSERT INTO journal_purge (ran_at, cutoff, delivered, dead) VALUES (?, ?, ?, ?)",
        ts(now),
        ts(cutoff),
        purged.delivered(),
        purged.dead());
  }

  /** What one re-encryption batch did: payloads moved, and the last message seq it moved. */
  public record Reencrypted(int moved, long lastSeq) {}

  /**
   * Moves at most {@code limit} payloads stored under another key than the active one (or in clear,
   * journaled before V30) after message seq {@code afterSeq} to the active key, in one transaction.
   * Moves none (last seq -1) when none is left after {@code afterSeq}.
   */
  public Reencrypted reencryptPayloads(long afterSeq, int limit) {
    String active = codec.activeKeyId();
    return transaction.execute(
        tx -> {
          // The first `limit` payloads after afterSeq that need moving, from both places, in order.
          List<StalePayload> stale = new ArrayList<>();
          jdbc.query(
              "SELECT p.message_seq, m.id, p.key_id, p.data FROM message_payload p JOIN message m"
                  + " ON m.seq = p.message_seq WHERE p.message_seq > ? AND p.key_id <> ?"
                  + " ORDER BY p.message_seq LIMIT ?",
              rs -> {
                stale.add(
                    new StalePayload(
                        rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4), null));
              },
              afterSeq,
              active,
              limit);
          if (mayHoldClearPayloads()) {
            jdbc.query(
                "SELECT seq, id, payload FROM message WHERE seq > ? AND payload IS NOT NULL"
                    + " ORDER BY seq LIMIT ?",
                rs -> {
                  stale.add(
                      new StalePayload(
                          rs.getLong(1), rs.getString(2), null, null, rs.getString(3)));
                },
                afterSeq,
                limit);
          }
          stale.sort(java.util.Comparator.comparingLong(StalePayload::seq));
          List<StalePayload> batch = stale.subList(0, Math.min(limit, stale.size()));
          for (StalePayload p : batch) {
            if (p.clear() == null) {
              DataCipher.Sealed sealed = codec.reseal(p.id(), p.keyId(), p.data());
              jdbc.update(
                  "UPDATE message_payload SET key_id = ?, data = ? WHERE message_seq = ?"
                      + " AND key_id = ?",
                  sealed.keyId(),
                  sealed.data(),
                  p.seq(),
                  p.keyId());
            } else {
              DataCipher.Sealed sealed = codec.seal(p.id(), p.clear());
              jdbc.update(
                  "INSERT INTO message_payload (message_seq, key_id, data) VALUES (?, ?, ?)",
                  p.seq(),
                  sealed.keyId(),
                  sealed.data());
              jdbc.update("UPDATE message SET payload = NULL WHERE seq = ?", p.seq());
            }
          }
          return new Reencrypted(
              batch.size(), batch.isEmpty() ? -1 : batch.get(batch.size() - 1).seq());
        });
  }

  /**
   * Whether message rows may still hold payloads of before V30. Nothing writes them any more, so
   * once none is found, none will be: the full scan that looks for them is then skipped.
   */
  private boolean mayHoldClearPayloads() {
    if (clearPayloadsGone) {
      return false;
    }
    List<Long> any =
        jdbc.queryForList(
            "SELECT seq FROM message WHERE payload IS NOT NULL ORDER BY seq LIMIT 1", Long.class);
    clearPayloadsGone = any.isEmpty();
    return !clearPayloadsGone;
  }

  /** A payload under another key than the active one ({@code clear}: journaled before V30). */
  private record StalePayload(long seq, String id, String keyId, byte[] data, String clear) {}

  /** How many payloads are stored under each data key ({@code "clear"}: journaled before V30). */
  public java.util.Map<String, Long> payloadKeys() {
    java.util.Map<String, Long> keys = new java.util.TreeMap<>();
    jdbc.query(
        "SELECT key_id, COUNT(*) FROM message_payload GROUP BY key_id",
        rs -> {
          keys.put(rs.getString(1), rs.getLong(2));
        });
    Long clear =
        jdbc.queryForObject("SELECT COUNT(*) FROM message WHERE payload IS NOT NULL", Long.class);
    if (clear != null && clear > 0) {
      keys.put("clear", clear);
    }
    return keys;
  }

  /** One page of messages matching the filter, in arrival order. */
  public record Page(long total, List<JournalMessage> items) {}

  /** A message as bulk replay needs it: no results, outcomes or payload. */
  public record Key(long seq, String id, String orderingKey) {}

  /**
   * At most {@code limit} messages matching the filter after journal seq {@code afterSeq}, in seq
   * order, as {@link Key}s only: bulk replay walks the journal a page at a time this way (by seq,
   * so rows it has just changed are neither skipped nor seen twice) instead of loading every row.
   */
  public List<Key> keysAfter(MessageFilter filter, long afterSeq, int limit) {
    List<Object> args = new ArrayList<>();
    StringBuilder where = where(filter, args);
    where.append(" AND seq > ?");
    args.add(afterSeq);
    args.add(limit);
    return jdbc.query(
        "SELECT seq, id, ordering_key FROM message" + where + " ORDER BY seq LIMIT ?",
        (rs, n) -> new Key(rs.getLong(1), rs.getString(2), rs.getString(3)),
        args.toArray());
  }

  /** How many messages match the filter. */
  public long count(MessageFilter filter) {
    List<Object> args = new ArrayList<>();
    StringBuilder where = where(filter, args);
    Long total =
        jdbc.queryForObject("SELECT COUNT(*) FROM message" + where, Long.class, args.toArray());
    return total == null ? 0 : total;
  }

  /** Whether a later message for the same record has been delivered (see {@link #superseded}). */
  public boolean superseded(Key m) {
    Long n =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM message WHERE ordering_key = ? AND seq > ?"
                + " AND state = 'delivered'",
            Long.class,
            m.orderingKey(),
            m.seq());
    return n != null && n > 0;
  }

  public Page list(MessageFilter filter, int page, int size) {
    List<Object> args = new ArrayList<>();
    StringBuilder where = where(filter, args);
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

  /** The WHERE clause of a filter; its arguments are added to {@code args}. */
  private static StringBuilder where(MessageFilter filter, List<Object> args) {
    StringBuilder where = new StringBuilder(" WHERE 1 = 1");
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
    return where;
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
              instant(rs, "payload_purged_at"));
}
