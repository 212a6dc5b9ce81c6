package org.yiyang.gateway.storage;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How the gateway keeps its disk in bounds ({@code gateway.storage.*}, ADR 0051): retention of
 * journal payloads, housekeeping of the embedded journal file, and the free space below which it
 * warns and then refuses new records.
 *
 * @param payloadRetention how long the payload of a delivered message is kept; a dead message's is
 *     kept until a later message of its record is delivered, plus this age. Status rows stay.
 * @param purgeInterval how often the retention purge runs
 * @param purgeBatchSize payloads deleted per transaction by the purge
 * @param reencryptBatchSize payloads moved to the active data key per transaction
 * @param compactInterval how often the embedded H2 journal's file is compacted (online)
 * @param compactAtStop how long a clean stop may spend compacting the embedded journal's file
 * @param freeSpaceWarning free space on the data directory's disk below which health warns
 * @param freeSpaceMinimum free space below which new records are refused (503 + Retry-After)
 * @param fullRetryAfter the Retry-After announced while the disk is too full
 * @param dataDirLimit the most the data directory may hold (0: no limit but the disk's); free space
 *     is then the lesser of the disk's and what the limit leaves
 */
@Validated
@ConfigurationProperties(prefix = "gateway.storage")
public record StorageProperties(
    @NotNull @DefaultValue("30d") Duration payloadRetention,
    @NotNull @DefaultValue("1h") Duration purgeInterval,
    @Min(1) @DefaultValue("500") int purgeBatchSize,
    @Min(1) @DefaultValue("200") int reencryptBatchSize,
    @NotNull @DefaultValue("1s") Duration compactInterval,
    @NotNull @DefaultValue("10s") Duration compactAtStop,
    @NotNull @DefaultValue("2GB") DataSize freeSpaceWarning,
    @NotNull @DefaultValue("512MB") DataSize freeSpaceMinimum,
    @NotNull @DefaultValue("60s") Duration fullRetryAfter,
    @NotNull @DefaultValue("0B") DataSize dataDirLimit) {

  public StorageProperties {
    if (freeSpaceMinimum.compareTo(freeSpaceWarning) > 0) {
      throw new IllegalArgumentException(
          "gateway.storage.free-space-minimum must not exceed free-space-warning");
    }
  }
}
