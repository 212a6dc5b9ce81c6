package org.yiyang.gateway.journal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.security.DataCipher;

/**
 * How a journal payload is stored: compressed (zlib DEFLATE), then encrypted under the keyring's
 * active data key, with the message id as associated data (a payload moved to another row does not
 * open). The plaintext starts with one byte naming the compression: {@code 1} DEFLATE, {@code 0}
 * none (kept when DEFLATE would not shrink it).
 */
@Component
public class PayloadCodec {

  private static final byte STORED = 0;
  private static final byte DEFLATE = 1;

  private final DataCipher cipher;

  public PayloadCodec(DataCipher cipher) {
    this.cipher = cipher;
  }

  /** The id of the key new payloads are encrypted with. */
  public String activeKeyId() {
    return cipher.activeKeyId();
  }

  /** Compresses and encrypts the payload of message {@code messageId}. */
  public DataCipher.Sealed seal(String messageId, String payload) {
    return cipher.seal(compress(payload.getBytes(StandardCharsets.UTF_8)), aad(messageId));
  }

  /** The payload of message {@code messageId}, sealed under key {@code keyId}. */
  public String open(String messageId, String keyId, byte[] sealed) {
    return new String(
        decompress(cipher.open(keyId, sealed, aad(messageId))), StandardCharsets.UTF_8);
  }

  /** Encrypts an already stored payload again under the active key (key rotation). */
  public DataCipher.Sealed reseal(String messageId, String keyId, byte[] sealed) {
    return cipher.seal(cipher.open(keyId, sealed, aad(messageId)), aad(messageId));
  }

  private static byte[] aad(String messageId) {
    return ("yiyang-journal-payload/v1|" + messageId).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] compress(byte[] plain) {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
    try {
      deflater.setInput(plain);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 3 + 64);
      out.write(DEFLATE);
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      if (out.size() < plain.length + 1) {
        return out.toByteArray();
      }
    } finally {
      deflater.end();
    }
    byte[] stored = new byte[plain.length + 1];
    stored[0] = STORED;
    System.arraycopy(plain, 0, stored, 1, plain.length);
    return stored;
  }

  static byte[] decompress(byte[] encoded) {
    if (encoded.length == 0) {
      throw new IllegalStateException("An empty journal payload");
    }
    if (encoded[0] == STORED) {
      return java.util.Arrays.copyOfRange(encoded, 1, encoded.length);
    }
    if (encoded[0] != DEFLATE) {
      throw new IllegalStateException("Unknown journal payload compression " + encoded[0]);
    }
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(encoded, 1, encoded.length - 1);
      ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length * 4);
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalStateException("A truncated journal payload");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalStateException("A corrupt journal payload", e);
    } finally {
      inflater.end();
    }
  }
}
