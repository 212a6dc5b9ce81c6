package org.yiyang.gateway.security;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.springframework.stereotype.Component;

/**
 * Authenticated encryption of data at rest under the keyring's data keys: AES-256-GCM through the
 * JDK, SM4-GCM through BouncyCastle (the provider is passed per call, never registered globally). A
 * sealed value is {@code [format 1][12-byte random nonce][ciphertext + 16-byte tag]}; the key id is
 * stored beside it by the caller, and the associated data binds it to its place (a row), so that a
 * value copied elsewhere does not open.
 */
@Component
public class DataCipher {

  private static final byte FORMAT = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Keyring keyring;

  public DataCipher(Keyring keyring) {
    this.keyring = keyring;
  }

  /** A sealed value and the id of the key that sealed it. */
  public record Sealed(String keyId, byte[] data) {}

  /** The id of the key new values are sealed with. */
  public String activeKeyId() {
    return keyring.activeDataKey().id();
  }

  /** Encrypts under the active data key. */
  public Sealed seal(byte[] plain, byte[] associatedData) {
    Keyring.DataKey key = keyring.activeDataKey();
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = cipher(key, Cipher.ENCRYPT_MODE, nonce);
      cipher.updateAAD(associatedData);
      ByteBuffer out = ByteBuffer.allocate(1 + NONCE_BYTES + cipher.getOutputSize(plain.length));
      out.put(FORMAT).put(nonce);
      cipher.doFinal(ByteBuffer.wrap(plain), out);
      return new Sealed(key.id(), out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot encrypt with data key " + key.id(), e);
    }
  }

  /**
   * Decrypts a value sealed under key {@code keyId}; fails if the key is not in the keyring, or if
   * the value or its associated data was altered.
   */
  public byte[] open(String keyId, byte[] sealed, byte[] associatedData) {
    Keyring.DataKey key = keyring.dataKey(keyId);
    if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT) {
      throw new IllegalStateException("Not a sealed value of format " + FORMAT);
    }
    try {
      byte[] nonce = java.util.Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES);
      Cipher cipher = cipher(key, Cipher.DECRYPT_MODE, nonce);
      cipher.updateAAD(associatedData);
      return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new IllegalStateException(
          "A value sealed with data key " + keyId + " does not authenticate", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot decrypt with data key " + keyId, e);
    }
  }

  private static Cipher cipher(Keyring.DataKey key, int mode, byte[] nonce)
      throws GeneralSecurityException {
    Cipher cipher;
    SecretKeySpec spec;
    if (Keyring.SM4_GCM.equals(key.algorithm())) {
      cipher = Cipher.getInstance("SM4/GCM/NoPadding", BOUNCY_CASTLE);
      spec = new SecretKeySpec(key.key(), "SM4");
    } else if (Keyring.AES_256_GCM.equals(key.algorithm())) {
      cipher = Cipher.getInstance("AES/GCM/NoPadding");
      spec = new SecretKeySpec(key.key(), "AES");
    } else {
      throw new IllegalStateException("Unknown data key algorithm " + key.algorithm());
    }
    cipher.init(mode, spec, new GCMParameterSpec(TAG_BITS, nonce));
    return cipher;
  }
}
