package org.yiyang.gateway.api;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
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

  /**
   * A query or path parameter that does not convert to its type ({@code ?page=abc}, a number too
   * large): 400 naming the parameter and the type, never 500. The value is not quoted back: it may
   * be personal data.
   */
  @ExceptionHandler(TypeMismatchException.class)
  public ResponseEntity<byte[]> typeMismatch(TypeMismatchException e) {
    String name =
        e instanceof MethodArgumentTypeMismatchException m ? m.getName() : e.getPropertyName();
    String field = name == null ? "" : name;
    return answer(
        GatewayException.of(
            ErrorCode.INVALID_VALUE,
            field,
            (field.isEmpty() ? "A parameter" : field)
                + " must be "
                + expected(e.getRequiredType())
                + "."));
  }

  /** A required query parameter that is absent: 400 naming it. */
  @ExceptionHandler(MissingServletRequestParameterException.class)
  public ResponseEntity<byte[]> missingParameter(MissingServletRequestParameterException e) {
    return answer(
        GatewayException.of(
            ErrorCode.REQUIRED_FIELD,
            e.getParameterName(),
            e.getParameterName() + " is a required parameter."));
  }

  private static String expected(Class<?> type) {
    if (type == int.class
        || type == Integer.class
        || type == long.class
        || type == Long.class
        || type == short.class
        || type == Short.class) {
      return "a whole number within range";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type != null && type.isEnum()) {
      return "one of "
          + java.util.Arrays.stream(type.getEnumConstants())
              .map(c -> c.toString().toLowerCase(java.util.Locale.ROOT))
              .collect(java.util.stream.Collectors.joining(", "));
    }
    return "a valid value" + (type == null ? "" : " of type " + type.getSimpleName());
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
