package org.yiyang.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One facility flooding, the others unharmed (issue 18, "resource limits"): a quiet facility posts
 * residents at a fixed rate (open loop, latency from the scheduled send) first alone, then while a
 * second facility floods the gateway with closed-loop senders. The gateway runs with its default
 * per-client rate limit; the figure is the quiet facility's p99 flooded against alone. Both clients
 * are registered through the bootstrap operator in the gateway's data directory.
 *
 * <p>Usage: {@code FairnessDriver <gatewayBaseUrl> <dataDir> [seconds] [quietPerSecond]
 * [floodSenders]}. Prints {@code key=value} lines.
 */
public final class FairnessDriver {

  private static final String QUIET = "52330300MJ8754321M";
  private static final String FLOOD = "52330300MJ8799999T";

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .executor(Executors.newFixedThreadPool(4))
          .build();
  private final String gateway;
  private final Residents residents =
      new Residents("F" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36));
  private final AtomicLong nextRecord = new AtomicLong();

  private FairnessDriver(String gateway) {
    this.gateway = gateway.replaceAll("/+$", "");
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: FairnessDriver <gatewayBaseUrl> <dataDir> [seconds] [quietPerSecond]"
              + " [floodSenders]");
      System.exit(2);
    }
    FairnessDriver driver = new FairnessDriver(args[0]);
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int rate = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    int floodSenders = args.length > 4 ? Integer.parseInt(args[4]) : 16;
    LoadDriver.Token quiet = LoadDriver.Token.newFacility(driver.gateway, Path.of(args[1]), QUIET);
    LoadDriver.Token flood = LoadDriver.Token.newFacility(driver.gateway, Path.of(args[1]), FLOOD);

    // Warm-up: the JIT and the connection pools, for both facilities' paths.
    driver.quiet(quiet, Math.max(5, seconds / 2), rate);
    Result alone = driver.quiet(quiet, seconds, rate);

    AtomicBoolean flooding = new AtomicBoolean(true);
    AtomicLong accepted = new AtomicLong();
    AtomicLong limited = new AtomicLong();
    AtomicLong other = new AtomicLong();
    ExecutorService floodPool = Executors.newFixedThreadPool(floodSenders);
    List<Future<?>> senders = new ArrayList<>();
    for (int s = 0; s < floodSenders; s++) {
      senders.add(
          floodPool.submit(
              () -> {
                while (flooding.get()) {
                  int status = driver.post(flood, FLOOD);
                  (status == 429
                          ? limited
                          : status == 200 || status == 201 || status == 202 ? accepted : other)
                      .incrementAndGet();
                }
                return null;
              }));
    }
    Thread.sleep(2_000); // the flood's bucket is empty before the quiet facility is measured
    long floodStart = System.nanoTime();
    long acceptedBefore = accepted.get();
    long limitedBefore = limited.get();
    Result flooded = driver.quiet(quiet, seconds, rate);
    double floodSeconds = (System.nanoTime() - floodStart) / 1e9;
    long floodAccepted = accepted.get() - acceptedBefore;
    long floodLimited = limited.get() - limitedBefore;
    flooding.set(false);
    for (Future<?> f : senders) {
      f.get(60, TimeUnit.SECONDS);
    }
    floodPool.shutdown();

    System.out.printf(
        Locale.ROOT,
        "quiet facility alone   : %5d ok %3d failed  p50=%7.2f ms  p99=%7.2f ms%n",
        alone.ok,
        alone.failed,
        alone.percentileMs(0.5),
        alone.percentileMs(0.99));
    System.out.printf(
        Locale.ROOT,
        "quiet facility flooded : %5d ok %3d failed  p50=%7.2f ms  p99=%7.2f ms"
            + "  (flood: %.1f accepted/s, %.1f refused 429/s, %d other)%n",
        flooded.ok,
        flooded.failed,
        flooded.percentileMs(0.5),
        flooded.percentileMs(0.99),
        floodAccepted / floodSeconds,
        floodLimited / floodSeconds,
        other.get());
    System.out.printf(Locale.ROOT, "fairness_quiet_rate=%d%n", rate);
    System.out.printf(Locale.ROOT, "fairness_flood_senders=%d%n", floodSenders);
    System.out.printf(Locale.ROOT, "fairness_quiet_p99_alone_ms=%.2f%n", alone.percentileMs(0.99));
    System.out.printf(
        Locale.ROOT, "fairness_quiet_p99_flooded_ms=%.2f%n", flooded.percentileMs(0.99));
    System.out.printf(
        Locale.ROOT,
        "fairness_p99_ratio=%.2f%n",
        flooded.percentileMs(0.99) / alone.percentileMs(0.99));
    System.out.printf(Locale.ROOT, "fairness_quiet_failed=%d%n", alone.failed + flooded.failed);
    System.out.printf(
        Locale.ROOT, "fairness_flood_accepted_per_s=%.1f%n", floodAccepted / floodSeconds);
    System.out.printf(
        Locale.ROOT, "fairness_flood_refused_per_s=%.1f%n", floodLimited / floodSeconds);
    System.exit(0);
  }

  /** The quiet facility, open loop: one send scheduled every {@code 1/rate} s. */
  private Result quiet(LoadDriver.Token token, int seconds, int rate) throws Exception {
    int count = seconds * rate;
    long interval = 1_000_000_000L / rate;
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicLong failed = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    long start = System.nanoTime();
    List<Future<?>> sends = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long scheduled = start + i * interval;
      long wait = scheduled - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      sends.add(
          pool.submit(
              () -> {
                int status = post(token, QUIET);
                if (status == 200 || status == 201 || status == 202) {
                  latencies.add(System.nanoTime() - scheduled);
                } else {
                  failed.incrementAndGet();
                }
                return null;
              }));
    }
    for (Future<?> f : sends) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    return new Result(
        latencies.size(),
        failed.get(),
        latencies.stream().mapToLong(Long::longValue).sorted().toArray());
  }

  private int post(LoadDriver.Token token, String facility) {
    ObjectNode record = residents.record(nextRecord.getAndIncrement());
    record.put("facilityCode", facility);
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(gateway + "/api/v1/residents"))
                  .timeout(Duration.ofSeconds(60))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + token.value())
                  .POST(HttpRequest.BodyPublishers.ofString(record.toString()))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private record Result(long ok, long failed, long[] sortedNanos) {
    double percentileMs(double p) {
      if (sortedNanos.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(p * sortedNanos.length) - 1);
      return sortedNanos[Math.max(0, index)] / 1e6;
    }
  }
}
