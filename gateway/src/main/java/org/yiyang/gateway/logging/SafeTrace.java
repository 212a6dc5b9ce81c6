package org.yiyang.gateway.logging;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A stack trace for a log line without exception messages. The message of an unexpected exception
 * may quote the record it failed on (a name, an ID number, a phone number), and those never go into
 * a log line; the classes and frames of the exception and its causes are what an operator needs to
 * find the fault.
 */
public final class SafeTrace {

  private static final int MAX_FRAMES_PER_THROWABLE = 40;

  private SafeTrace() {}

  /** Every throwable in the cause chain: its class and frames, never its message. */
  public static String of(Throwable failure) {
    StringBuilder out = new StringBuilder();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Throwable t = failure;
    while (t != null && seen.add(t)) {
      out.append(t == failure ? "" : "Caused by: ").append(t.getClass().getName()).append('\n');
      StackTraceElement[] frames = t.getStackTrace();
      int shown = Math.min(frames.length, MAX_FRAMES_PER_THROWABLE);
      for (int i = 0; i < shown; i++) {
        out.append("\tat ").append(frames[i]).append('\n');
      }
      if (frames.length > shown) {
        out.append("\t... ").append(frames.length - shown).append(" more\n");
      }
      t = t.getCause();
    }
    return out.toString();
  }
}
