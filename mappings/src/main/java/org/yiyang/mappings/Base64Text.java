package org.yiyang.mappings;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Reads the bytes a base64 text stands for without copying the text: a large attachment is held
 * once, as the text the record carried, while it is decoded, measured and hashed in small chunks.
 */
final class Base64Text {

  /** What one pass over the bytes found. */
  record Digest(long size, byte[] sha256, byte[] sha1, byte[] head) {}

  private Base64Text() {}

  /**
   * Decodes {@code text} chunk by chunk, counting the bytes and hashing them, keeping the first
   * eight; stops once more than {@code stopAfter} bytes were read (the size then says so).
   *
   * @throws IOException when the text is not base64
   */
  static Digest digest(CharSequence text, long stopAfter) throws IOException {
    MessageDigest sha256 = digest("SHA-256");
    MessageDigest sha1 = digest("SHA-1");
    byte[] head = new byte[8];
    int headLength = 0;
    long size = 0;
    try (InputStream in = Base64.getDecoder().wrap(new Chars(text))) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) > 0) {
        if (headLength < head.length) {
          int take = Math.min(n, head.length - headLength);
          System.arraycopy(buffer, 0, head, headLength, take);
          headLength += take;
        }
        sha256.update(buffer, 0, n);
        sha1.update(buffer, 0, n);
        size += n;
        if (size > stopAfter) {
          break;
        }
      }
    } catch (IllegalArgumentException notBase64) {
      throw new IOException("not base64", notBase64);
    }
    byte[] first = new byte[headLength];
    System.arraycopy(head, 0, first, 0, headLength);
    return new Digest(size, sha256.digest(), sha1.digest(), first);
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
    }
  }

  /** The characters of a text as bytes; a character outside ASCII makes the decoder fail. */
  private static final class Chars extends InputStream {
    private final CharSequence text;
    private int next;

    Chars(CharSequence text) {
      this.text = text;
    }

    @Override
    public int read() {
      if (next >= text.length()) {
        return -1;
      }
      char c = text.charAt(next++);
      return c < 0x80 ? c : '*';
    }

    @Override
    public int read(byte[] into, int offset, int length) {
      if (length == 0) {
        return 0;
      }
      int end = Math.min(text.length(), next + length);
      if (next >= end) {
        return -1;
      }
      int n = 0;
      while (next < end) {
        char c = text.charAt(next++);
        into[offset + n++] = (byte) (c < 0x80 ? c : '*');
      }
      return n;
    }
  }
}
