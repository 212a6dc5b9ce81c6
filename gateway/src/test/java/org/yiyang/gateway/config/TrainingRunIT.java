package org.yiyang.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yiyang.gateway.PackagedJar;

/**
 * The packaged jar in training mode, as {@code bin/gateway} runs it before recording its start-up
 * cache (ADR 0035): it starts on the embedded defaults, waits for the validator's warm-up, and ends
 * by itself with exit code 0.
 */
class TrainingRunIT {

  @Test
  void startsWarmsUpAndExitsWithZero(@TempDir Path data) throws Exception {
    Path jar = PackagedJar.require();
    Path log = data.resolve("training.log");
    ProcessBuilder pb =
        new ProcessBuilder(
            PackagedJar.command(jar, "--gateway.training-run=true", "--server.port=0"));
    pb.environment().put("GATEWAY_DATA_DIR", data.resolve("data").toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    Process process = pb.start();
    try {
      boolean ended = process.waitFor(4, TimeUnit.MINUTES);
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(ended).as("the training run ends by itself; log:%n%s", output).isTrue();
      assertThat(process.exitValue()).as("exit code; log:%n%s", output).isZero();
      int warm = output.indexOf("Profile validator warmed up");
      int done = output.indexOf("Training run complete");
      assertThat(warm).as("warm-up logged").isNotNegative();
      assertThat(done).as("the exit comes after the warm-up").isGreaterThan(warm);
    } finally {
      process.destroyForcibly();
    }
  }
}
