package org.yiyang.mappings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the {@code x-attachments} schema keyword accepts (a deployment's configuration, {@code
 * gateway.attachments.*}): the content types allowed, the most one attachment may hold once
 * decoded, and the most all attachments of one record may hold together. FHIR sets no limit for
 * Binary and leaves it to implementations; these are the gateway's, documented in
 * docs/consultation.md.
 *
 * @param contentTypes the allowed MIME types, lower case
 * @param maxBytes the most bytes one attachment may decode to
 * @param maxTotalBytes the most bytes the attachments of one record may decode to together
 */
public record AttachmentPolicy(Set<String> contentTypes, long maxBytes, long maxTotalBytes) {

  /** PDF, JPEG and PNG; 5 MiB each, 10 MiB per record. */
  public static final AttachmentPolicy DEFAULT =
      new AttachmentPolicy(
          Set.of("application/pdf", "image/jpeg", "image/png"), 5L << 20, 10L << 20);

  /**
   * The first bytes of each type the gateway recognises (a file's magic number): a declared type
   * whose bytes do not start so is refused. A type allowed by configuration but not listed here is
   * taken on its declaration.
   */
  static final Map<String, List<byte[]>> MAGIC = magic();

  public AttachmentPolicy {
    contentTypes = Set.copyOf(contentTypes);
    if (contentTypes.isEmpty() || maxBytes < 1 || maxTotalBytes < maxBytes) {
      throw new IllegalArgumentException(
          "An attachment policy allows at least one type, and its total is at least one"
              + " attachment's maximum");
    }
  }

  private static Map<String, List<byte[]>> magic() {
    Map<String, List<byte[]>> magic = new LinkedHashMap<>();
    magic.put("application/pdf", List.of(new byte[] {'%', 'P', 'D', 'F', '-'}));
    magic.put("image/jpeg", List.of(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}));
    magic.put(
        "image/png", List.of(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}));
    return Map.copyOf(magic);
  }
}
