package org.yiyang.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/**
 * Fictitious people for the integration tests: valid GB 11643 citizen IDs (check character
 * computed), with the birth date and sex they encode, as resident v1 records.
 */
public final class People {

  private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  private static final String CHECK = "10X98765432";

  private People() {}

  /** A valid citizen ID of a person born in Wenzhou's 鹿城区 on {@code born}; odd n: male. */
  public static String citizenId(LocalDate born, int n) {
    String body =
        "330302" + born.format(DateTimeFormatter.BASIC_ISO_DATE) + String.format("%03d", n % 1000);
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      sum += (body.charAt(i) - '0') * WEIGHTS[i];
    }
    return body + CHECK.charAt(sum % 11);
  }

  /**
   * A resident v1 record of person {@code n}: distinct people for distinct n below 1,000,000 (the
   * ID's sequence is n % 1000, the birth date moves with n / 1000).
   */
  public static ObjectNode resident(String facilityCode, String residentNo, int n) {
    LocalDate born = LocalDate.of(1930, 1, 1).plusDays((n / 1000) * 37L + n % 7);
    ObjectNode r = GatewayClient.JSON.createObjectNode();
    r.put("facilityCode", facilityCode);
    r.put("residentNo", residentNo);
    r.put("name", "测试" + n);
    r.put("idCardNo", citizenId(born, n));
    r.put("genderCode", n % 2 == 1 ? "1" : "2");
    r.put("birthDate", born.toString());
    r.put("serviceMode", "residential");
    return r;
  }
}
