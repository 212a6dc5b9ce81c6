package org.yiyang.gateway.notify;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.journal.JournalConfig;

/**
 * What change detection has handled, in the journal database: the poll cursor and, per referral
 * Task, the last version handled. A version at or below it is never handled again, so equal
 * timestamps, overlapping polls, wake-ups and restarts cannot notify twice.
 */
@Component
public class NotifyState {

  static final String CURSOR = "referral-tasks";

  private final JdbcTemplate jdbc;

  public NotifyState(@Qualifier(JournalConfig.JDBC) JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** The last version of a Task that was handled, and its status then. */
  public record Handled(long versionId, String status) {}

  public Optional<Instant> cursor() {
    return jdbc
        .query(
            "SELECT position FROM notify_cursor WHERE name = ?",
            (rs, n) -> rs.getObject("position", OffsetDateTime.class).toInstant(),
            CURSOR)
        .stream()
        .findFirst();
  }

  /** Moves the cursor forward (never back). */
  public void advance(Instant position) {
    OffsetDateTime now = Instant.now().atOffset(ZoneOffset.UTC);
    OffsetDateTime to = position.atOffset(ZoneOffset.UTC);
    int n =
        jdbc.update(
            "UPDATE notify_cursor SET position = ?, updated_at = ? WHERE name = ? AND position < ?",
            to,
            now,
            CURSOR,
            to);
    if (n == 0 && cursor().isEmpty()) {
      jdbc.update(
          "INSERT INTO notify_cursor (name, position, updated_at) VALUES (?, ?, ?)",
          CURSOR,
          to,
          now);
    }
  }

  public Optional<Handled> handled(String taskId) {
    return jdbc
        .query(
            "SELECT version_id, status FROM notify_task WHERE task_id = ?",
            (rs, n) -> new Handled(rs.getLong("version_id"), rs.getString("status")),
            taskId)
        .stream()
        .findFirst();
  }

  /** Records a Task version as handled (after its notifications are journaled). */
  public void markHandled(String taskId, long versionId, String status, Instant lastUpdated) {
    OffsetDateTime now = Instant.now().atOffset(ZoneOffset.UTC);
    int n =
        jdbc.update(
            "UPDATE notify_task SET version_id = ?, status = ?, last_updated = ?, handled_at = ?"
                + " WHERE task_id = ? AND version_id < ?",
            versionId,
            status,
            lastUpdated.atOffset(ZoneOffset.UTC),
            now,
            taskId,
            versionId);
    if (n == 0 && handled(taskId).isEmpty()) {
      jdbc.update(
          "INSERT INTO notify_task (task_id, version_id, status, last_updated, handled_at)"
              + " VALUES (?, ?, ?, ?, ?)",
          taskId,
          versionId,
          status,
          lastUpdated.atOffset(ZoneOffset.UTC),
          now);
    }
  }
}
