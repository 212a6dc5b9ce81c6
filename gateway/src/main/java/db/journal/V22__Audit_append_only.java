package db.journal;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * On PostgreSQL, the audit trail refuses changes in the database itself (ADR 0055): no UPDATE,
 * DELETE or TRUNCATE of {@code audit_event}; the head moves forward one row at a time, onto a row
 * that exists with the same MAC. Whoever can drop a trigger can still change rows; the chain's
 * verifier then reports the first broken link. The embedded H2 file is one process's own and has no
 * such guard; its rows are protected by the chain alone.
 */
public class V22__Audit_append_only extends BaseJavaMigration {

  private static final String[] POSTGRES = {
    """
    CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event"
        + " FOR EACH ROW EXECUTE PROCEDURE audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event"
        + " FOR EACH STATEMENT EXECUTE PROCEDURE audit_event_append_only()",
    """
    CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'UPDATE' OR NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1
         OR NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.seq = NEW.seq AND e.mac = NEW.mac) THEN
        RAISE EXCEPTION 'audit_head only moves forward onto the last audit_event: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER audit_head_no_change BEFORE UPDATE OR DELETE ON audit_head"
        + " FOR EACH ROW EXECUTE PROCEDURE audit_head_forward_only()",
    "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head"
        + " FOR EACH STATEMENT EXECUTE PROCEDURE audit_event_append_only()"
  };

  @Override
  public void migrate(Context context) throws Exception {
    String database = context.getConnection().getMetaData().getDatabaseProductName();
    if (!"PostgreSQL".equalsIgnoreCase(database)) {
      return;
    }
    try (Statement statement = context.getConnection().createStatement()) {
      for (String sql : POSTGRES) {
        statement.execute(sql);
      }
    }
  }
}
