package org.yiyang.gateway.api;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.yiyang.gateway.error.ErrorResponses;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.security.Refusal;
import org.yiyang.gateway.security.SecurityAnswers;
import org.yiyang.profiles.ErrorCode;

/** Errors raised before a flow runs, answered like every other error: an OperationOutcome. */
@RestControllerAdvice
public class ApiExceptionHandler {

  private final ErrorResponses errors;

  public ApiExceptionHandler(ErrorResponses errors) {
    this.errors = errors;
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  public ResponseEntity<byte[]> method(HttpRequestMethodNotSupportedException e) {
    return answer(
        GatewayException.of(
            ErrorCode.METHOD_NOT_ALLOWED, "", "Method " + e.getMethod() + " is not allowed here."));
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  public ResponseEntity<byte[]> mediaType(HttpMediaTypeNotSupportedException e) {
    return answer(
        GatewayException.of(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE, "", "Content-Type must be application/json."));
  }

  @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
  public ResponseEntity<byte[]> acceptable(HttpMediaTypeNotAcceptableException e) {
    return answer(
        GatewayException.of(
            ErrorCode.NOT_ACCEPTABLE,
            "",
            "Responses are application/json or application/fhir+json."));
  }

  @ExceptionHandler(NoResourceFoundException.class)
  public ResponseEntity<byte[]> notFound(NoResourceFoundException e) {
    return answer(GatewayException.of(ErrorCode.NOT_FOUND, "", "No such path in the API."));
  }

  /** A role that may not call this handler (its access rule, or none declared): 403. */
  @ExceptionHandler(AccessDeniedException.class)
  public ResponseEntity<byte[]> denied(AccessDeniedException e, HttpServletRequest request) {
    Refusal refusal = SecurityAnswers.forbidden();
    request.setAttribute(SecurityAnswers.REFUSAL, refusal.issues().get(0).message());
    return answer(refusal);
  }

  @ExceptionHandler(Exception.class)
  public ResponseEntity<byte[]> any(Exception e) {
    return FlowInvoker.render(errors.toResponse(e), null);
  }

  private ResponseEntity<byte[]> answer(GatewayException e) {
    return FlowInvoker.render(errors.toResponse(e), null);
  }
}
