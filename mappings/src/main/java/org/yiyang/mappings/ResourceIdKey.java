package org.yiyang.mappings;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret that keys the resource ids mappings derive from source keys ({@code $resourceId}): ids
 * stay deterministic for a record (idempotent {@code PUT}s, stable goldens under a test key) but
 * cannot be computed from public data such as a facility's code and a resident number.
 */
public final class ResourceIdKey {

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  private ResourceIdKey(byte[] secret) {
    if (secret == null || secret.length < 32) {
      throw new IllegalArgumentException("A resource id key has at least 32 bytes");
    }
    this.key = new SecretKeySpec(Arrays.copyOf(secret, secret.length), ALGORITHM);
  }

  /** A key from at least 32 secret bytes (the deployment's keyring holds them). */
  public static ResourceIdKey of(byte[] secret) {
    return new ResourceIdKey(secret);
  }

  /** The first 32 hex characters of HMAC-SHA256 of the text under this key. */
  public String hex32(String text) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      byte[] digest = mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 32);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is required by every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return "ResourceIdKey[secret]";
  }
}
