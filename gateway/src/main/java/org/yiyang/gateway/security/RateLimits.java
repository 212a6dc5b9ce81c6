package org.yiyang.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.web.filter.OncePerRequestFilter;
import org.yiyang.profiles.ErrorCode;

/**
 * Admission per client, before any work (ADR 0050): a token bucket (Bucket4j) of {@code burst}
 * requests refilled at {@code requests-per-second}, where a request just over the rate waits for
 * its token up to {@code max-delay} (paced, as nginx's {@code limit_req} delays) and beyond that
 * gets 429 with {@code Retry-After}; then a fair share of the gateway's work slots ({@link
 * FairShare}): at most {@code max-in-progress} requests of one client at once (429 beyond), and a
 * free slot goes to the clients in turn. So a facility flooding the gateway spends its own budget
 * and its own turn, not the others'. Requests not yet authenticated (the token endpoint) count per
 * remote address; health probes and the gateway's own calls to its embedded FHIR server (already
 * admitted as the request that made them) are not counted. Buckets and slots live in this
 * instance's memory: with several instances, each grants its own.
 */
public final class RateLimits extends OncePerRequestFilter {

  private final SecurityProperties.RateLimit limit;
  private final SecurityAnswers answers;
  private final FairShare share;
  private final Cache<String, Bucket> buckets =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();

  public RateLimits(SecurityProperties properties, SecurityAnswers answers, FairShare share) {
    this.limit = properties.rateLimit();
    this.answers = answers;
    this.share = share;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<Caller> caller = Caller.current();
    if (!limit.enabled()
        || probe(request)
        || caller.map(c -> c.role() == Role.GATEWAY).orElse(false)) {
      chain.doFilter(request, response);
      return;
    }
    String key =
        caller
            .map(c -> "client:" + c.clientId())
            .orElseGet(() -> "address:" + request.getRemoteAddr());
    Bucket bucket = buckets.get(key, k -> newBucket());
    try {
      if (!bucket.asBlocking().tryConsume(1, limit.maxDelay())) {
        long nanos = bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos) + 1);
        refuse(
            request,
            response,
            "This client sent more than "
                + limit.burst()
                + " requests at once or more than "
                + limit.requestsPerSecond()
                + " a second; send again after "
                + seconds
                + " s.",
            seconds);
        return;
      }
      FairShare.Admission admission = share.enter(key);
      if (admission instanceof FairShare.Refusal refusal) {
        refuse(
            request,
            response,
            refusal.reason() == FairShare.Refused.TOO_MANY_IN_PROGRESS
                ? "This client already has "
                    + share.maxPerClient()
                    + " requests in progress; send again when one has been answered."
                : "The gateway is busy: no request slot came free within "
                    + share.maxWait().toSeconds()
                    + " s; send again after 1 s.",
            1);
        return;
      }
      try (FairShare.Slot slot = (FairShare.Slot) admission) {
        FairShare.bind(slot);
        chain.doFilter(request, response);
      } finally {
        FairShare.bind(null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      refuse(request, response, "The gateway is stopping; send again after 1 s.", 1);
    }
  }

  private void refuse(
      HttpServletRequest request, HttpServletResponse response, String rule, long retryAfter)
      throws IOException {
    answers.write(
        request,
        response,
        new Refusal(
            ErrorCode.RATE_LIMITED, "", rule, Map.of("Retry-After", String.valueOf(retryAfter))));
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
