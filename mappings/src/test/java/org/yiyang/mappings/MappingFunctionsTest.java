package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.yiyang.profiles.Canonical;

class MappingFunctionsTest {

  private static final byte[] SECRET =
      "a-test-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8);

  @Test
  void resourceIdIsPrefixPlus32HexOfAKeyedHmacOfTheKeys() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    String expected =
        "res-"
            + HexFormat.of()
                .formatHex(mac.doFinal("52330300MJ8712345N|R0001".getBytes(StandardCharsets.UTF_8)))
                .substring(0, 32);
    ResourceIdKey key = ResourceIdKey.of(SECRET);
    assertThat(MappingFunctions.resourceId(key, "res-", List.of("52330300MJ8712345N", "R0001")))
        .isEqualTo(expected)
        .hasSize(4 + 32);
    assertThat(MappingFunctions.resourceId(key, "res-", List.of("52330300MJ8712345N", "R0002")))
        .isNotEqualTo(expected);
  }

  @Test
  void resourceIdCannotBeComputedFromTheKeysAloneNorUnderAnotherSecret() throws Exception {
    List<String> keys = List.of("52330300MJ8712345N", "R0001");
    String bareHash =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(String.join("|", keys).getBytes(StandardCharsets.UTF_8)))
            .substring(0, 32);
    String keyed = MappingFunctions.resourceId(ResourceIdKey.of(SECRET), "res-", keys);
    assertThat(keyed).isNotEqualTo("res-" + bareHash);
    byte[] other = SECRET.clone();
    other[0] ^= 1;
    assertThat(MappingFunctions.resourceId(ResourceIdKey.of(other), "res-", keys))
        .isNotEqualTo(keyed);
    assertThatThrownBy(() -> ResourceIdKey.of(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void uuidIsNameBasedAndStable() {
    String first = MappingFunctions.uuid(List.of("Organization", "52330300MJ8712345N"));
    assertThat(first).startsWith("urn:uuid:");
    UUID uuid = UUID.fromString(first.substring("urn:uuid:".length()));
    assertThat(uuid.version()).isEqualTo(3);
    assertThat(MappingFunctions.uuid(List.of("Organization", "52330300MJ8712345N")))
        .isEqualTo(first);
    assertThat(MappingFunctions.uuid(List.of("Patient", "52330300MJ8712345N"))).isNotEqualTo(first);
  }

  @Test
  void canonicalReadsTheConstants() {
    assertThat(MappingFunctions.canonical("PATIENT_PROFILE")).isEqualTo(Canonical.PATIENT_PROFILE);
    assertThatThrownBy(() -> MappingFunctions.canonical("NOPE"))
        .isInstanceOf(MappingException.class);
    assertThat(MappingFunctions.unknownCanonicalNames("$canonical('SID_USCC') & $canonical(\"X\")"))
        .containsExactly("X");
  }
}
