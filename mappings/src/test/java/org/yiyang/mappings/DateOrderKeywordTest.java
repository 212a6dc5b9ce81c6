package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yiyang.profiles.ErrorCode;

/** The {@code x-date-order} keyword: a later date is not before an earlier one. */
class DateOrderKeywordTest {

  private static SourceSchema schema(String rule) {
    String text =
        """
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
         "properties": {"period": {"type": "object", "x-date-order": %s,
                         "properties": {"start": {"type": "string"}, "end": {"type": "string"}}}}}
        """
            .formatted(rule);
    return SourceSchema.compile("test.schema.json", json(text), (system, code) -> true);
  }

  private static JsonNode json(String text) {
    try {
      return Cases.JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<SourceIssue> check(String start, String end) {
    return schema("{\"from\": \"start\", \"to\": \"end\"}")
        .check(json("{\"period\": {\"start\": \"%s\", \"end\": \"%s\"}}".formatted(start, end)));
  }

  @ParameterizedTest(name = "{0} .. {1}")
  @CsvSource({"2025-01-01, 2025-01-01", "2025-01-01, 2025-01-02", "2024-12-31, 2025-12-31"})
  void anEndOnOrAfterTheStartPasses(String start, String end) {
    assertThat(check(start, end)).isEmpty();
  }

  @Test
  void anEndBeforeTheStartIsABusinessRuleErrorOnTheEnd() {
    List<SourceIssue> issues = check("2025-01-02", "2025-01-01");
    assertThat(issues).hasSize(1);
    assertThat(issues.get(0).code()).isEqualTo(ErrorCode.BUSINESS_RULE);
    assertThat(issues.get(0).field()).isEqualTo("period.end");
    assertThat(issues.get(0).message())
        .isEqualTo("period.end: must not be before period.start")
        .doesNotContain("2025");
  }

  @Test
  void aMissingOrMalformedDateIsLeftToTheOtherRules() {
    assertThat(check("2025-01-02", "not a date")).isEmpty();
    assertThat(
            schema("{\"from\": \"start\", \"to\": \"end\"}")
                .check(json("{\"period\": {\"end\": \"2025-01-01\"}}")))
        .isEmpty();
  }

  @Test
  void aRuleNamingAFieldOutsideThePropertiesStopsTheSchema() {
    assertThatThrownBy(() -> schema("{\"from\": \"start\", \"to\": \"finish\"}"))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("x-date-order");
  }
}
