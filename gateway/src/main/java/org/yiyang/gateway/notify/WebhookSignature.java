package org.yiyang.gateway.notify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature a facility checks on every webhook call: {@code t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "t.body" under the facility's secret>}. The timestamp lets receivers refuse old
 * replays; a new scheme would add {@code v2} beside {@code v1}.
 */
public final class WebhookSignature {

  public static final String HEADER = "X-Yiyang-Signature";
  public static final String EVENT_ID_HEADER = "X-Yiyang-Event-Id";
  public static final String EVENT_HEADER = "X-Yiyang-Event";

  private static final String ALGORITHM = "HmacSHA256";

  private WebhookSignature() {}

  /** The header value for a body sent at {@code unixSeconds}. */
  public static String header(String secret, long unixSeconds, byte[] body) {
    return "t=" + unixSeconds + ",v1=" + hmacHex(secret, unixSeconds, body);
  }

  /** Hex HMAC-SHA256 over {@code "<unixSeconds>." + body}. */
  public static String hmacHex(String secret, long unixSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /**
   * Checks a header as a receiver would: a {@code v1} that matches in constant time. (Receivers
   * also refuse a {@code t} too far from their clock; that is their policy, not checked here.)
   */
  public static boolean verify(String secret, String header, byte[] body) {
    if (header == null) {
      return false;
    }
    Long t = null;
    String v1 = null;
    for (String part : header.split(",")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length != 2) {
        continue;
      }
      if (kv[0].equals("t") && kv[1].matches("\\d{1,12}")) {
        t = Long.parseLong(kv[1]);
      } else if (kv[0].equals("v1")) {
        v1 = kv[1];
      }
    }
    if (t == null || v1 == null) {
      return false;
    }
    byte[] expected = hmacHex(secret, t, body).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, v1.getBytes(StandardCharsets.US_ASCII));
  }
}
