package org.yiyang.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.web.filter.OncePerRequestFilter;
import org.yiyang.profiles.ErrorCode;

/**
 * A token bucket per client (Bucket4j): {@code burst} requests at once, refilled at {@code
 * requests-per-second}. Past it, 429 with {@code Retry-After}, before any work; so one facility
 * flooding the gateway spends its own budget, not the others'. Requests not yet authenticated (the
 * token endpoint) count per remote address; health probes are not counted. Buckets live in this
 * instance's memory: with several instances, each grants its own budget.
 */
public final class RateLimits extends OncePerRequestFilter {

  private final SecurityProperties.RateLimit limit;
  private final SecurityAnswers answers;
  private final Cache<String, Bucket> buckets =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();

  public RateLimits(SecurityProperties properties, SecurityAnswers answers) {
    this.limit = properties.rateLimit();
    this.answers = answers;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!limit.enabled() || probe(request)) {
      chain.doFilter(request, response);
      return;
    }
    String key =
        Caller.current()
            .map(c -> "client:" + c.clientId())
            .orElseGet(() -> "address:" + request.getRemoteAddr());
    ConsumptionProbe probe = buckets.get(key, k -> newBucket()).tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      chain.doFilter(request, response);
      return;
    }
    long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill()) + 1);
    answers.write(
        request,
        response,
        new Refusal(
            ErrorCode.RATE_LIMITED,
            "",
            "This client sent more than "
                + limit.burst()
                + " requests at once or more than "
                + limit.requestsPerSecond()
                + " a second; send again after "
                + seconds
                + " s.",
            Map.of("Retry-After", String.valueOf(seconds))));
  }

  /** Health probes are never limited: a load balancer must always learn whether to send. */
  private static boolean probe(HttpServletRequest request) {
    return request.getRequestURI().startsWith("/actuator/health");
  }

  private Bucket newBucket() {
    long per10s = Math.max(1, Math.round(limit.requestsPerSecond() * 10));
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(limit.burst())
                .refillGreedy(per10s, Duration.ofSeconds(10))
                .build())
        .build();
  }
}
