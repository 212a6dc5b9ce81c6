package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yiyang.profiles.ErrorCode;

/**
 * The {@code x-attachments} and {@code x-consent} keywords against a deployment's policy: the
 * allow-list and both size limits come from the policy, never from the schema; the messages name
 * the field and never repeat a value.
 */
class AttachmentsKeywordTest {

  private static final AttachmentPolicy SMALL =
      new AttachmentPolicy(Set.of("application/pdf", "text/plain"), 100, 150);

  private static SourceSchema schema(AttachmentPolicy policy) {
    String text =
        """
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
         "x-consent": {"field": "consent", "anyOf": ["reference", "formNo"]},
         "properties": {
           "consent": {"type": "object", "properties": {"reference": {"type": "string"},
                                                        "formNo": {"type": "string"}}},
           "attachments": {"type": "array",
             "x-attachments": {"data": "data", "contentType": "contentType", "size": "size",
                               "sha256": "sha256"},
             "items": {"type": "object", "properties": {
               "contentType": {"type": "string"}, "size": {"type": "integer"},
               "sha256": {"type": "string"}, "data": {"type": "string"}}}}}}
        """;
    return SourceSchema.compile("test.schema.json", json(text), (system, code) -> true, policy);
  }

  private static JsonNode json(String text) {
    try {
      return Cases.JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static ObjectNode attachment(String type, byte[] bytes) throws Exception {
    ObjectNode a = Cases.JSON.createObjectNode();
    a.put("contentType", type);
    a.put("size", bytes.length);
    a.put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    a.put("data", Base64.getEncoder().encodeToString(bytes));
    return a;
  }

  private static List<SourceIssue> check(AttachmentPolicy policy, ObjectNode... attachments) {
    ObjectNode record = Cases.JSON.createObjectNode();
    record.putObject("consent").put("formNo", "F1");
    ArrayNode list = record.putArray("attachments");
    for (ObjectNode a : attachments) {
      list.add(a);
    }
    return schema(policy).check(record);
  }

  private static byte[] pdf(int size) {
    byte[] bytes = new byte[size];
    System.arraycopy("%PDF-".getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, 5);
    return bytes;
  }

  @Test
  void attachmentsWithinThePolicyPass() throws Exception {
    assertThat(
            check(
                SMALL,
                attachment("application/pdf", pdf(100)),
                attachment("text/plain", "任何文本".getBytes(StandardCharsets.UTF_8))))
        .isEmpty();
  }

  @Test
  void oneAttachmentOverItsLimitIs413OnItsData() throws Exception {
    List<SourceIssue> issues = check(SMALL, attachment("application/pdf", pdf(101)));
    assertThat(issues).extracting(SourceIssue::code).containsExactly(ErrorCode.PAYLOAD_TOO_LARGE);
    assertThat(issues.get(0).field()).isEqualTo("attachments[0].data");
    assertThat(issues.get(0).message()).contains("at most 100 bytes");
  }

  @Test
  void allAttachmentsOverTheTotalAre413OnTheList() throws Exception {
    List<SourceIssue> issues =
        check(
            SMALL, attachment("application/pdf", pdf(80)), attachment("application/pdf", pdf(80)));
    assertThat(issues).extracting(SourceIssue::field).containsExactly("attachments");
    assertThat(issues.get(0).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
  }

  @Test
  void theAllowListIsThePolicysAndATypeWithoutAMagicNumberIsTakenAsDeclared() throws Exception {
    byte[] bytes = new byte[12];
    System.arraycopy(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, 0, bytes, 0, 8);
    ObjectNode png = attachment("image/png", bytes);
    List<SourceIssue> issues = check(SMALL, png);
    assertThat(issues).extracting(SourceIssue::code).containsExactly(ErrorCode.ATTACHMENT_TYPE);
    assertThat(issues.get(0).field()).isEqualTo("attachments[0].contentType");
    assertThat(issues.get(0).message()).doesNotContain("image/png");
    assertThat(check(AttachmentPolicy.DEFAULT, png)).isEmpty();
    // text/plain has no magic number: allowed by the policy, it is taken as declared.
    assertThat(check(SMALL, attachment("text/plain", new byte[] {1, 2, 3}))).isEmpty();
  }

  @Test
  void bytesOfAnotherTypeThanDeclaredAreRefused() throws Exception {
    List<SourceIssue> issues = check(AttachmentPolicy.DEFAULT, attachment("image/jpeg", pdf(20)));
    assertThat(issues).extracting(SourceIssue::field).containsExactly("attachments[0].data");
    assertThat(issues.get(0).code()).isEqualTo(ErrorCode.ATTACHMENT_TYPE);
  }

  @Test
  void aSizeOrHashTheBytesDoNotMatchIs422() throws Exception {
    ObjectNode a = attachment("application/pdf", pdf(20));
    a.put("size", 21);
    a.put("sha256", "a".repeat(64));
    List<SourceIssue> issues = check(SMALL, a);
    assertThat(issues)
        .extracting(SourceIssue::field)
        .containsExactly("attachments[0].sha256", "attachments[0].size");
    assertThat(issues).extracting(SourceIssue::code).containsOnly(ErrorCode.ATTACHMENT_INTEGRITY);
  }

  @Test
  void consentIsRequiredWithItsEvidence() {
    SourceSchema schema = schema(SMALL);
    assertThat(schema.check(json("{}")))
        .extracting(SourceIssue::code, SourceIssue::field)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ErrorCode.CONSENT_REQUIRED, "consent"));
    assertThat(schema.check(json("{\"consent\": {}}")))
        .extracting(SourceIssue::code)
        .containsExactly(ErrorCode.CONSENT_REQUIRED);
    assertThat(schema.check(json("{\"consent\": {\"reference\": \"Consent/1\"}}"))).isEmpty();
    assertThat(ErrorCode.CONSENT_REQUIRED.httpStatus()).isEqualTo(422);
  }

  @Test
  void aKeywordNamingNoPropertyStopsTheSchema() {
    String text =
        """
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "array",
         "x-attachments": {"data": "bytes", "contentType": "contentType", "size": "size",
                           "sha256": "sha256"},
         "items": {"type": "object", "properties": {"contentType": {}, "size": {}, "sha256": {}}}}
        """;
    assertThatThrownBy(
            () -> SourceSchema.compile("bad.schema.json", json(text), (s, c) -> true, SMALL))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("x-attachments names bytes");
  }

  @Test
  void theSha1OfTheBytesIsFhirsAttachmentHash() throws Exception {
    byte[] bytes = pdf(30);
    assertThat(MappingFunctions.base64Sha1(Base64.getEncoder().encodeToString(bytes)))
        .isEqualTo(
            Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(bytes)));
    assertThat(MappingFunctions.base64Sha1(null)).isNull();
    assertThat(MappingFunctions.base64Sha1("不是")).isNull();
  }
}
