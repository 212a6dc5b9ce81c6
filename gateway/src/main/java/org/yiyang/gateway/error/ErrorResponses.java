package org.yiyang.gateway.error;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.net.SocketTimeoutException;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StringType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.logging.SafeTrace;
import org.yiyang.mappings.MappingDefinitionException;
import org.yiyang.mappings.MappingException;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ErrorCode;

/**
 * Turns every failure into an {@link ApiResponse} carrying a FHIR OperationOutcome: the one place
 * where exceptions are classified (input, mapping, profile, upstream, internal). Never a stack
 * trace in a response; never a record value in a log line.
 */
@Component
public class ErrorResponses {

  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

  /** Classifies any throwable into a gateway error. */
  public GatewayException classify(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof GatewayException g) {
      return g;
    }
    if (t instanceof MappingException m) {
      return GatewayException.from(m);
    }
    if (t instanceof MappingDefinitionException) {
      log.error("Mapping definition failed: {}", t.getClass().getName());
      return GatewayException.of(
          ErrorCode.MAPPING_DEFINITION, "", "A mapping definition failed; see the gateway logs.");
    }
    if (t instanceof FhirClientConnectionException) {
      boolean timeout = causedBy(t, SocketTimeoutException.class);
      ErrorCode code = timeout ? ErrorCode.UPSTREAM_TIMEOUT : ErrorCode.UPSTREAM_UNAVAILABLE;
      return new GatewayException(
          code,
          List.of(
              new GatewayException.Issue(
                  code,
                  "",
                  timeout
                      ? "The regional FHIR server did not answer within the read timeout."
                      : "The regional FHIR server could not be reached.")),
          t);
    }
    if (t instanceof BaseServerResponseException r) {
      int status = r.getStatusCode();
      ErrorCode code =
          status >= 500 || status == 429
              ? ErrorCode.UPSTREAM_UNAVAILABLE
              : ErrorCode.UPSTREAM_REJECTED;
      return new GatewayException(
          code,
          List.of(
              new GatewayException.Issue(
                  code,
                  "",
                  "The regional FHIR server answered HTTP "
                      + status
                      + " ("
                      + code.display()
                      + ")")),
          t);
    }
    if (t instanceof org.springframework.dao.DataAccessResourceFailureException
        || t instanceof org.springframework.dao.TransientDataAccessException
        || t instanceof org.springframework.transaction.CannotCreateTransactionException) {
      // The journal (or its connection pool) is down or busy: nothing is wrong with the request,
      // and nothing was accepted; the sender retries later.
      log.warn(
          "Journal unreachable ({}); answering {}",
          t.getClass().getName(),
          ErrorCode.JOURNAL_UNAVAILABLE.code());
      return new JournalUnavailable();
    }
    if (t instanceof java.util.concurrent.RejectedExecutionException) {
      // Camel starts its routes after the web server opens (and stops them before it closes):
      // a request in that window is refused for now, not failed.
      return new NotReady();
    }
    // The exception's message may quote the record: classes and frames only (SafeTrace).
    log.error(
        "Unexpected failure ({}); answering {}\n{}",
        t.getClass().getName(),
        ErrorCode.INTERNAL.code(),
        SafeTrace.of(t));
    return GatewayException.of(ErrorCode.INTERNAL, "", "An internal error occurred.");
  }

  /** The response for a failure. */
  public ApiResponse toResponse(Throwable failure) {
    GatewayException e = classify(failure);
    ApiResponse response = ApiResponse.of(e.code().httpStatus(), outcome(e), e.code().code());
    for (java.util.Map.Entry<String, String> header : e.headers().entrySet()) {
      response = response.withHeader(header.getKey(), header.getValue());
    }
    return response;
  }

  /** The routes are not running yet (or any more): retry in a few seconds. */
  static final class NotReady extends GatewayException {
    NotReady() {
      super(
          ErrorCode.NOT_READY,
          List.of(
              new GatewayException.Issue(
                  ErrorCode.NOT_READY, "", "The gateway is starting or stopping; retry shortly.")));
    }

    @Override
    public java.util.Map<String, String> headers() {
      return java.util.Map.of("Retry-After", "5");
    }
  }

  /** The journal cannot be reached: retry in a few seconds. */
  static final class JournalUnavailable extends GatewayException {
    JournalUnavailable() {
      super(
          ErrorCode.JOURNAL_UNAVAILABLE,
          List.of(
              new GatewayException.Issue(
                  ErrorCode.JOURNAL_UNAVAILABLE,
                  "",
                  "The gateway's journal cannot be reached; nothing was accepted. Retry shortly.")));
    }

    @Override
    public java.util.Map<String, String> headers() {
      return java.util.Map.of("Retry-After", "5");
    }
  }

  /** Builds the OperationOutcome: one issue per field, each naming the field and the rule. */
  public static OperationOutcome outcome(GatewayException e) {
    OperationOutcome oo = new OperationOutcome();
    List<GatewayException.Issue> issues =
        e.issues().isEmpty()
            ? List.of(new GatewayException.Issue(e.code(), "", e.code().display()))
            : e.issues();
    for (GatewayException.Issue issue : issues) {
      ErrorCode code = issue.code() == null ? e.code() : issue.code();
      OperationOutcome.OperationOutcomeIssueComponent c = oo.addIssue();
      c.setSeverity(code.severity());
      c.setCode(code.issueType());
      c.setDetails(
          new CodeableConcept(new Coding(Canonical.CS_ERROR, code.code(), code.display()))
              .setText(issue.message()));
      c.setDiagnostics(issue.message());
      if (issue.field() != null && !issue.field().isEmpty()) {
        c.setExpression(List.of(new StringType(issue.field())));
      }
    }
    return oo;
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof org.apache.camel.CamelExecutionException
            || current instanceof java.lang.reflect.InvocationTargetException
            || current instanceof org.apache.camel.RuntimeCamelException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
