package org.yiyang.gateway.flow.resident;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.journal.JournalConfig;

/**
 * The journal of links (table {@code patient_link}, ADR 0052): each time a resident is linked to a
 * Patient the platform already held instead of getting a new one. Holds facility code, resident
 * number, the Patient's reference and the kind of identifier that matched; never its value.
 */
@Component
public class PatientLinks {

  /** One journaled link. */
  public record Link(
      String facilityCode, String residentNo, String patient, String matchedBy, String kind) {}

  private final JdbcTemplate jdbc;

  public PatientLinks(@Qualifier(JournalConfig.JDBC) JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public void record(Link link) {
    jdbc.update(
        "INSERT INTO patient_link (facility_code, resident_no, patient, matched_by, kind,"
            + " linked_at) VALUES (?, ?, ?, ?, ?, ?)",
        link.facilityCode(),
        link.residentNo(),
        link.patient(),
        link.matchedBy(),
        link.kind(),
        Timestamp.from(Instant.now()));
  }

  /** The links of one resident, oldest first. */
  public List<Link> of(String facilityCode, String residentNo) {
    return jdbc.query(
        "SELECT facility_code, resident_no, patient, matched_by, kind FROM patient_link"
            + " WHERE facility_code = ? AND resident_no = ? ORDER BY id",
        (rs, i) ->
            new Link(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5)),
        facilityCode,
        residentNo);
  }

  /** How many links were journaled in all. */
  public long count() {
    Long n = jdbc.queryForObject("SELECT COUNT(*) FROM patient_link", Long.class);
    return n == null ? 0 : n;
  }
}
