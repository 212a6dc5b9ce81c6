package org.yiyang.mappings;

import java.util.Objects;
import org.yiyang.profiles.ErrorCode;

/**
 * One problem found in a record, located by its JSON path in the record's own form (for example
 * {@code idCardNo}, {@code address.divisionCode}, {@code emergencyContacts[0].phone}).
 *
 * <p>The message names the field and the rule it breaks; it never repeats the offending value, so
 * it may be logged and returned to the caller without leaking personal data.
 *
 * @param code the gateway error code
 * @param field JSON path of the field in the record, or {@code ""} for the record as a whole
 * @param message human-readable rule text, free of record values
 */
public record SourceIssue(ErrorCode code, String field, String message) {

  public SourceIssue {
    Objects.requireNonNull(code, "code");
    field = field == null ? "" : field;
    Objects.requireNonNull(message, "message");
  }
}
