package org.yiyang.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Storage per record (issue 25): posts a fixed number of distinct synthetic residents to a running
 * gateway that uses its embedded FHIR server, waits until the journal has delivered them all, stays
 * idle a while, and prints the bytes of the journal, the FHIR store and the whole data directory
 * per record as {@code key=value} lines. The sizes after a clean stop are taken by the calling
 * script ({@code bin/benchmark}), which stops the gateway.
 *
 * <p>Usage: {@code StorageDriver <gatewayBaseUrl> <dataDir> <records> [concurrency] [idleSeconds]};
 * or {@code StorageDriver watch <dataDir> <peakJournalBytes> <seconds>}, which follows the
 * journal's size after a purge until it is at most a tenth of the peak or the time is up.
 */
public final class StorageDriver {

  private static final Pattern BACKLOG = Pattern.compile("\"backlog\"\\s*:\\s*(\\d+)");

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String gateway;
  private final Path dataDir;
  private final Residents residents =
      new Residents("S" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36));

  private final LoadDriver.Token token;

  private StorageDriver(String gateway, Path dataDir) {
    this.gateway = gateway.replaceAll("/+$", "");
    this.dataDir = dataDir;
    this.token = LoadDriver.Token.newFacility(this.gateway, dataDir, "52330300MJ8712345N");
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && args[0].equals("watch")) {
      watch(Path.of(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]));
      System.exit(0);
    }
    if (args.length < 3) {
      System.err.println(
          "usage: StorageDriver <gatewayBaseUrl> <dataDir> <records> [concurrency] [idleSeconds]");
      System.exit(2);
    }
    int records = Integer.parseInt(args[2]);
    int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    int idle = args.length > 4 ? Integer.parseInt(args[4]) : 60;
    new StorageDriver(args[0], Path.of(args[1])).run(records, concurrency, idle);
    System.exit(0);
  }

  private void run(int records, int concurrency, int idleSeconds) throws Exception {
    AtomicLong next = new AtomicLong();
    AtomicLong accepted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    long start = System.nanoTime();
    List<Thread> senders = new ArrayList<>();
    long report = Math.max(1, records / 10);
    AtomicLong peakJournal = new AtomicLong();
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                peakJournal.accumulateAndGet(bytes(dataDir.resolve("journal")), Math::max);
                try {
                  TimeUnit.MILLISECONDS.sleep(500);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.setDaemon(true);
    sampler.start();
    for (int t = 0; t < concurrency; t++) {
      Thread sender =
          new Thread(
              () -> {
                long i;
                while ((i = next.getAndIncrement()) < records) {
                  if (!send(i)) {
                    refused.incrementAndGet();
                    continue;
                  }
                  long n = accepted.incrementAndGet();
                  if (n % report == 0) {
                    System.out.printf(
                        Locale.ROOT,
                        "  %7d records, %6.1f s: %s%n",
                        n,
                        (System.nanoTime() - start) / 1e9,
                        sizes().line(n));
                  }
                }
              });
      senders.add(sender);
      sender.start();
    }
    for (Thread t : senders) {
      t.join();
    }
    double sendSeconds = (System.nanoTime() - start) / 1e9;
    awaitEmptyBacklog(Duration.ofMinutes(30));
    double deliveredSeconds = (System.nanoTime() - start) / 1e9;
    long n = accepted.get();
    Sizes peak = sizes();
    System.out.printf(
        Locale.ROOT, "all delivered after %.1f s: %s%n", deliveredSeconds, peak.line(n));
    TimeUnit.SECONDS.sleep(idleSeconds);
    Sizes idle = sizes();
    sampler.interrupt();
    System.out.printf(Locale.ROOT, "after %d s idle: %s%n", idleSeconds, idle.line(n));
    System.out.printf(Locale.ROOT, "journal_peak_bytes=%d%n", peakJournal.get());
    System.out.printf(Locale.ROOT, "storage_records=%d%n", n);
    System.out.printf(Locale.ROOT, "storage_refused=%d%n", refused.get());
    System.out.printf(Locale.ROOT, "storage_records_per_s=%.1f%n", n / sendSeconds);
    System.out.printf(Locale.ROOT, "storage_delivered_per_s=%.1f%n", n / deliveredSeconds);
    System.out.printf(Locale.ROOT, "journal_bytes_at_end_of_load=%d%n", peak.journal());
    System.out.printf(Locale.ROOT, "journal_bytes_per_record=%d%n", idle.journal() / n);
    System.out.printf(Locale.ROOT, "fhir_store_bytes_per_record=%d%n", idle.fhir() / n);
    System.out.printf(Locale.ROOT, "data_dir_bytes_per_record=%d%n", idle.total() / n);
  }

  /**
   * Follows the journal's size every 10 s for at most {@code seconds}, until it is at most a tenth
   * of {@code peak}; prints how long that took and what was left.
   */
  static void watch(Path dataDir, long peak, int seconds) throws InterruptedException {
    long start = System.nanoTime();
    long size = bytes(dataDir.resolve("journal"));
    while (size > peak / 10 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
      TimeUnit.SECONDS.sleep(10);
      size = bytes(dataDir.resolve("journal"));
      System.out.printf(
          Locale.ROOT,
          "  %5.0f s after the purge started: journal %,d B (%.1f %% of its peak)%n",
          (System.nanoTime() - start) / 1e9,
          size,
          100.0 * size / peak);
    }
    System.out.printf(Locale.ROOT, "journal_after_purge_bytes=%d%n", size);
    System.out.printf(Locale.ROOT, "journal_after_purge_pct_of_peak=%.1f%n", 100.0 * size / peak);
    System.out.printf(
        Locale.ROOT, "journal_purge_seconds=%.0f%n", (System.nanoTime() - start) / 1e9);
  }

  /** Posts record {@code i}; resends it (same record) after a 503, as a facility would. */
  private boolean send(long i) {
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(gateway + "/api/v1/residents"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token.value())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(residents.body(i)))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() / 100 == 2) {
          return true;
        }
        if (r.statusCode() != 503) {
          System.err.println("record " + i + " answered " + r.statusCode());
          return false;
        }
        TimeUnit.SECONDS.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (IOException e) {
        // retried like a 503
      }
    }
    return false;
  }

  private void awaitEmptyBacklog(Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create(gateway + "/actuator/health")).GET().build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m = BACKLOG.matcher(body);
      if (m.find() && Long.parseLong(m.group(1)) == 0) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    throw new IllegalStateException("the journal still had a backlog after " + max);
  }

  /** Bytes under the data directory: journal, FHIR store, everything. */
  record Sizes(long journal, long fhir, long total) {
    String line(long records) {
      return String.format(
          Locale.ROOT,
          "journal %,d B (%,d B/record), FHIR store %,d B (%,d B/record), data dir %,d B (%,d"
              + " B/record)",
          journal,
          journal / records,
          fhir,
          fhir / records,
          total,
          total / records);
    }
  }

  Sizes sizes() {
    return new Sizes(
        bytes(dataDir.resolve("journal")), bytes(dataDir.resolve("fhir")), bytes(dataDir));
  }

  /** The length of every regular file under {@code dir} (0 when it does not exist). */
  static long bytes(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0; // a temporary file that went away meanwhile
                }
              })
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (UncheckedIOException e) {
      return bytes(dir); // a file went away during the walk: walk again
    }
  }
}
