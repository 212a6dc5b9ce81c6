package org.yiyang.gateway.error;

import java.util.List;
import org.yiyang.mappings.MappingException;
import org.yiyang.profiles.ErrorCode;

/**
 * A request the gateway answers with an error: carries the error code (which fixes the HTTP status)
 * and the issues, each naming a field and a rule. Messages never contain record values.
 */
public class GatewayException extends RuntimeException {

  /**
   * @param code the issue's own code (may differ from the exception's, e.g. several 400 kinds)
   * @param field the field in facility form or the FHIRPath of the element; empty for the whole
   * @param message the rule, in words, without the offending value
   */
  public record Issue(ErrorCode code, String field, String message) {}

  private final ErrorCode code;
  private final List<Issue> issues;

  public GatewayException(ErrorCode code, List<Issue> issues) {
    super(code.code() + " " + code.display());
    this.code = code;
    this.issues = List.copyOf(issues);
  }

  public GatewayException(ErrorCode code, List<Issue> issues, Throwable cause) {
    super(code.code() + " " + code.display(), cause);
    this.code = code;
    this.issues = List.copyOf(issues);
  }

  public static GatewayException of(ErrorCode code, String field, String message) {
    return new GatewayException(code, List.of(new Issue(code, field, message)));
  }

  public static GatewayException from(MappingException e) {
    return new GatewayException(
        e.code(),
        e.issues().stream().map(i -> new Issue(i.code(), i.field(), i.message())).toList(),
        e);
  }

  public ErrorCode code() {
    return code;
  }

  public List<Issue> issues() {
    return issues;
  }

  /** HTTP headers the answer to this error carries (e.g. Retry-After); none by default. */
  public java.util.Map<String, String> headers() {
    return java.util.Map.of();
  }
}
