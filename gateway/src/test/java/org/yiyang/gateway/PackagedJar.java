package org.yiyang.gateway;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged gateway jar, for the ITs that run it as a JVM of its own (the reliability drill, the
 * training run). Such a test is skipped, with a reason, where the jar has not been built (a single
 * test run from an IDE); {@code mvn verify} packages it before the ITs.
 */
public final class PackagedJar {

  private PackagedJar() {}

  /** The jar, or the calling test is skipped. */
  public static Path require() {
    Path jar = Path.of("target", "yiyang-gateway.jar").toAbsolutePath();
    assumeTrue(Files.exists(jar), "runs against the packaged jar (mvn verify)");
    return jar;
  }

  /**
   * The command that starts {@code jar} on this JVM with {@code arguments}: 1 GB of heap and C1
   * only, because these tests need a quick start, not peak speed.
   */
  public static List<String> command(Path jar, String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(arguments));
    return command;
  }
}
