package org.yiyang.gateway.storage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;

/**
 * Disk space of the data directory. Its size (journal, FHIR store, the rest) and the free space
 * left to it are Micrometer gauges ({@code gateway.data_dir.*}, no labels but the part). Free space
 * is what the disk has left, or what {@code gateway.storage.data-dir-limit} leaves, whichever is
 * less. Below {@code free-space-warning} health is DEGRADED (still serving); below {@code
 * free-space-minimum} it is OUT_OF_SERVICE and new records are refused with 503 + Retry-After
 * (GW-9025), while every record already accepted is still delivered: the minimum is headroom for
 * the journal's updates and the FHIR store's writes.
 */
@Component("dataDirHealthIndicator")
public class DataDirSpace implements HealthIndicator {

  /** Serving, but the disk is getting full. */
  public static final Status LOW_SPACE = new Status("DEGRADED", "free disk space is low");

  /** How long a measurement is reused: a directory walk per request would cost too much. */
  private static final Duration FRESH = Duration.ofSeconds(1);

  private final Path dataDir;
  private final StorageProperties settings;
  private volatile Sample last;

  public DataDirSpace(
      GatewayProperties gateway, StorageProperties settings, ObjectProvider<MeterRegistry> meters) {
    this.dataDir = gateway.dataDir().toAbsolutePath().normalize();
    this.settings = settings;
    MeterRegistry registry = meters.getIfAvailable();
    if (registry != null) {
      Gauge.builder("gateway.data_dir.free", this, d -> d.sample().free())
          .description("Free space left to the data directory")
          .baseUnit("bytes")
          .register(registry);
      for (String part : List.of("journal", "fhir", "total")) {
        Gauge.builder("gateway.data_dir.used", this, d -> d.sample().used().get(part))
            .description("Bytes the data directory holds")
            .tag("part", part)
            .baseUnit("bytes")
            .register(registry);
      }
    }
  }

  /** One measurement: free bytes, and bytes used by part ({@code journal}, {@code fhir}, ...). */
  public record Sample(long free, Map<String, Long> used, long takenAt) {}

  /** The latest measurement, taken again when older than a second. */
  public Sample sample() {
    Sample s = last;
    if (s == null || System.nanoTime() - s.takenAt() > FRESH.toNanos()) {
      s = measure();
      last = s;
    }
    return s;
  }

  /**
   * Refuses a new record with 503 + Retry-After (GW-9025) while free space is under the minimum.
   */
  public void requireSpace() {
    if (sample().free() < settings.freeSpaceMinimum().toBytes()) {
      throw new DiskFullException(settings.fullRetryAfter());
    }
  }

  @Override
  public Health health() {
    Sample s = sample();
    Health.Builder h;
    if (s.free() < settings.freeSpaceMinimum().toBytes()) {
      h = Health.outOfService();
    } else if (s.free() < settings.freeSpaceWarning().toBytes()) {
      h = Health.status(LOW_SPACE);
    } else {
      h = Health.up();
    }
    return h.withDetail("free", s.free())
        .withDetail("used", s.used())
        .withDetail("warningBelow", settings.freeSpaceWarning().toBytes())
        .withDetail("refusingBelow", settings.freeSpaceMinimum().toBytes())
        .build();
  }

  private Sample measure() {
    long journal = bytes(dataDir.resolve("journal"));
    long fhir = bytes(dataDir.resolve("fhir"));
    long total = bytes(dataDir);
    long free;
    try {
      Files.createDirectories(dataDir);
      FileStore disk = Files.getFileStore(dataDir);
      free = disk.getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the free space of the data directory", e);
    }
    if (settings.dataDirLimit() != null && settings.dataDirLimit().toBytes() > 0) {
      free = Math.min(free, Math.max(0, settings.dataDirLimit().toBytes() - total));
    }
    return new Sample(
        free, Map.of("journal", journal, "fhir", fhir, "total", total), System.nanoTime());
  }

  /** The length of every regular file under {@code dir}; 0 when it does not exist. */
  static long bytes(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.mapToLong(DataDirSpace::length).sum();
    } catch (IOException | UncheckedIOException e) {
      // A file went away during the walk (H2 replaces temporary files): measured again next time.
      return 0;
    }
  }

  private static long length(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Free space is under the minimum; carries the Retry-After to announce. */
  public static class DiskFullException extends GatewayException {
    private final Duration retryAfter;

    public DiskFullException(Duration retryAfter) {
      super(
          ErrorCode.DISK_FULL,
          List.of(
              new GatewayException.Issue(
                  ErrorCode.DISK_FULL,
                  "",
                  "The gateway's disk is nearly full; records already accepted are still"
                      + " delivered. Send again after "
                      + retryAfter.toSeconds()
                      + " seconds.")));
      this.retryAfter = retryAfter;
    }

    @Override
    public Map<String, String> headers() {
      return Map.of("Retry-After", String.valueOf(Math.max(1, retryAfter.toSeconds())));
    }
  }
}
