package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yiyang.profiles.RegionalValidator;
import org.yiyang.profiles.RegionalValidator.ValidationIssue;

/**
 * Runs every golden case found under {@code src/test/resources/cases}: {@code expected.json} is
 * compared strictly after stripping server-assigned meta; {@code expected-outcome.json} lists the
 * {code, field} pairs of a reject. Every produced FHIR resource must be valid against its regional
 * profile. Set {@code -Dgolden.update=true} to rewrite the expected files from the actual output
 * (then review the diff before committing).
 */
class GoldenCasesTest {

  private static final boolean UPDATE = Boolean.getBoolean("golden.update");

  @TestFactory
  Stream<DynamicTest> goldenCases() {
    return Cases.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> run(c)));
  }

  @Test
  void everyMappingHasTheRequiredCases() {
    List<Cases.Case> cases = Cases.all();
    for (String id : Cases.catalog().ids()) {
      List<String> names =
          cases.stream().filter(c -> c.mappingId().equals(id)).map(Cases.Case::name).toList();
      assertThat(names).as("cases of " + id).anyMatch(n -> n.startsWith("01-"));
      assertThat(names).as("cases of " + id).anyMatch(n -> n.startsWith("02-"));
      if (Cases.catalog().get(id).direction() == Direction.TO_FHIR) {
        assertThat(names.stream().filter(n -> n.startsWith("1")).count())
            .as("edge cases of " + id)
            .isGreaterThanOrEqualTo(2);
        assertThat(names.stream().filter(n -> n.startsWith("9")).count())
            .as("reject cases of " + id)
            .isGreaterThanOrEqualTo(2);
      }
    }
  }

  private void run(Cases.Case c) throws IOException {
    Mapping mapping = Cases.catalog().get(c.mappingId());
    assertThat(mapping.direction().folder()).isEqualTo(c.direction());
    JsonNode input = c.input();
    if (c.isReject()) {
      runReject(c, mapping, input);
    } else {
      runSuccess(c, mapping, input);
    }
  }

  private void runReject(Cases.Case c, Mapping mapping, JsonNode input) throws IOException {
    List<SourceIssue> issues = new ArrayList<>(mapping.checkSource(input));
    if (issues.isEmpty()) {
      try {
        JsonNode output = mapping.apply(input);
        if (mapping.direction() == Direction.FROM_FHIR) {
          // A read-back that misses what the exchange format requires is refused (GW-2002).
          Cases.catalog().requireComplete(c.mappingId(), output);
        }
        fail("%s was expected to be rejected but mapped", c);
      } catch (MappingException e) {
        issues.addAll(e.issues());
        assertNoValues(c, input, e.getMessage());
      }
    }
    ArrayNode actual = Cases.JSON.createArrayNode();
    for (SourceIssue issue : issues) {
      actual.addObject().put("code", issue.code().code()).put("field", issue.field());
      assertNoValues(c, input, issue.message());
      assertThat(issue.message()).as("message names the field").contains(issue.field());
    }
    if (UPDATE) {
      Files.writeString(c.expectedOutcome(), Cases.pretty(actual) + "\n");
    }
    JsonNode expected = Cases.read(c.expectedOutcome());
    assertThat(actual).as("issues of %s: %s", c, issues).isEqualTo(expected);
  }

  private void runSuccess(Cases.Case c, Mapping mapping, JsonNode input) throws IOException {
    assertThat(mapping.checkSource(input)).as("source issues of " + c).isEmpty();
    JsonNode actual = Cases.stripVolatile(mapping.apply(input));
    if (UPDATE) {
      Files.writeString(c.expected(), Cases.pretty(actual) + "\n");
    }
    JsonNode expected = Cases.stripVolatile(Cases.read(c.expected()));
    if (!expected.equals(actual)) {
      fail("%s differs from expected.json; actual output:%n%s", c, Cases.pretty(actual));
    }
    if (mapping.direction() == Direction.TO_FHIR) {
      for (JsonNode entry : actual.path("entry")) {
        List<ValidationIssue> errors =
            RegionalValidator.shared().errors(Cases.parse(entry.get("resource")));
        assertThat(errors)
            .as("profile errors of %s in %s", entry.path("resource").path("resourceType"), c)
            .isEmpty();
      }
    } else {
      // What comes back must be a record the facility could send again.
      assertThat(Cases.catalog().get(Cases.pairOf(c.mappingId())).checkSource(actual))
          .as("the output of %s as input of its paired to-fhir mapping", c)
          .isEmpty();
    }
  }

  /**
   * No issue text may repeat a value of the record (names, ID numbers, phones…). Values that the
   * schema itself spells out (codes of an enum) may appear in the rule text.
   */
  static void assertNoValues(Cases.Case c, JsonNode input, String text) {
    String schema =
        MappingCatalog.readText(
            GoldenCasesTest.class.getClassLoader(),
            MappingCatalog.MAPPINGS_ROOT
                + c.direction()
                + "/"
                + c.mappingId()
                + "/"
                + MappingCatalog.SCHEMA_FILE);
    List<String> values = new ArrayList<>();
    collect(input, values);
    for (String value : values) {
      if (value.length() >= 4 && !schema.contains("\"" + value + "\"")) {
        assertThat(text).as("message must not contain a record value").doesNotContain(value);
      }
    }
  }

  private static void collect(JsonNode node, List<String> into) {
    if (node.isValueNode()) {
      into.add(node.asText());
    } else if (node instanceof ObjectNode || node instanceof ArrayNode) {
      node.forEach(child -> collect(child, into));
    }
  }
}
