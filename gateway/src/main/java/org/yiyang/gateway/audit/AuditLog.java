package org.yiyang.gateway.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.yiyang.gateway.journal.JournalConfig;
import org.yiyang.gateway.security.Keyring;

/**
 * The audit chain in the journal database (ADR 0055): rows are only ever appended, each with the
 * HMAC of its fields and of the previous row's MAC. An append locks the one head row ({@code SELECT
 * ... FOR UPDATE}), so concurrent requests and several instances on one PostgreSQL extend a single
 * chain; it joins the caller's transaction (a journaled write is audited in the transaction of its
 * journal entry) and should come last in it, so the lock is held only until the commit.
 */
@Component
public class AuditLog {

  /** The MAC before the first row. */
  public static final String GENESIS = "0".repeat(64);

  /** The version of the MAC input; a new layout gets a new one, old rows keep theirs. */
  static final String FORMAT = "yiyang-audit/1";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int VERIFY_BATCH = 1000;

  private static final String COLUMNS =
      "seq, recorded_at, kind, client_id, role, organization, source_address, interaction, method,"
          + " route, entity_type, entity_id, facility, subject, status, error_code, detail,"
          + " outcome, purpose, correlation_id, message_id, duration_ms, observer, mac_algorithm,"
          + " prev_mac, mac";

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final byte[] key;
  private final AuditMac algorithm;
  private final String observer;
  private final Clock clock;

  @Autowired
  public AuditLog(
      @Qualifier(JournalConfig.JDBC) JdbcTemplate jdbc,
      @Qualifier(AuditConfig.TRANSACTIONS) TransactionTemplate transactions,
      Keyring keyring,
      AuditProperties properties) {
    this(
        jdbc,
        transactions,
        keyring.auditKey(),
        properties.mac(),
        observer(properties.observer()),
        Clock.systemUTC());
  }

  AuditLog(
      JdbcTemplate jdbc,
      TransactionTemplate transactions,
      byte[] key,
      AuditMac algorithm,
      String observer,
      Clock clock) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.key = key.clone();
    this.algorithm = algorithm;
    this.observer = observer;
    this.clock = clock;
  }

  /** The transactions of the journal database, for a caller that audits inside its own. */
  public TransactionTemplate transactions() {
    return transactions;
  }

  /**
   * Appends one row at the end of the chain, in the current transaction of the journal database if
   * there is one (committed with it), else in a transaction of its own. Answers its place.
   */
  public long append(AuditRecord record) {
    Long seq = transactions.execute(status -> appendLocked(record));
    return seq == null ? 0 : seq;
  }

  private long appendLocked(AuditRecord r) {
    Head head =
        jdbc.queryForObject(
            "SELECT seq, mac FROM audit_head WHERE id = 1 FOR UPDATE",
            (rs, n) -> new Head(rs.getLong("seq"), rs.getString("mac")));
    long seq = head.seq() + 1;
    Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
    String mac = algorithm.hex(key, macInput(seq, at, observer, r, algorithm.label(), head.mac()));
    jdbc.update(
        "INSERT INTO audit_event ("
            + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?)",
        row(seq, at, r, head.mac(), mac).toArray());
    jdbc.update("UPDATE audit_head SET seq = ?, mac = ? WHERE id = 1", seq, mac);
    return seq;
  }

  /** The values of an {@code audit_event} row, in {@link #COLUMNS} order. */
  private List<Object> row(long seq, Instant at, AuditRecord r, String prevMac, String mac) {
    List<Object> row = new ArrayList<>();
    row.add(seq);
    row.add(at.atOffset(ZoneOffset.UTC));
    row.addAll(recordFields(r));
    row.addAll(Arrays.asList(observer, algorithm.label(), prevMac, mac));
    return row;
  }

  /**
   * What the record says, in one order for the row and the MAC: a field added to one is added to
   * both. A list that holds nulls ({@code List.of} refuses them).
   */
  private static List<Object> recordFields(AuditRecord r) {
    return Arrays.asList(
        r.kind(),
        r.clientId(),
        r.role(),
        r.organization(),
        r.sourceAddress(),
        r.interaction(),
        r.method(),
        r.route(),
        r.entityType(),
        r.entityId(),
        r.facility(),
        r.subject(),
        r.status(),
        r.errorCode(),
        r.detail(),
        r.outcome(),
        r.purpose(),
        r.correlationId(),
        r.messageId(),
        r.durationMs());
  }

  /**
   * The bytes a row's MAC covers: every field, its place, time, writer, algorithm and the previous
   * MAC, as a JSON array in a fixed order (Jackson), so that no two rows share an input.
   */
  static byte[] macInput(
      long seq, Instant at, String observer, AuditRecord r, String algorithm, String prevMac) {
    List<Object> fields = new ArrayList<>(List.of(FORMAT, seq, at.toString(), observer));
    fields.addAll(recordFields(r));
    fields.add(algorithm);
    fields.add(prevMac);
    try {
      return JSON.writeValueAsBytes(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What a query selects; null fields select everything. */
  public record Filter(
      Instant since, Instant until, String client, String outcome, String correlationId) {}

  /** One page of rows, oldest first. */
  public record Page(long total, List<AuditEntry> entries) {}

  public Page page(Filter filter, int page, int size) {
    StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (filter.since() != null) {
      where.append(" AND recorded_at >= ?");
      args.add(filter.since().atOffset(ZoneOffset.UTC));
    }
    if (filter.until() != null) {
      where.append(" AND recorded_at < ?");
      args.add(filter.until().atOffset(ZoneOffset.UTC));
    }
    if (filter.client() != null) {
      where.append(" AND client_id = ?");
      args.add(filter.client());
    }
    if (filter.outcome() != null) {
      where.append(" AND outcome = ?");
      args.add(filter.outcome());
    }
    if (filter.correlationId() != null) {
      where.append(" AND correlation_id = ?");
      args.add(filter.correlationId());
    }
    Long total =
        jdbc.queryForObject("SELECT COUNT(*) FROM audit_event" + where, Long.class, args.toArray());
    List<Object> paged = new ArrayList<>(args);
    paged.add(size);
    paged.add((long) page * size);
    List<AuditEntry> entries =
        jdbc.query(
            "SELECT " + COLUMNS + " FROM audit_event" + where + " ORDER BY seq LIMIT ? OFFSET ?",
            ROW,
            paged.toArray());
    return new Page(total == null ? 0 : total, entries);
  }

  /** The first link that does not hold, if any. */
  public record Broken(long seq, String reason) {}

  /**
   * The verifier's answer: whether every row up to the head holds, how many rows were checked, the
   * first broken link, and the head it checked up to (an auditor who keeps the head's MAC elsewhere
   * can tell later that nothing was cut off the end).
   */
  public record Verification(
      boolean verified, long checked, Broken firstBroken, long headSeq, String headMac) {}

  /**
   * Walks the chain from the first row to the head as it was when the walk began: every row must be
   * there, in order, name the previous row's MAC, and carry the MAC of its own content; the head
   * must name the last row. Rows appended meanwhile are left for the next walk.
   */
  public Verification verify() {
    Head head =
        jdbc.queryForObject(
            "SELECT seq, mac FROM audit_head WHERE id = 1",
            (rs, n) -> new Head(rs.getLong("seq"), rs.getString("mac")));
    long expected = 1;
    String prevMac = GENESIS;
    long checked = 0;
    while (expected <= head.seq()) {
      List<AuditEntry> batch =
          jdbc.query(
              "SELECT "
                  + COLUMNS
                  + " FROM audit_event WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?",
              ROW,
              expected,
              head.seq(),
              VERIFY_BATCH);
      if (batch.isEmpty()) {
        return broken(checked, expected, "the row is missing", head);
      }
      for (AuditEntry e : batch) {
        if (e.seq() != expected) {
          return broken(checked, expected, "the row is missing", head);
        }
        checked++;
        if (!prevMac.equals(e.prevMac())) {
          return broken(
              checked, e.seq(), "its prev_mac is not the MAC of row " + (e.seq() - 1), head);
        }
        AuditMac mac;
        try {
          mac = AuditMac.of(e.macAlgorithm());
        } catch (IllegalArgumentException unknown) {
          return broken(checked, e.seq(), "its MAC algorithm is unknown", head);
        }
        String computed =
            mac.hex(
                key,
                macInput(
                    e.seq(), e.recordedAt(), e.observer(), e.record(), mac.label(), e.prevMac()));
        if (!computed.equals(e.mac())) {
          return broken(checked, e.seq(), "its MAC does not match its content", head);
        }
        prevMac = e.mac();
        expected++;
      }
    }
    if (!prevMac.equals(head.mac())) {
      return broken(checked, head.seq(), "the head's MAC is not the last row's", head);
    }
    return new Verification(true, checked, null, head.seq(), head.mac());
  }

  private static Verification broken(long checked, long seq, String reason, Head head) {
    return new Verification(false, checked, new Broken(seq, reason), head.seq(), head.mac());
  }

  private record Head(long seq, String mac) {}

  private static String observer(String configured) {
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    try {
      String host = InetAddress.getLocalHost().getHostName();
      return AuditValues.clip(host.replaceAll("[^A-Za-z0-9._:-]", "-"), 64);
    } catch (java.io.IOException e) {
      return "gateway";
    }
  }

  private static Integer integer(ResultSet rs, String column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  private static Long longValue(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  private static final RowMapper<AuditEntry> ROW =
      (rs, n) ->
          new AuditEntry(
              rs.getLong("seq"),
              rs.getObject("recorded_at", OffsetDateTime.class).toInstant(),
              rs.getString("observer"),
              new AuditRecord(
                  rs.getString("kind"),
                  rs.getString("client_id"),
                  rs.getString("role"),
                  rs.getString("organization"),
                  rs.getString("source_address"),
                  rs.getString("interaction"),
                  rs.getString("method"),
                  rs.getString("route"),
                  rs.getString("entity_type"),
                  rs.getString("entity_id"),
                  rs.getString("facility"),
                  rs.getString("subject"),
                  integer(rs, "status"),
                  rs.getString("error_code"),
                  rs.getString("detail"),
                  rs.getString("outcome"),
                  rs.getString("purpose"),
                  rs.getString("correlation_id"),
                  rs.getString("message_id"),
                  longValue(rs, "duration_ms")),
              rs.getString("mac_algorithm"),
              rs.getString("prev_mac"),
              rs.getString("mac"));
}
