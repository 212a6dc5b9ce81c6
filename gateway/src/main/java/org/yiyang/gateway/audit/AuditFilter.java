package org.yiyang.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.yiyang.gateway.api.FlowInvoker;
import org.yiyang.gateway.delivery.MessageIntake;
import org.yiyang.gateway.error.ErrorResponses;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.security.SecurityAnswers;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ErrorCode;

/**
 * One audit record per request, committed before the answer leaves (ADR 0055). Runs before Spring
 * Security's filter chain, so refusals (401, 403, 429, the token endpoint's) pass through it too:
 * it fixes the request's correlation id, holds the whole answer in memory, lets the request run,
 * writes the record (unless the request was audited with its journal entry), and only then releases
 * the answer. If the record cannot be written, the answer is withheld: 500 instead. Health probes
 * are not audited (anonymous, no data, polled every few seconds).
 */
public final class AuditFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(AuditFilter.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_PARSED_BODY = 64 * 1024;
  private static final Pattern OAUTH_ERROR = Pattern.compile("^[a-z_]{1,32}$");

  // Looked up at the first request, not when the servlet container starts (before the journal).
  private final ObjectProvider<AuditTrail> trail;
  private final ObjectProvider<AuditRoutes> routes;
  private final ObjectProvider<ErrorResponses> errors;

  public AuditFilter(
      ObjectProvider<AuditTrail> trail,
      ObjectProvider<AuditRoutes> routes,
      ObjectProvider<ErrorResponses> errors) {
    this.trail = trail;
    this.routes = routes;
    this.errors = errors;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return path.equals("/actuator/health") || path.startsWith("/actuator/health/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest original, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = original.getHeader(FlowInvoker.CORRELATION_HEADER);
    String correlation = AuditValues.correlationId(header);
    HttpServletRequest request =
        correlation.equals(header) ? original : new Correlated(original, correlation);
    RequestAudit audit = new RequestAudit(request, correlation);
    request.setAttribute(RequestAudit.ATTRIBUTE, audit);
    ContentCachingResponseWrapper buffered = new ContentCachingResponseWrapper(response);
    Exception failure = null;
    audit.bind();
    try {
      chain.doFilter(request, buffered);
    } catch (IOException | ServletException | RuntimeException e) {
      failure = e;
    } finally {
      RequestAudit.unbind();
    }
    int status = failure != null ? 500 : buffered.getStatus();
    if (!audit.audited) {
      try {
        AuditTrail auditTrail = trail.getObject();
        auditTrail.append(
            auditTrail.request(
                audit,
                routes.getObject().of(request),
                status,
                errorCode(status, buffered),
                refusal(request),
                claimedClient(request, audit),
                buffered.getHeader(MessageIntake.MESSAGE_ID_HEADER)));
      } catch (RuntimeException notAudited) {
        log.error(
            "The audit trail could not record a request (correlationId={}): {}; its answer is"
                + " withheld",
            correlation,
            notAudited.getClass().getName());
        if (failure == null && !response.isCommitted()) {
          withhold(buffered, response, correlation);
          return;
        }
      }
    }
    if (failure != null) {
      rethrow(failure);
    }
    if (!response.containsHeader(FlowInvoker.CORRELATION_HEADER) && !response.isCommitted()) {
      response.setHeader(FlowInvoker.CORRELATION_HEADER, correlation);
    }
    buffered.copyBodyToResponse();
  }

  /** The gateway's error code in an OperationOutcome answer, or the OAuth2 {@code error}. */
  static String errorCode(int status, ContentCachingResponseWrapper buffered) {
    byte[] body = buffered.getContentAsByteArray();
    String type = buffered.getContentType();
    if (status < 400
        || body.length == 0
        || body.length > MAX_PARSED_BODY
        || type == null
        || !type.contains("json")) {
      return null;
    }
    try {
      JsonNode answer = JSON.readTree(body);
      if ("OperationOutcome".equals(answer.path("resourceType").asText())) {
        for (JsonNode issue : answer.path("issue")) {
          for (JsonNode coding : issue.path("details").path("coding")) {
            if (Canonical.CS_ERROR.equals(coding.path("system").asText())) {
              return AuditValues.clip(coding.path("code").asText(), 32);
            }
          }
        }
        return null;
      }
      String error = answer.path("error").asText("");
      return OAUTH_ERROR.matcher(error).matches() ? error : null;
    } catch (IOException notJson) {
      return null;
    }
  }

  private static String refusal(HttpServletRequest request) {
    return request.getAttribute(SecurityAnswers.REFUSAL) instanceof String rule
        ? AuditValues.clip(rule, 300)
        : null;
  }

  /**
   * The client a token request without an authenticated client claimed: the user of its Basic
   * credentials, or its {@code client_id} parameter (never the secret, never the assertion).
   */
  static String claimedClient(HttpServletRequest request, RequestAudit audit) {
    if (audit.caller != null || !request.getRequestURI().endsWith("/oauth2/token")) {
      return null;
    }
    String authorization = request.getHeader("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String pair =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).trim()),
                StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        String id = colon < 0 ? pair : pair.substring(0, colon);
        return AuditValues.clip(URLDecoder.decode(id, StandardCharsets.UTF_8), 64);
      } catch (IllegalArgumentException malformed) {
        return null;
      }
    }
    String id = request.getParameter("client_id");
    return id == null ? null : AuditValues.clip(id, 64);
  }

  /** The record could not be written: the answer prepared is dropped, a 500 goes instead. */
  private void withhold(
      ContentCachingResponseWrapper buffered, HttpServletResponse response, String correlation)
      throws IOException {
    buffered.resetBuffer();
    response.reset();
    ResponseEntity<byte[]> answer =
        FlowInvoker.render(
            errors
                .getObject()
                .toResponse(
                    GatewayException.of(
                        ErrorCode.INTERNAL,
                        "",
                        "The audit trail could not record this request, so its answer is withheld;"
                            + " send it again later.")),
            correlation);
    response.setStatus(answer.getStatusCode().value());
    answer.getHeaders().forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
    byte[] body = answer.getBody() == null ? new byte[0] : answer.getBody();
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static void rethrow(Exception failure) throws IOException, ServletException {
    if (failure instanceof IOException io) {
      throw io;
    }
    if (failure instanceof ServletException servlet) {
      throw servlet;
    }
    throw (RuntimeException) failure;
  }

  /** The request as the handlers see it: carrying the correlation id the audit record names. */
  private static final class Correlated extends HttpServletRequestWrapper {
    private final String correlation;

    Correlated(HttpServletRequest request, String correlation) {
      super(request);
      this.correlation = correlation;
    }

    @Override
    public String getHeader(String name) {
      return FlowInvoker.CORRELATION_HEADER.equalsIgnoreCase(name)
          ? correlation
          : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return FlowInvoker.CORRELATION_HEADER.equalsIgnoreCase(name)
          ? Collections.enumeration(List.of(correlation))
          : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
      List<String> names = new ArrayList<>(Collections.list(super.getHeaderNames()));
      if (names.stream().noneMatch(FlowInvoker.CORRELATION_HEADER::equalsIgnoreCase)) {
        names.add(FlowInvoker.CORRELATION_HEADER);
      }
      return Collections.enumeration(names);
    }
  }
}
