package org.yiyang.gateway.api;

import jakarta.annotation.security.PermitAll;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.yiyang.gateway.error.ErrorResponses;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;

/**
 * The servlet container's error page (an error outside Spring MVC, e.g. a malformed request line):
 * an OperationOutcome like every other error, never Spring Boot's default page. Called directly, it
 * is a path that does not exist.
 */
@RestController
public class GatewayErrorController implements ErrorController {

  private final ErrorResponses errors;

  public GatewayErrorController(ErrorResponses errors) {
    this.errors = errors;
  }

  @RequestMapping("/error")
  @PermitAll
  public ResponseEntity<byte[]> error(HttpServletRequest request) {
    Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    ErrorCode code = ErrorCode.NOT_FOUND;
    String message = "No such path in the API.";
    if (status instanceof Integer s && s != 404) {
      code =
          s == 400
              ? ErrorCode.INVALID_VALUE
              : s == 405
                  ? ErrorCode.METHOD_NOT_ALLOWED
                  : s == 413 ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.INTERNAL;
      message =
          s >= 500 ? "An internal error occurred." : "The request is malformed (HTTP " + s + ").";
      if (s == 413) {
        message = "The request body exceeds the limit.";
      }
    }
    return FlowInvoker.render(
        errors.toResponse(GatewayException.of(code, "", message)),
        request.getHeader(FlowInvoker.CORRELATION_HEADER));
  }
}
