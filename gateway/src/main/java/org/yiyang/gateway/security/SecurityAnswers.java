package org.yiyang.gateway.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.api.FlowInvoker;
import org.yiyang.gateway.error.ErrorResponses;
import org.yiyang.profiles.ErrorCode;

/**
 * How the filter chains refuse: 401 (no valid token) and 403 (role not allowed) as
 * OperationOutcomes naming the rule, with {@code WWW-Authenticate} on 401; never a redirect, never
 * the token's content. The refusal's rule is left on the request for the audit record.
 */
@Component
public class SecurityAnswers implements AuthenticationEntryPoint, AccessDeniedHandler {

  /** Request attribute: why the request was refused (the audit record's reason). */
  public static final String REFUSAL = "yiyang.security.refusal";

  static final String REALM = "Bearer realm=\"yiyang-gateway\"";

  private final ErrorResponses errors;

  public SecurityAnswers(ErrorResponses errors) {
    this.errors = errors;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
      throws IOException {
    write(request, response, unauthenticated(failure));
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
      throws IOException {
    write(request, response, forbidden());
  }

  /** The 401 for an authentication failure (no token, or a token that is refused). */
  public static Refusal unauthenticated(AuthenticationException failure) {
    if (failure instanceof OAuth2AuthenticationException oauth) {
      String rule = describe(oauth);
      return new Refusal(
          ErrorCode.UNAUTHENTICATED,
          "Authorization",
          "The access token is refused: " + rule,
          Map.of(
              "WWW-Authenticate",
              REALM + ", error=\"invalid_token\", error_description=\"" + quoted(rule) + "\""));
    }
    return new Refusal(
        ErrorCode.UNAUTHENTICATED,
        "Authorization",
        "Send an access token (Authorization: Bearer …) from POST /oauth2/token"
            + " (grant_type=client_credentials).",
        Map.of("WWW-Authenticate", REALM));
  }

  /** The 403 for a caller whose role may not make this request. */
  public static Refusal forbidden() {
    return new Refusal(
        ErrorCode.FORBIDDEN,
        "",
        "The caller's role may not make this request (docs/api.md lists the roles of each path).",
        Map.of());
  }

  /** Writes a refusal as the answer, and leaves its rule on the request for the audit. */
  public void write(HttpServletRequest request, HttpServletResponse response, Refusal refusal)
      throws IOException {
    request.setAttribute(REFUSAL, refusal.issues().get(0).message());
    ResponseEntity<byte[]> answer =
        FlowInvoker.render(
            errors.toResponse(refusal), request.getHeader(FlowInvoker.CORRELATION_HEADER));
    response.setStatus(answer.getStatusCode().value());
    answer.getHeaders().forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
    byte[] body = answer.getBody() == null ? new byte[0] : answer.getBody();
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** The rule a token broke, in words; a validator's description, or the decoder's kind. */
  private static String describe(OAuth2AuthenticationException e) {
    String description = e.getError().getDescription();
    if (description == null || description.isBlank()) {
      description = e.getMessage();
    }
    if (description == null) {
      return "it is not a valid access token of this gateway.";
    }
    // The decoder's messages name the failed check ("Signed JWT rejected: Invalid signature",
    // "Jwt expired at …"); they never quote claims other than times. Keep them short.
    description = description.replaceAll("[\\r\\n\"\\\\]", " ").trim();
    return description.length() > 200 ? description.substring(0, 200) : description;
  }

  private static String quoted(String text) {
    return text.replace("\"", "'");
  }
}
