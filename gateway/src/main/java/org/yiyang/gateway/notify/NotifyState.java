package org.yiyang.gateway.notify;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.journal.JournalConfig;

/**
 * What change detection has handled, in the journal database: a cursor per watched feed (referral
 * Tasks, each related resource such as the green-channel Appointment), per referral Task and per
 * related resource the last version handled, and the versions set aside (ADR 0062). A version at or
 * below the one handled is never handled again, so equal timestamps, overlapping polls, wake-ups
 * and restarts cannot notify twice.
 */
@Component
public class NotifyState {

  /** The cursor of referral Tasks (the name it has had since ADR 0041). */
  static final String CURSOR = "referral-tasks";

  private final JdbcTemplate jdbc;

  public NotifyState(@Qualifier(JournalConfig.JDBC) JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** The last version of a Task that was handled, and its status then. */
  public record Handled(long versionId, String status) {}

  /** The last version of a related resource that was handled, its status and state hash. */
  public record HandledRelated(long versionId, String status, String stateHash) {}

  /** A resource version set aside: what, when, and why (the kind of failure, never content). */
  public record Skipped(
      String resourceType, String resourceId, long versionId, String reason, Instant at) {}

  public Optional<Instant> cursor() {
    return cursor(CURSOR);
  }

  /** Where the next poll of a feed reads from. */
  public Optional<Instant> cursor(String name) {
    return jdbc
        .query(
            "SELECT position FROM notify_cursor WHERE name = ?",
            (rs, n) -> rs.getObject("position", OffsetDateTime.class).toInstant(),
            name)
        .stream()
        .findFirst();
  }

  /** Moves the cursor forward (never back). */
  public void advance(Instant position) {
    advance(CURSOR, position);
  }

  /** Moves a feed's cursor forward (never back). */
  public void advance(String name, Instant position) {
    OffsetDateTime now = Instant.now().atOffset(ZoneOffset.UTC);
    OffsetDateTime to = position.atOffset(ZoneOffset.UTC);
    int n =
        jdbc.update(
            "UPDATE notify_cursor SET position = ?, updated_at = ? WHERE name = ? AND position < ?",
            to,
            now,
            name,
            to);
    if (n == 0 && cursor(name).isEmpty()) {
      try {
        jdbc.update(
            "INSERT INTO notify_cursor (name, position, updated_at) VALUES (?, ?, ?)",
            name,
            to,
            now);
      } catch (DuplicateKeyException raced) {
        advance(name, position);
      }
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

  public Optional<HandledRelated> handledRelated(String resourceType, String resourceId) {
    return jdbc
        .query(
            "SELECT version_id, status, state_hash FROM notify_related"
                + " WHERE resource_type = ? AND resource_id = ?",
            (rs, n) ->
                new HandledRelated(
                    rs.getLong("version_id"), rs.getString("status"), rs.getString("state_hash")),
            resourceType,
            resourceId)
        .stream()
        .findFirst();
  }

  /** Records a related resource's version as handled (after its notifications are journaled). */
  public void markRelatedHandled(
      String resourceType,
      String resourceId,
      long versionId,
      String status,
      String stateHash,
      Instant lastUpdated) {
    OffsetDateTime now = Instant.now().atOffset(ZoneOffset.UTC);
    int n =
        jdbc.update(
            "UPDATE notify_related SET version_id = ?, status = ?, state_hash = ?,"
                + " last_updated = ?, handled_at = ?"
                + " WHERE resource_type = ? AND resource_id = ? AND version_id < ?",
            versionId,
            status,
            stateHash,
            lastUpdated.atOffset(ZoneOffset.UTC),
            now,
            resourceType,
            resourceId,
            versionId);
    if (n == 0 && handledRelated(resourceType, resourceId).isEmpty()) {
      jdbc.update(
          "INSERT INTO notify_related (resource_type, resource_id, version_id, status,"
              + " state_hash, last_updated, handled_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
          resourceType,
          resourceId,
          versionId,
          status,
          stateHash,
          lastUpdated.atOffset(ZoneOffset.UTC),
          now);
    }
  }

  /**
   * Records a version as set aside; returns false when it already was (a poll that read it again).
   */
  public boolean skip(String resourceType, String resourceId, long versionId, String reason) {
    try {
      return jdbc.update(
              "INSERT INTO notify_skipped (resource_type, resource_id, version_id, reason,"
                  + " skipped_at) VALUES (?, ?, ?, ?, ?)",
              resourceType,
              resourceId,
              versionId,
              reason.length() > 200 ? reason.substring(0, 200) : reason,
              Instant.now().atOffset(ZoneOffset.UTC))
          == 1;
    } catch (DuplicateKeyException again) {
      return false;
    }
  }

  /** How many versions were set aside, ever. */
  public long skippedCount() {
    Long n = jdbc.queryForObject("SELECT COUNT(*) FROM notify_skipped", Long.class);
    return n == null ? 0 : n;
  }

  /** The versions set aside most recently, newest first. */
  public List<Skipped> recentlySkipped(int limit) {
    return jdbc.query(
        "SELECT resource_type, resource_id, version_id, reason, skipped_at FROM notify_skipped"
            + " ORDER BY skipped_at DESC, resource_id FETCH FIRST "
            + Math.max(1, limit)
            + " ROWS ONLY",
        (rs, n) ->
            new Skipped(
                rs.getString("resource_type"),
                rs.getString("resource_id"),
                rs.getLong("version_id"),
                rs.getString("reason"),
                rs.getObject("skipped_at", OffsetDateTime.class).toInstant()));
  }
}
