package org.yiyang.gateway.sandbox;

import static java.nio.charset.StandardCharsets.UTF_8;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/sandbox elders}: generated elders as NDJSON on standard output, the same lines the
 * sandbox endpoint answers for the same arguments, without a running gateway.
 *
 * <p>Arguments: {@code COUNT [--seed=S] [--division=D] [--facility=USCC] [--invalid]}.
 */
public final class ElderCli {

  private ElderCli() {}

  public static void main(String[] args) {
    // Standard output carries the records only: the libraries' log lines (logback prints to the
    // console when no Spring sets it up) go to standard error, and only warnings.
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, UTF_8);
    System.setOut(System.err);
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
    int count = 10;
    long seed = 1;
    String division = ElderGenerator.DEFAULT_DIVISION;
    String facility = null;
    boolean invalid = false;
    try {
      for (String arg : args) {
        if (arg.startsWith("--seed=")) {
          seed = Long.parseLong(arg.substring(7));
        } else if (arg.startsWith("--division=")) {
          division = arg.substring(11);
        } else if (arg.startsWith("--facility=")) {
          facility = arg.substring(11);
        } else if (arg.equals("--invalid")) {
          invalid = true;
        } else if (arg.matches("[0-9]+")) {
          count = Integer.parseInt(arg);
        } else {
          throw new IllegalArgumentException("unknown argument " + arg);
        }
      }
      out.print(ElderLines.lines(new ElderGenerator(seed, division, facility), count, invalid));
      out.flush();
    } catch (IllegalArgumentException e) {
      System.err.println("elders: " + e.getMessage());
      System.err.println(
          "usage: elders COUNT [--seed=S] [--division=D] [--facility=USCC] [--invalid]");
      System.exit(2);
    }
  }
}
