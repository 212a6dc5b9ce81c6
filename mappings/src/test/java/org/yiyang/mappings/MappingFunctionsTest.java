package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.yiyang.profiles.Canonical;

class MappingFunctionsTest {

  @Test
  void resourceIdIsPrefixPlus32HexOfSha256OfTheKeys() throws Exception {
    String expected =
        "res-"
            + HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest("52330300MJ8712345N|R0001".getBytes(StandardCharsets.UTF_8)))
                .substring(0, 32);
    assertThat(MappingFunctions.resourceId("res-", List.of("52330300MJ8712345N", "R0001")))
        .isEqualTo(expected)
        .hasSize(4 + 32);
    assertThat(MappingFunctions.resourceId("res-", List.of("52330300MJ8712345N", "R0002")))
        .isNotEqualTo(expected);
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
