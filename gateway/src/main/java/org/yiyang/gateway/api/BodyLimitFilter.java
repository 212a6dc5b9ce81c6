package org.yiyang.gateway.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.yiyang.gateway.error.ErrorResponses;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;

/**
 * The API's body limit ({@link BodyLimits}: {@code gateway.api.max-body-size}, or {@code
 * gateway.attachments.max-request-size} for records with attachments), enforced while the body is
 * read rather than after it is all in memory: a declared {@code Content-Length} over the limit is
 * refused with 413 before a byte is read, and a body without one (chunked) is counted as it streams
 * and refused once it passes the limit. After Spring Security (an anonymous caller hears 401
 * first), before the controllers; the embedded FHIR server's {@code /fhir} has limits of its own.
 */
@Component
@Order(SecurityProperties.DEFAULT_FILTER_ORDER + 10)
public class BodyLimitFilter extends OncePerRequestFilter {

  private final BodyLimits limits;
  private final ErrorResponses errors;

  public BodyLimitFilter(BodyLimits limits, ErrorResponses errors) {
    this.limits = limits;
    this.errors = errors;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long maxBodyBytes = limits.of(request.getRequestURI());
    if (request.getContentLengthLong() > maxBodyBytes) {
      refuse(response, maxBodyBytes);
      return;
    }
    LimitedRequest limited = new LimitedRequest(request, maxBodyBytes);
    try {
      chain.doFilter(limited, response);
    } finally {
      if (limited.over) {
        // Sent now, not after the server has waited for (and discarded) the rest of the body.
        response.flushBuffer();
      }
    }
  }

  private void refuse(HttpServletResponse response, long maxBodyBytes) throws IOException {
    ResponseEntity<byte[]> answer =
        FlowInvoker.render(errors.toResponse(tooLarge(maxBodyBytes)), null);
    response.setStatus(answer.getStatusCode().value());
    answer.getHeaders().forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
    response.setHeader("Connection", "close");
    byte[] body = answer.getBody() == null ? new byte[0] : answer.getBody();
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
    response.flushBuffer();
  }

  static GatewayException tooLarge(long maxBodyBytes) {
    return GatewayException.of(
        ErrorCode.PAYLOAD_TOO_LARGE,
        "",
        "The request body exceeds the limit of " + maxBodyBytes + " bytes.");
  }

  /** A request whose body stream refuses (413, as a GatewayException) its byte past the limit. */
  private static final class LimitedRequest extends HttpServletRequestWrapper {
    private final long max;
    private ServletInputStream stream;
    volatile boolean over;

    LimitedRequest(HttpServletRequest request, long max) {
      super(request);
      this.max = max;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new Counting(super.getInputStream());
      }
      return stream;
    }

    private final class Counting extends ServletInputStream {
      private final ServletInputStream in;
      private long read;

      Counting(ServletInputStream in) {
        this.in = in;
      }

      @Override
      public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
          count(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
          count(n);
        }
        return n;
      }

      private void count(int n) {
        read += n;
        if (read > max) {
          over = true;
          throw tooLarge(max);
        }
      }

      @Override
      public boolean isFinished() {
        return in.isFinished();
      }

      @Override
      public boolean isReady() {
        return in.isReady();
      }

      @Override
      public void setReadListener(ReadListener listener) {
        in.setReadListener(listener);
      }
    }
  }
}
