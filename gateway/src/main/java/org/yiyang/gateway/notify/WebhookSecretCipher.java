package org.yiyang.gateway.notify;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.security.Keyring;

/**
 * Webhook secrets at rest: HMAC needs them in clear, so they are encrypted, not hashed, under the
 * keyring's active data key (AES-256-GCM through the JDK, or SM4-GCM through BouncyCastle when the
 * key says so), with the key id stored beside the ciphertext. The facility code is the associated
 * data, so a sealed secret copied to another facility's row does not open.
 */
@Component
public class WebhookSecretCipher {

  static final String AES_256_GCM = "AES-256-GCM";
  static final String SM4_GCM = "SM4-GCM";

  private static final byte FORMAT = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final String CONTEXT = "yiyang/webhook-secret/v1|";
  // Passed per call, never registered globally.
  private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Keyring keyring;

  public WebhookSecretCipher(Keyring keyring) {
    this.keyring = keyring;
  }

  /** A secret as stored: the data key's id, and base64 of {@code [1][nonce][ciphertext+tag]}. */
  public record Sealed(String keyId, String value) {
    @Override
    public String toString() {
      return "Sealed[" + keyId + "]";
    }
  }

  /** The id of the key new secrets are sealed with. */
  public String activeKeyId() {
    return keyring.activeDataKey().id();
  }

  public Sealed seal(String facilityCode, String secret) {
    Keyring.DataKey key = keyring.activeDataKey();
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    byte[] plain = secret.getBytes(StandardCharsets.UTF_8);
    try {
      Cipher cipher = cipher(key, Cipher.ENCRYPT_MODE, nonce);
      cipher.updateAAD(aad(facilityCode));
      byte[] sealed = cipher.doFinal(plain);
      ByteBuffer out = ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length);
      out.put(FORMAT).put(nonce).put(sealed);
      return new Sealed(key.id(), Base64.getEncoder().encodeToString(out.array()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot seal a webhook secret with data key " + key.id(), e);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * Opens a secret sealed for {@code facilityCode}; fails when the key is not in the keyring or the
   * value or its row was tampered with.
   */
  public String open(String facilityCode, Sealed sealed) {
    Keyring.DataKey key = keyring.dataKey(sealed.keyId());
    byte[] bytes = Base64.getDecoder().decode(sealed.value());
    if (bytes.length < 1 + NONCE_BYTES + TAG_BITS / 8 || bytes[0] != FORMAT) {
      throw new IllegalStateException("A webhook secret is not sealed in format " + FORMAT);
    }
    try {
      Cipher cipher =
          cipher(key, Cipher.DECRYPT_MODE, Arrays.copyOfRange(bytes, 1, 1 + NONCE_BYTES));
      cipher.updateAAD(aad(facilityCode));
      byte[] plain = cipher.doFinal(bytes, 1 + NONCE_BYTES, bytes.length - 1 - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      // No detail: the cause's message is the cipher's, which never carries the plaintext.
      throw new IllegalStateException(
          "A webhook secret sealed with data key " + sealed.keyId() + " does not open", e);
    }
  }

  private static byte[] aad(String facilityCode) {
    return (CONTEXT + facilityCode).getBytes(StandardCharsets.UTF_8);
  }

  private static Cipher cipher(Keyring.DataKey key, int mode, byte[] nonce)
      throws GeneralSecurityException {
    int expected = SM4_GCM.equals(key.algorithm()) ? 16 : 32;
    if (key.key().length != expected) {
      throw new IllegalStateException(
          "Data key " + key.id() + " (" + key.algorithm() + ") must hold " + expected + " bytes");
    }
    Cipher cipher;
    SecretKeySpec spec;
    if (SM4_GCM.equals(key.algorithm())) {
      cipher = Cipher.getInstance("SM4/GCM/NoPadding", BOUNCY_CASTLE);
      spec = new SecretKeySpec(key.key(), "SM4");
    } else if (AES_256_GCM.equals(key.algorithm())) {
      cipher = Cipher.getInstance("AES/GCM/NoPadding");
      spec = new SecretKeySpec(key.key(), "AES");
    } else {
      throw new IllegalStateException("Unknown data key algorithm " + key.algorithm());
    }
    cipher.init(mode, spec, new GCMParameterSpec(TAG_BITS, nonce));
    return cipher;
  }
}
