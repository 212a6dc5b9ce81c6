package org.yiyang.profiles;

import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * The gateway's error codes, numbered by phase: GW-1xxx source input (400), GW-2xxx mapping and
 * terminology (422), GW-3xxx profile validation (422), GW-4xxx upstream (502/504), GW-9xxx internal
 * (500). Codes are never renumbered; the same list is published as the CodeSystem {@link
 * Canonical#CS_ERROR} in the package and a test keeps the two in sync.
 */
public enum ErrorCode {
  MALFORMED_JSON("GW-1001", 400, IssueType.STRUCTURE, "The body is not well-formed JSON."),
  REQUIRED_FIELD("GW-1002", 400, IssueType.REQUIRED, "A required field is missing or empty."),
  INVALID_VALUE("GW-1003", 400, IssueType.VALUE, "A field has the wrong type, format or length."),
  CITIZEN_ID_CHECK(
      "GW-1004",
      400,
      IssueType.VALUE,
      "The citizen ID number fails the GB 11643 check character or structure."),
  CITIZEN_ID_CONTRADICTS(
      "GW-1005",
      400,
      IssueType.BUSINESSRULE,
      "The birth date or sex encoded in the citizen ID number contradicts the record."),
  UNKNOWN_CODE("GW-1006", 400, IssueType.CODEINVALID, "A code is not in its code list."),
  UNKNOWN_FIELD("GW-1007", 400, IssueType.STRUCTURE, "A field is not defined by the format."),
  USCC_CHECK(
      "GW-1008",
      400,
      IssueType.VALUE,
      "The unified social credit code fails the GB 32100 check character or structure."),
  PAYLOAD_TOO_LARGE("GW-1009", 413, IssueType.TOOCOSTLY, "The request body is too large."),
  UNSUPPORTED_MEDIA_TYPE(
      "GW-1010", 415, IssueType.NOTSUPPORTED, "The request content type is not supported."),
  NOT_FOUND("GW-1011", 404, IssueType.NOTFOUND, "The requested record does not exist."),
  METHOD_NOT_ALLOWED(
      "GW-1012", 405, IssueType.NOTSUPPORTED, "The HTTP method is not allowed on this path."),
  CONFLICT("GW-1013", 409, IssueType.CONFLICT, "The record conflicts with one already registered."),
  NOT_ACCEPTABLE(
      "GW-1014", 406, IssueType.NOTSUPPORTED, "The requested response type is not available."),
  BUSINESS_RULE(
      "GW-1015",
      400,
      IssueType.BUSINESSRULE,
      "A value contradicts another value of the record (e.g. a level that does not match its score)."),
  ATTACHMENT_TYPE(
      "GW-1016",
      415,
      IssueType.NOTSUPPORTED,
      "An attachment's content type is not allowed, or its bytes are not of the declared type."),
  ILLEGAL_TRANSITION(
      "GW-1020",
      409,
      IssueType.CONFLICT,
      "The state change is not allowed from the referral's current status."),
  NOT_PARTY(
      "GW-1021", 403, IssueType.FORBIDDEN, "The referral does not concern the acting facility."),
  CONCURRENT_CHANGE(
      "GW-1022",
      409,
      IssueType.CONFLICT,
      "The referral was changed by someone else meanwhile; read it again and retry."),
  ACTING_FACILITY(
      "GW-1023",
      400,
      IssueType.REQUIRED,
      "The acting facility is not identified (X-Facility-Code header)."),
  OTHER_PARTYS_ACTION(
      "GW-1024",
      403,
      IssueType.FORBIDDEN,
      "The action is the other party's to take on this referral."),
  UNAUTHENTICATED("GW-1030", 401, IssueType.LOGIN, "The request carries no valid access token."),
  FORBIDDEN("GW-1031", 403, IssueType.FORBIDDEN, "The caller's role does not allow this request."),
  RATE_LIMITED(
      "GW-1032",
      429,
      IssueType.THROTTLED,
      "The client sent too many requests; retry after the indicated delay."),
  UNSAFE_URL(
      "GW-1033",
      400,
      IssueType.SECURITY,
      "The URL is refused: it must use https and must not reach a loopback, private, link-local or"
          + " metadata address."),
  UNMAPPED_CODE(
      "GW-2001",
      422,
      IssueType.CODEINVALID,
      "A code has no translation in the concept map for the target code system."),
  INCOMPLETE_FHIR_DATA(
      "GW-2002",
      422,
      IssueType.INCOMPLETE,
      "The FHIR data lacks a field the exchange format requires, or holds a value it does not allow."),
  CONSENT_REQUIRED(
      "GW-2003",
      422,
      IssueType.BUSINESSRULE,
      "The resident's consent is not given: a Consent reference or the signed form's number is"
          + " required."),
  ATTACHMENT_INTEGRITY(
      "GW-2004",
      422,
      IssueType.VALUE,
      "An attachment's bytes do not match its declared size or SHA-256."),
  PROFILE_VIOLATION(
      "GW-3001", 422, IssueType.PROCESSING, "The produced resource violates its regional profile."),
  UPSTREAM_UNAVAILABLE(
      "GW-4001", 502, IssueType.TRANSIENT, "The regional FHIR server is unavailable."),
  UPSTREAM_TIMEOUT(
      "GW-4002", 504, IssueType.TIMEOUT, "The regional FHIR server did not answer in time."),
  UPSTREAM_REJECTED(
      "GW-4003", 502, IssueType.PROCESSING, "The regional FHIR server rejected the request."),
  UPSTREAM_REFUSED(
      "GW-4004",
      422,
      IssueType.PROCESSING,
      "The regional FHIR server refused the record; its issues say what to correct."),
  INTERNAL("GW-9001", 500, IssueType.EXCEPTION, "An internal error occurred."),
  MAPPING_DEFINITION(
      "GW-9002", 500, IssueType.EXCEPTION, "A mapping definition failed on this input."),
  BACKLOG_FULL(
      "GW-9003",
      503,
      IssueType.TRANSIENT,
      "The gateway's delivery backlog is full; retry after the indicated delay."),
  NOT_READY(
      "GW-9004",
      503,
      IssueType.TRANSIENT,
      "The gateway is starting or stopping; retry after the indicated delay."),
  JOURNAL_UNAVAILABLE(
      "GW-9005",
      503,
      IssueType.TRANSIENT,
      "The gateway's journal database cannot be reached; retry after the indicated delay."),
  DISK_FULL(
      "GW-9025",
      503,
      IssueType.TRANSIENT,
      "The gateway's disk is nearly full; new records are refused until space is freed. Retry"
          + " after the indicated delay.");

  private final String code;
  private final int httpStatus;
  private final IssueType issueType;
  private final String display;

  ErrorCode(String code, int httpStatus, IssueType issueType, String display) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.issueType = issueType;
    this.display = display;
  }

  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public IssueType issueType() {
    return issueType;
  }

  /** Client errors are {@code error}; server-side failures are {@code fatal}. */
  public IssueSeverity severity() {
    return httpStatus >= 500 ? IssueSeverity.FATAL : IssueSeverity.ERROR;
  }

  public String display() {
    return display;
  }
}
