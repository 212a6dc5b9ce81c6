package org.yiyang.gateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * Keeps personal data out of the log lines of the libraries the gateway runs (HAPI, Hibernate…),
 * which quote what they failed on: {@code Patient?birthdate=<citizen ID>} made HAPI's
 * ExceptionHandlingInterceptor write the ID into an ERROR line, and a racing conditional create
 * made Hibernate write it (inside the conditional URL) into another (issue 26). The gateway's own
 * code never logs values; a library's event whose message or exception text holds a run of seven or
 * more digits (citizen IDs, health record and card numbers, phone numbers) is replaced by the same
 * event with those runs masked, its exception reduced to classes and frames ({@link SafeTrace}).
 */
public final class PersonalDataLogFilter extends TurboFilter {

  /** A citizen ID, a health record or card number, a mobile or landline number. */
  static final Pattern DIGIT_RUN = Pattern.compile("[0-9]{7,}[0-9Xx]?");

  private static final String OWN_LOGGERS = "org.yiyang.";
  private static final ThreadLocal<Boolean> REPLACING = ThreadLocal.withInitial(() -> false);

  /** Adds the filter to logback once (the application context may start several times). */
  public static void install() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    boolean present =
        context.getTurboFilterList().stream().anyMatch(PersonalDataLogFilter.class::isInstance);
    if (!present) {
      PersonalDataLogFilter filter = new PersonalDataLogFilter();
      filter.setName("personal-data");
      filter.start();
      context.addTurboFilter(filter);
    }
  }

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (format == null
        || level == null
        || REPLACING.get()
        || logger.getName().startsWith(OWN_LOGGERS)
        || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      return FilterReply.NEUTRAL;
    }
    Throwable thrown = t;
    if (thrown == null && params != null && params.length > 0) {
      thrown = params[params.length - 1] instanceof Throwable last ? last : null;
    }
    String message = MessageFormatter.arrayFormat(format, params).getMessage();
    if (!holdsDigits(message) && !holdsDigits(thrown)) {
      return FilterReply.NEUTRAL;
    }
    StringBuilder replaced = new StringBuilder(mask(message));
    if (thrown != null) {
      replaced.append(" [").append(thrown.getClass().getName());
      if (thrown.getMessage() != null) {
        replaced.append(": ").append(mask(thrown.getMessage()));
      }
      replaced.append(']');
      if (level.isGreaterOrEqual(Level.ERROR)) {
        replaced.append('\n').append(SafeTrace.of(thrown));
      }
    }
    REPLACING.set(true);
    try {
      logger.log(
          marker,
          Logger.FQCN,
          Level.toLocationAwareLoggerInteger(level),
          "{}",
          new Object[] {replaced.toString()},
          null);
    } finally {
      REPLACING.set(false);
    }
    return FilterReply.DENY;
  }

  /** The text with every run of seven or more digits (and a trailing X) replaced by {@code ***}. */
  public static String mask(String text) {
    return text == null ? null : DIGIT_RUN.matcher(text).replaceAll("***");
  }

  private static boolean holdsDigits(String text) {
    return text != null && DIGIT_RUN.matcher(text).find();
  }

  private static boolean holdsDigits(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (holdsDigits(c.getMessage())) {
        return true;
      }
    }
    return false;
  }
}
