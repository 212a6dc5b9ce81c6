package org.yiyang.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end load driver: posts synthetic resident records to a running gateway over loopback and
 * measures records/s and latency percentiles, at maximum (closed loop, fixed concurrency) and at a
 * fixed offered rate (open loop; latency counted from the scheduled send time, so a stalled server
 * cannot hide its queueing). The same is done against the pass-through floor route. Every phase is
 * bounded in time and in count. Prints {@code key=value} lines.
 *
 * <p>Usage: {@code LoadDriver <gatewayBaseUrl> <stubBaseUrl> [seconds] [concurrency] [gatewayPid]};
 * with the pid, each phase also reports the gateway's CPU per record.
 */
public final class LoadDriver {

  private static final Pattern TRANSACTIONS = Pattern.compile("\"transactions\":(\\d+)");

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .executor(Executors.newFixedThreadPool(4))
          .build();
  private final String gateway;
  private final String stub;
  private final Residents residents =
      new Residents(Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36));
  private final AtomicLong nextRecord = new AtomicLong();
  private final Token token;

  private final Cpu cpu;

  private LoadDriver(String gateway, String stub, long gatewayPid) {
    this.gateway = gateway.replaceAll("/+$", "");
    this.stub = stub.replaceAll("/+$", "");
    this.cpu = new Cpu(gatewayPid);
    this.token =
        new Token(
            this.gateway, System.getenv("BENCH_CLIENT_ID"), System.getenv("BENCH_CLIENT_SECRET"));
  }

  /**
   * The facility client's access token (client credentials, {@code client_secret_basic}), renewed a
   * minute before it expires: a run is longer than a token's 300 s.
   */
  static final class Token {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
        new com.fasterxml.jackson.databind.ObjectMapper();
    private final String endpoint;
    private final String basic;
    private final HttpClient http = HttpClient.newHttpClient();
    private String value;
    private long renewAt;

    Token(String gateway, String clientId, String secret) {
      if (clientId == null || secret == null) {
        throw new IllegalStateException(
            "Set BENCH_CLIENT_ID and BENCH_CLIENT_SECRET (a facility client of the gateway)");
      }
      this.endpoint = gateway + "/oauth2/token";
      this.basic =
          java.util.Base64.getEncoder()
              .encodeToString(
                  (clientId + ":" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * A new facility client with a secret, registered through the bootstrap operator whose
     * credentials the gateway wrote into its data directory (ADR 0050), and its token.
     */
    static Token newFacility(String gateway, java.nio.file.Path dataDir, String uscc) {
      try {
        com.fasterxml.jackson.databind.JsonNode bootstrap =
            JSON.readTree(dataDir.resolve("secrets").resolve("bootstrap-operator.json").toFile());
        Token operator =
            new Token(
                gateway,
                bootstrap.path("clientId").asText(),
                bootstrap.path("clientSecret").asText());
        com.fasterxml.jackson.databind.node.ObjectNode body = JSON.createObjectNode();
        body.put("clientName", "benchmark " + uscc);
        body.put("role", "facility");
        body.put("facilityCode", uscc);
        body.put("auth", "client_secret_basic");
        HttpResponse<String> created =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(gateway + "/api/v1/admin/clients"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + operator.value())
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
          throw new IllegalStateException(
              "Cannot register a facility client: HTTP " + created.statusCode());
        }
        com.fasterxml.jackson.databind.JsonNode client = JSON.readTree(created.body());
        return new Token(
            gateway, client.path("clientId").asText(), client.path("clientSecret").asText());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    synchronized String value() {
      if (value == null || System.nanoTime() > renewAt) {
        try {
          HttpResponse<String> answer =
              http.send(
                  HttpRequest.newBuilder(URI.create(endpoint))
                      .header("Authorization", "Basic " + basic)
                      .header("Content-Type", "application/x-www-form-urlencoded")
                      .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (answer.statusCode() != 200) {
            throw new IllegalStateException("No token: HTTP " + answer.statusCode());
          }
          com.fasterxml.jackson.databind.JsonNode json = JSON.readTree(answer.body());
          value = json.path("access_token").asText();
          renewAt = System.nanoTime() + (json.path("expires_in").asLong() - 60) * 1_000_000_000L;
        } catch (java.io.IOException ex) {
          throw new java.io.UncheckedIOException(ex);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(ex);
        }
      }
      return value;
    }
  }

  /**
   * CPU accounting from Linux {@code /proc} (the driver runs on the gateway's machine): the
   * gateway's user + system time, and the busy share of all cores. Other work on a shared machine
   * shows up as a busy share above the gateway's own. Zero everywhere /proc is unreadable.
   */
  static final class Cpu {
    private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux
    private final long pid;

    Cpu(long pid) {
      this.pid = pid;
    }

    /** {gateway CPU seconds, machine busy ticks, machine total ticks} now. */
    double[] sample() {
      double gw = 0;
      double busy = 0;
      double total = 0;
      try {
        if (pid > 0) {
          String stat =
              java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          gw = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        }
        String[] all =
            java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))
                .get(0)
                .trim()
                .split("\\s+");
        for (int i = 1; i < all.length && i <= 8; i++) {
          long v = Long.parseLong(all[i]);
          total += v;
          if (i != 4 && i != 5) { // idle, iowait
            busy += v;
          }
        }
      } catch (Exception e) {
        return new double[] {0, 0, 0};
      }
      return new double[] {gw, busy, total};
    }
  }

  /** Results of one phase, with the gateway's CPU time and the machine's busy share during it. */
  record Phase(
      String name,
      long ok,
      long failed,
      double seconds,
      long[] latenciesNanos,
      double gatewayCpuSeconds,
      double machineBusy) {
    double perSecond() {
      return ok / seconds;
    }

    double percentileMs(double p) {
      if (latenciesNanos.length == 0) {
        return Double.NaN;
      }
      long[] sorted = latenciesNanos.clone();
      Arrays.sort(sorted);
      int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
      return sorted[Math.max(0, index)] / 1e6;
    }

    /** Gateway CPU per answered request (NaN without a gateway pid). */
    double cpuMsPerRecord() {
      return ok == 0 ? Double.NaN : gatewayCpuSeconds * 1000 / ok;
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "%-22s ok=%6d failed=%4d  %8.1f rec/s  p50=%7.2f ms  p99=%7.2f ms  gateway CPU"
              + " %5.2f ms/rec (%.2f cores)  machine busy %3.0f%%",
          name,
          ok,
          failed,
          perSecond(),
          percentileMs(0.50),
          percentileMs(0.99),
          cpuMsPerRecord(),
          gatewayCpuSeconds / seconds,
          machineBusy * 100);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: LoadDriver <gatewayBaseUrl> <stubBaseUrl> [seconds] [concurrency] [gatewayPid]");
      System.exit(2);
    }
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 16;
    long pid = args.length > 4 ? Long.parseLong(args[4]) : 0;
    int warmUp = args.length > 5 ? Integer.parseInt(args[5]) : seconds;
    LoadDriver driver = new LoadDriver(args[0], args[1], pid);
    driver.run(seconds, concurrency, warmUp);
    System.exit(0);
  }

  private void run(int seconds, int concurrency, int warmUpSeconds) throws Exception {
    long maxRecords = 200_000;
    System.out.println(
        "warm-up: resident " + warmUpSeconds + " s, floor " + Math.max(5, seconds / 2) + " s");
    Phase warmUp = closedLoop("warm-up resident", false, concurrency, warmUpSeconds, maxRecords);
    System.out.println(warmUp.line() + "  (not counted)");
    closedLoop("warm-up floor", true, concurrency, Math.max(5, seconds / 2), maxRecords);

    long deliveredBefore = delivered();
    Phase residentMax = closedLoop("resident max", false, concurrency, seconds, maxRecords);
    long deliveredAfterMax = delivered();
    double halfRate = Math.max(1, residentMax.perSecond() / 2);
    Phase residentFixed =
        openLoop("resident @" + Math.round(halfRate) + "/s", false, halfRate, seconds, maxRecords);
    Phase floorMax = closedLoop("floor max", true, concurrency, seconds, maxRecords);
    Phase floorFixed =
        openLoop("floor @" + Math.round(halfRate) + "/s", true, halfRate, seconds, maxRecords);
    // Delivery is asynchronous past the journal: give it a moment, then count what reached the
    // stub.
    Thread.sleep(3000);
    long deliveredTotal = delivered() - deliveredBefore;

    for (Phase p : List.of(residentMax, residentFixed, floorMax, floorFixed)) {
      System.out.println(p.line());
    }
    System.out.printf(
        Locale.ROOT,
        "delivered to stub during resident max: %d of %d accepted (%d in total since)%n",
        deliveredAfterMax - deliveredBefore,
        residentMax.ok(),
        deliveredTotal);
    System.out.printf(Locale.ROOT, "e2e_records_per_s=%.1f%n", residentMax.perSecond());
    System.out.printf(Locale.ROOT, "e2e_p50_ms_at_max=%.2f%n", residentMax.percentileMs(0.5));
    System.out.printf(Locale.ROOT, "e2e_p99_ms_at_max=%.2f%n", residentMax.percentileMs(0.99));
    System.out.printf(
        Locale.ROOT, "e2e_gateway_cpu_ms_per_record=%.2f%n", residentMax.cpuMsPerRecord());
    System.out.printf(Locale.ROOT, "e2e_machine_busy_pct=%.0f%n", residentMax.machineBusy() * 100);
    System.out.printf(Locale.ROOT, "e2e_fixed_rate_per_s=%.1f%n", halfRate);
    System.out.printf(Locale.ROOT, "e2e_p50_ms=%.2f%n", residentFixed.percentileMs(0.5));
    System.out.printf(Locale.ROOT, "e2e_p99_ms=%.2f%n", residentFixed.percentileMs(0.99));
    System.out.printf(
        Locale.ROOT, "e2e_failed=%d%n", residentMax.failed() + residentFixed.failed());
    System.out.printf(Locale.ROOT, "floor_records_per_s=%.1f%n", floorMax.perSecond());
    System.out.printf(Locale.ROOT, "floor_p99_ms=%.2f%n", floorFixed.percentileMs(0.99));
    System.out.printf(
        Locale.ROOT, "floor_gateway_cpu_ms_per_record=%.3f%n", floorMax.cpuMsPerRecord());
    System.out.printf(
        Locale.ROOT, "e2e_vs_floor=%.3f%n", residentMax.perSecond() / floorMax.perSecond());
  }

  private HttpRequest request(boolean floor) {
    long i = nextRecord.getAndIncrement();
    return HttpRequest.newBuilder(
            URI.create(gateway + (floor ? "/bench/floor" : "/api/v1/residents")))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("X-Correlation-Id", "bench-" + i)
        .header("Authorization", "Bearer " + token.value())
        .POST(HttpRequest.BodyPublishers.ofByteArray(residents.body(i)))
        .build();
  }

  /** {@code concurrency} senders, each posting the next record as soon as the last is answered. */
  private Phase closedLoop(
      String name, boolean floor, int concurrency, int seconds, long maxRecords)
      throws InterruptedException {
    double[] cpu0 = cpu.sample();
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong budget = new AtomicLong(maxRecords);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<long[]> perThread = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      long[] lat = new long[(int) Math.min(maxRecords, 400_000)];
      perThread.add(lat);
      int[] count = {0};
      Thread thread =
          new Thread(
              () -> {
                while (System.nanoTime() < deadline && budget.getAndDecrement() > 0) {
                  long t0 = System.nanoTime();
                  try {
                    HttpResponse<Void> r =
                        http.send(request(floor), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() / 100 == 2) {
                      ok.incrementAndGet();
                      if (count[0] < lat.length) {
                        lat[count[0]++] = System.nanoTime() - t0;
                      }
                    } else {
                      failed.incrementAndGet();
                    }
                  } catch (Exception e) {
                    failed.incrementAndGet();
                  }
                }
                lat[lat.length - 1] = -count[0] - 1; // remember how many were filled
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    double[] cpu1 = cpu.sample();
    List<Long> all = new ArrayList<>();
    for (long[] lat : perThread) {
      int filled = (int) (-lat[lat.length - 1] - 1);
      for (int k = 0; k < Math.min(filled, lat.length - 1); k++) {
        all.add(lat[k]);
      }
    }
    return new Phase(
        name,
        ok.get(),
        failed.get(),
        elapsed,
        all.stream().mapToLong(Long::longValue).toArray(),
        cpu1[0] - cpu0[0],
        busyShare(cpu0, cpu1));
  }

  /** Posts at {@code rate} per second whatever the answers; at most 512 requests in flight. */
  private Phase openLoop(String name, boolean floor, double rate, int seconds, long maxRecords)
      throws InterruptedException {
    long count = Math.min(maxRecords, (long) (rate * seconds));
    long interval = (long) (1e9 / rate);
    Semaphore inFlight = new Semaphore(512);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLongArray lat = new AtomicLongArray((int) count);
    AtomicLong filled = new AtomicLong();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    double[] cpu0 = cpu.sample();
    long start = System.nanoTime();
    for (long k = 0; k < count; k++) {
      long scheduled = start + k * interval;
      long wait = scheduled - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      if (!inFlight.tryAcquire()) {
        failed.incrementAndGet(); // the gateway fell that far behind: counted as a failure
        continue;
      }
      pending.add(
          http.sendAsync(request(floor), HttpResponse.BodyHandlers.discarding())
              .whenComplete(
                  (r, e) -> {
                    inFlight.release();
                    if (e == null && r.statusCode() / 100 == 2) {
                      ok.incrementAndGet();
                      lat.set((int) filled.getAndIncrement(), System.nanoTime() - scheduled);
                    } else {
                      failed.incrementAndGet();
                    }
                  }));
    }
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      // counted as failures below
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    double[] cpu1 = cpu.sample();
    long[] out = new long[(int) filled.get()];
    for (int k = 0; k < out.length; k++) {
      out[k] = lat.get(k);
    }
    return new Phase(
        name, ok.get(), failed.get(), elapsed, out, cpu1[0] - cpu0[0], busyShare(cpu0, cpu1));
  }

  private static double busyShare(double[] before, double[] after) {
    double total = after[2] - before[2];
    return total <= 0 ? Double.NaN : (after[1] - before[1]) / total;
  }

  private long delivered() {
    try {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create(stub + "/stats")).GET().build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m = TRANSACTIONS.matcher(body);
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    } catch (Exception e) {
      return -1;
    }
  }
}
