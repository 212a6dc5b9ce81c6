package org.yiyang.profiles.rules;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The citizen identity number of GB 11643-1999: 6-digit division code, birth date YYYYMMDD, 3-digit
 * sequence (odd male, even female) and an ISO 7064 MOD 11-2 check character. FHIRPath cannot
 * compute the check character, so the gateway calls this class; the profile only carries the
 * pattern.
 */
public final class CitizenId {

  private static final Pattern SHAPE = Pattern.compile("[0-9]{17}[0-9X]");
  private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  private static final String CHECK_CHARS = "10X98765432";
  private static final DateTimeFormatter BASIC_DATE =
      DateTimeFormatter.ofPattern("uuuuMMdd").withResolverStyle(ResolverStyle.STRICT);

  private CitizenId() {}

  /**
   * True when the number has 18 characters of the right shape, a real birth date (not in the
   * future) and the correct check character. Lower-case {@code x} is rejected: the standard uses
   * {@code X}.
   */
  public static boolean isValid(String number) {
    if (number == null || !SHAPE.matcher(number).matches()) {
      return false;
    }
    if (checkChar(number) != number.charAt(17)) {
      return false;
    }
    return parseBirthDate(number).isPresent();
  }

  /** The birth date encoded in a valid number. */
  public static Optional<LocalDate> birthDate(String number) {
    return isValid(number) ? parseBirthDate(number) : Optional.empty();
  }

  /**
   * The GB/T 2261.1 sex code of a valid number: {@code "1"} male (odd sequence), {@code "2"}
   * female.
   */
  public static Optional<String> gbSexCode(String number) {
    if (!isValid(number)) {
      return Optional.empty();
    }
    return Optional.of((number.charAt(16) - '0') % 2 == 1 ? "1" : "2");
  }

  /** The check character for the first 17 digits of {@code number}. */
  static char checkChar(String number) {
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      sum += (number.charAt(i) - '0') * WEIGHTS[i];
    }
    return CHECK_CHARS.charAt(sum % 11);
  }

  private static Optional<LocalDate> parseBirthDate(String number) {
    try {
      LocalDate date = LocalDate.parse(number.substring(6, 14), BASIC_DATE);
      if (date.isAfter(LocalDate.now()) || date.getYear() < 1850) {
        return Optional.empty();
      }
      return Optional.of(date);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
