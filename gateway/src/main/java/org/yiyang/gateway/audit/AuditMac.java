package org.yiyang.gateway.audit;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The MAC that links the audit chain: HMAC-SHA256 (the JDK's) by default, HMAC-SM3 (GB/T
 * 32905-2016, BouncyCastle) by configuration ({@code gateway.audit.mac}). Each row names its
 * algorithm, so a chain that changed algorithm still verifies.
 */
public enum AuditMac {
  HMAC_SHA256("HMAC-SHA256"),
  HMAC_SM3("HMAC-SM3");

  private final String label;

  AuditMac(String label) {
    this.label = label;
  }

  /** The name stored with each row ({@code HMAC-SHA256}, {@code HMAC-SM3}). */
  public String label() {
    return label;
  }

  /** The algorithm a row names; fails on a name the gateway does not know. */
  public static AuditMac of(String label) {
    for (AuditMac mac : values()) {
      if (mac.label.equals(label.toUpperCase(Locale.ROOT))) {
        return mac;
      }
    }
    throw new IllegalArgumentException("unknown audit MAC algorithm " + label);
  }

  /** The MAC of {@code data} under {@code key}, as 64 lower-case hex characters. */
  public String hex(byte[] key, byte[] data) {
    return HexFormat.of().formatHex(mac(key, data));
  }

  byte[] mac(byte[] key, byte[] data) {
    return switch (this) {
      case HMAC_SHA256 -> {
        try {
          Mac mac = Mac.getInstance("HmacSHA256");
          mac.init(new SecretKeySpec(key, "HmacSHA256"));
          yield mac.doFinal(data);
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException(e);
        }
      }
      case HMAC_SM3 -> {
        HMac mac = new HMac(new SM3Digest());
        mac.init(new KeyParameter(key));
        mac.update(data, 0, data.length);
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        yield out;
      }
    };
  }
}
