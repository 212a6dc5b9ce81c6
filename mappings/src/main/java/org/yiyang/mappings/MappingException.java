package org.yiyang.mappings;

import java.util.List;
import java.util.Objects;
import org.yiyang.profiles.ErrorCode;

/**
 * A record that cannot be mapped: its source fails a check (GW-1xxx), a code has no translation
 * (GW-2001), or the mapping definition failed on this input (GW-9002). The message and the issues
 * name fields and rules, never record values.
 */
public class MappingException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient List<SourceIssue> issues;

  public MappingException(ErrorCode code, List<SourceIssue> issues) {
    this(code, issues, null);
  }

  public MappingException(ErrorCode code, List<SourceIssue> issues, Throwable cause) {
    super(summary(code, issues), cause, true, cause != null);
    this.code = Objects.requireNonNull(code, "code");
    this.issues = List.copyOf(issues);
  }

  /** A single-issue exception. */
  public static MappingException of(ErrorCode code, String field, String message) {
    return new MappingException(code, List.of(new SourceIssue(code, field, message)));
  }

  /** The error code that decides the HTTP status (the first issue's code for source checks). */
  public ErrorCode code() {
    return code;
  }

  /** Every issue found, in a stable order; never empty. */
  public List<SourceIssue> issues() {
    return issues;
  }

  private static String summary(ErrorCode code, List<SourceIssue> issues) {
    StringBuilder text = new StringBuilder(code.code()).append(' ').append(code.display());
    for (SourceIssue issue : issues) {
      text.append("; ").append(issue.message());
    }
    return text.toString();
  }
}
