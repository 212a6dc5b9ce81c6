package org.yiyang.gateway.delivery;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.api.Trigger;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Fault injection at the JDBC level: an H2 trigger on the journal's {@code message} table that
 * makes a chosen kind of update of a chosen record's messages throw {@link SQLException}, a given
 * number of times, as a database that drops a statement would. The gateway's own classes are not
 * touched.
 */
public final class JournalFault implements Trigger {

  /** The updates a fault can hit. */
  public enum Kind {
    /** A claim: the only update that counts an attempt. */
    CLAIM,
    /** The record of a delivery. */
    DELIVERED
  }

  private static final Map<String, AtomicInteger> ARMED = new ConcurrentHashMap<>();

  private int attempts;
  private int state;
  private int orderingKey;

  /** Installs the trigger on the journal (once per database). */
  public static void install(JdbcTemplate journal) {
    journal.execute(
        "CREATE TRIGGER IF NOT EXISTS journal_fault BEFORE UPDATE ON message FOR EACH ROW CALL '"
            + JournalFault.class.getName()
            + "'");
  }

  /** The next {@code times} updates of this kind of the record's messages fail. */
  public static void arm(Kind kind, String orderingKey, int times) {
    ARMED.put(kind + "|" + orderingKey, new AtomicInteger(times));
  }

  /** How many armed faults of this kind are left for the record (0 once all were thrown). */
  public static int left(Kind kind, String orderingKey) {
    AtomicInteger n = ARMED.get(kind + "|" + orderingKey);
    return n == null ? 0 : Math.max(0, n.get());
  }

  @Override
  public void init(
      Connection conn,
      String schemaName,
      String triggerName,
      String tableName,
      boolean before,
      int type)
      throws SQLException {
    try (ResultSet columns = conn.getMetaData().getColumns(null, schemaName, tableName, null)) {
      while (columns.next()) {
        int index = columns.getInt("ORDINAL_POSITION") - 1;
        switch (columns.getString("COLUMN_NAME").toUpperCase(java.util.Locale.ROOT)) {
          case "ATTEMPTS" -> attempts = index;
          case "STATE" -> state = index;
          case "ORDERING_KEY" -> orderingKey = index;
          default -> {}
        }
      }
    }
  }

  @Override
  public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
    if (oldRow == null || newRow == null) {
      return;
    }
    Kind kind = null;
    if (((Number) newRow[attempts]).intValue() > ((Number) oldRow[attempts]).intValue()) {
      kind = Kind.CLAIM;
    } else if ("delivered".equals(newRow[state]) && !Objects.equals(oldRow[state], newRow[state])) {
      kind = Kind.DELIVERED;
    }
    if (kind == null) {
      return;
    }
    AtomicInteger left = ARMED.get(kind + "|" + newRow[orderingKey]);
    if (left != null && left.getAndDecrement() > 0) {
      throw new SQLException("Injected journal fault: " + kind, "08006");
    }
  }
}
