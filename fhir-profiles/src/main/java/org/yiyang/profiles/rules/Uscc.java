package org.yiyang.profiles.rules;

/**
 * The unified social credit code of GB 32100-2015: 18 characters over a 31-symbol alphabet (digits
 * and capitals without I, O, S, V, Z), the last being a check character computed with weights 3^i
 * mod 31. FHIRPath cannot compute it, so the gateway calls this class; the profile only carries the
 * pattern.
 */
public final class Uscc {

  static final String ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  private static final int[] WEIGHTS = {
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
  };

  private Uscc() {}

  /** True when the code has 18 characters from the alphabet and the correct check character. */
  public static boolean isValid(String code) {
    if (code == null || code.length() != 18) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      int value = ALPHABET.indexOf(code.charAt(i));
      if (value < 0) {
        return false;
      }
      sum += value * WEIGHTS[i];
    }
    int check = (31 - sum % 31) % 31;
    return code.charAt(17) == ALPHABET.charAt(check);
  }
}
