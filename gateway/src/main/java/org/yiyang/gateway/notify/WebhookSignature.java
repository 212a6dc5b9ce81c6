package org.yiyang.gateway.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The signature a facility checks on every webhook call: {@code t=<unix seconds>,<scheme>=<hex MAC
 * of "t.body" under the facility's secret>}, where the scheme is {@code v1} (HMAC-SHA256, the
 * default) or {@code sm3} (HMAC-SM3, GB/T 32905, by {@code gateway.notify.signature}). The
 * timestamp lets receivers refuse old replays.
 */
public final class WebhookSignature {

  public static final String HEADER = "X-Yiyang-Signature";
  public static final String EVENT_ID_HEADER = "X-Yiyang-Event-Id";
  public static final String EVENT_HEADER = "X-Yiyang-Event";

  /** The MAC of a signature and its label in the header. */
  public enum Algorithm {
    HMAC_SHA256("v1"),
    HMAC_SM3("sm3");

    private final String label;

    Algorithm(String label) {
      this.label = label;
    }

    /** The label of this scheme in the header ({@code v1=...}, {@code sm3=...}). */
    public String label() {
      return label;
    }
  }

  private WebhookSignature() {}

  /** The HMAC-SHA256 header value for a body sent at {@code unixSeconds}. */
  public static String header(String secret, long unixSeconds, byte[] body) {
    return header(Algorithm.HMAC_SHA256, secret, unixSeconds, body);
  }

  /** The header value for a body sent at {@code unixSeconds}, signed with {@code algorithm}. */
  public static String header(Algorithm algorithm, String secret, long unixSeconds, byte[] body) {
    return "t="
        + unixSeconds
        + ","
        + algorithm.label()
        + "="
        + hmacHex(algorithm, secret, unixSeconds, body);
  }

  /** Hex HMAC-SHA256 over {@code "<unixSeconds>." + body}. */
  public static String hmacHex(String secret, long unixSeconds, byte[] body) {
    return hmacHex(Algorithm.HMAC_SHA256, secret, unixSeconds, body);
  }

  /** Hex MAC over {@code "<unixSeconds>." + body} under the UTF-8 bytes of {@code secret}. */
  public static String hmacHex(Algorithm algorithm, String secret, long unixSeconds, byte[] body) {
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    byte[] prefix = (unixSeconds + ".").getBytes(StandardCharsets.UTF_8);
    byte[] mac =
        switch (algorithm) {
          case HMAC_SHA256 -> hmacSha256(key, prefix, body);
          case HMAC_SM3 -> hmacSm3(key, prefix, body);
        };
    return HexFormat.of().formatHex(mac);
  }

  private static byte[] hmacSha256(byte[] key, byte[] prefix, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(prefix);
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /** HMAC (RFC 2104) over SM3, BouncyCastle's lightweight API: no JCA provider is registered. */
  private static byte[] hmacSm3(byte[] key, byte[] prefix, byte[] body) {
    HMac mac = new HMac(new SM3Digest());
    mac.init(new KeyParameter(key));
    mac.update(prefix, 0, prefix.length);
    mac.update(body, 0, body.length);
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return out;
  }

  /** Checks an HMAC-SHA256 ({@code v1}) header as a receiver would. */
  public static boolean verify(String secret, String header, byte[] body) {
    return verify(Algorithm.HMAC_SHA256, secret, header, body);
  }

  /**
   * Checks a header as a receiver would: the scheme's MAC matches, in constant time. (Receivers
   * also refuse a {@code t} too far from their clock; that is their policy, not checked here.)
   */
  public static boolean verify(Algorithm algorithm, String secret, String header, byte[] body) {
    if (header == null) {
      return false;
    }
    Long t = null;
    String mac = null;
    for (String part : header.split(",")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length != 2) {
        continue;
      }
      if (kv[0].equals("t") && kv[1].matches("\\d{1,12}")) {
        t = Long.parseLong(kv[1]);
      } else if (kv[0].equals(algorithm.label())) {
        mac = kv[1];
      }
    }
    if (t == null || mac == null) {
      return false;
    }
    byte[] expected = hmacHex(algorithm, secret, t, body).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, mac.getBytes(StandardCharsets.US_ASCII));
  }
}
