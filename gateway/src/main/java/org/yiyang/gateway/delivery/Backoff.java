package org.yiyang.gateway.delivery;

import java.time.Duration;
import java.util.function.DoubleSupplier;
import org.yiyang.gateway.config.GatewayProperties;

/**
 * Exponential backoff with jitter: the n-th retry waits {@code initial * multiplier^(n-1)}, capped
 * at {@code max}, of which the fraction {@code jitter} is drawn at random so that messages failed
 * by the same outage do not all come back at the same instant.
 */
public final class Backoff {

  private final Duration initial;
  private final Duration max;
  private final double multiplier;
  private final double jitter;
  private final DoubleSupplier random;

  public Backoff(Duration initial, Duration max, double multiplier, double jitter) {
    this(
        initial,
        max,
        multiplier,
        jitter,
        () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
  }

  Backoff(Duration initial, Duration max, double multiplier, double jitter, DoubleSupplier random) {
    this.initial = initial;
    this.max = max;
    this.multiplier = multiplier;
    this.jitter = jitter;
    this.random = random;
  }

  public static Backoff of(GatewayProperties.Delivery d) {
    return new Backoff(d.initialBackoff(), d.maxBackoff(), d.multiplier(), d.jitter());
  }

  /** The delay after the given number of failed attempts (1 for the first failure). */
  public Duration delayAfter(int failedAttempts) {
    double base = initial.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempts - 1));
    double capped = Math.min(base, max.toMillis());
    double delay = capped * (1 - jitter) + capped * jitter * random.getAsDouble();
    return Duration.ofMillis(Math.max(1, Math.round(delay)));
  }
}
