package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.yiyang.profiles.ErrorCode;

/** A field that if/then excludes (a property schema of false) is named with a readable rule. */
class ExcludedFieldMessageTest {

  @Test
  void anExcludedFieldIsNamedWithoutItsValue() throws Exception {
    SourceSchema schema =
        SourceSchema.compile(
            "test.schema.json",
            Cases.JSON.readTree(
                """
                {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                 "properties": {"kind": {"type": "string"}, "end": {"type": "string"}},
                 "if": {"properties": {"kind": {"const": "open"}}},
                 "then": {"properties": {"end": false}}}
                """),
            (system, code) -> true);
    List<SourceIssue> issues =
        schema.check(Cases.JSON.readTree("{\"kind\": \"open\", \"end\": \"2025-01-01\"}"));
    assertThat(issues).hasSize(1);
    assertThat(issues.get(0).code()).isEqualTo(ErrorCode.INVALID_VALUE);
    assertThat(issues.get(0).field()).isEqualTo("end");
    assertThat(issues.get(0).message())
        .isEqualTo("end: must be absent given the record's other fields (see the format)");
    assertThat(schema.check(Cases.JSON.readTree("{\"kind\": \"closed\", \"end\": \"x\"}")))
        .isEmpty();
  }
}
