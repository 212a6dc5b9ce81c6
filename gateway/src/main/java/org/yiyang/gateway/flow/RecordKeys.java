package org.yiyang.gateway.flow;

import java.util.regex.Pattern;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.rules.Uscc;

/** Checks of the keys in a read path ({@code /{facilityCode}/{recordNo}}), before any search. */
public final class RecordKeys {

  private static final Pattern RECORD_NO = Pattern.compile("^[A-Za-z0-9._-]{1,40}$");

  private RecordKeys() {}

  public static void requireFacilityCode(String facilityCode) {
    if (facilityCode == null || !Uscc.isValid(facilityCode)) {
      throw GatewayException.of(
          ErrorCode.USCC_CHECK,
          "facilityCode",
          "facilityCode must be an 18-character unified social credit code with a valid GB 32100"
              + " check character.");
    }
  }

  /** A record number: 1 to {@code maxLength} letters, digits, '.', '_' or '-'. */
  public static void requireRecordNo(String field, String value, int maxLength) {
    if (value == null || value.length() > maxLength || !RECORD_NO.matcher(value).matches()) {
      throw GatewayException.of(
          ErrorCode.INVALID_VALUE,
          field,
          field + " must be 1 to " + maxLength + " letters, digits, '.', '_' or '-'.");
    }
  }
}
