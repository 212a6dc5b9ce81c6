package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yiyang.profiles.ErrorCode;

/** The {@code x-score-level} keyword on the GB/T 42195-2022 bands and raise rule. */
class ScoreLevelKeywordTest {

  private static final String RULE =
      """
      {"score": "total", "sumOf": ["a", "b"], "level": "level",
       "bands": [{"min": 90, "max": 90, "level": "0"}, {"min": 66, "max": 89, "level": "1"},
                 {"min": 46, "max": 65, "level": "2"}, {"min": 30, "max": 45, "level": "3"},
                 {"min": 0, "max": 29, "level": "4"}],
       "raiseOneWhen": [{"field": "dementia", "equals": true}, {"field": "events", "atLeast": 2}]}
      """;

  private static SourceSchema schema(String rule) {
    String text =
        """
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
         "x-score-level": %s,
         "properties": {"total": {"type": "integer"}, "a": {"type": "integer"},
                        "b": {"type": "integer"}, "level": {"type": "string"},
                        "dementia": {"type": "boolean"}, "events": {"type": "integer"}}}
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

  private static List<SourceIssue> check(String record) {
    return schema(RULE).check(json(record));
  }

  @ParameterizedTest(name = "total {0}, dementia {1}, events {2} -> level {3}")
  @CsvSource({
    "90, false, 0, 0",
    "89, false, 0, 1",
    "66, false, 1, 1",
    "65, false, 0, 2",
    "46, false, 0, 2",
    "45, false, 0, 3",
    "30, false, 0, 3",
    "29, false, 0, 4",
    "0, false, 0, 4",
    "90, true, 0, 1",
    "70, false, 2, 2",
    "50, true, 5, 3",
    "20, true, 2, 4"
  })
  void theLevelOfTheBandRaisedOnceAndCapped(int total, boolean dementia, int events, String level) {
    String record =
        """
        {"total": %d, "a": %d, "b": 0, "level": "%s", "dementia": %b, "events": %d}
        """
            .formatted(total, total, level, dementia, events);
    assertThat(check(record)).isEmpty();
    for (int other = 0; other <= 4; other++) {
      if (!String.valueOf(other).equals(level)) {
        List<SourceIssue> issues =
            check(record.replace("\"level\": \"" + level + "\"", "\"level\": \"" + other + "\""));
        assertThat(issues).hasSize(1);
        assertThat(issues.get(0).code()).isEqualTo(ErrorCode.BUSINESS_RULE);
        assertThat(issues.get(0).field()).isEqualTo("level");
        assertThat(issues.get(0).message()).startsWith("level: contradicts total");
      }
    }
  }

  @Test
  void aTotalThatIsNotTheSumOfItsPartsIsReportedOnTheTotal() {
    List<SourceIssue> issues = check("{\"total\": 70, \"a\": 30, \"b\": 30, \"level\": \"1\"}");
    assertThat(issues).extracting(SourceIssue::field).containsExactly("total");
    assertThat(issues.get(0).message()).isEqualTo("total: must equal the sum of a, b");
  }

  @Test
  void aWrongSumIsABusinessRuleIssue() {
    assertThat(check("{\"total\": 70, \"a\": 30, \"b\": 30, \"level\": \"1\"}"))
        .extracting(SourceIssue::code)
        .containsExactly(ErrorCode.BUSINESS_RULE);
  }

  @Test
  void aLevelThatIsNoBandsLevelIsLeftToTheCodeRules() {
    assertThat(check("{\"total\": 70, \"a\": 70, \"b\": 0, \"level\": \"7\"}")).isEmpty();
  }

  @Test
  void wrongTypesAreLeftToTheTypeRules() {
    List<SourceIssue> issues = check("{\"total\": \"70\", \"a\": 30, \"b\": 40, \"level\": \"3\"}");
    assertThat(issues).extracting(SourceIssue::field).containsExactly("total");
    assertThat(issues.get(0).message()).contains("JSON type");
  }

  @Test
  void nestedObjectsReportTheFullPath() {
    String text =
        """
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
         "properties": {"ability": {"type": "object", "x-score-level": {"score": "total",
           "level": "level", "bands": [{"min": 0, "max": 9, "level": "low"},
                                       {"min": 10, "max": 20, "level": "high"}]},
           "properties": {"total": {"type": "integer"}, "level": {"type": "string"}}}}}
        """;
    SourceSchema schema = SourceSchema.compile("t", json(text), (s, c) -> true);
    assertThat(schema.check(json("{\"ability\": {\"total\": 12, \"level\": \"high\"}}"))).isEmpty();
    assertThat(schema.check(json("{\"ability\": {\"total\": 12, \"level\": \"low\"}}")))
        .extracting(SourceIssue::field)
        .containsExactly("ability.level");
  }

  @Test
  void aRuleNamingAnUnknownFieldStopsLoading() {
    assertThatThrownBy(() -> schema(RULE.replace("\"sumOf\": [\"a\"", "\"sumOf\": [\"c\"")))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("x-score-level names c");
  }

  @Test
  void aRuleWithoutBandsOrWithABadConditionStopsLoading() {
    assertThatThrownBy(() -> schema("{\"score\": \"total\", \"level\": \"level\", \"bands\": []}"))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("at least one band");
    assertThatThrownBy(
            () ->
                schema(
                    RULE.replace(
                        "{\"field\": \"events\", \"atLeast\": 2}", "{\"field\": \"events\"}")))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("needs equals or atLeast");
  }
}
