package org.yiyang.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yiyang.profiles.RegionalValidator.ValidationIssue;

/** Examples (inside the package) validate cleanly; counter-examples (test resources) fail. */
class ExamplesTest {

  static Stream<Arguments> examples() {
    return ConformancePackage.load().examplesByFile().entrySet().stream()
        .map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleHasNoErrors(String file, IBaseResource example) {
    List<ValidationIssue> errors = RegionalValidator.shared().errors(example);
    assertThat(errors).as(file).isEmpty();
  }

  @Test
  void everyProfileHasAnExample() {
    ConformancePackage pkg = ConformancePackage.load();
    List<String> claimed = new ArrayList<>();
    for (IBaseResource example : pkg.examples()) {
      ((Resource) example).getMeta().getProfile().forEach(p -> claimed.add(p.getValue()));
      if (example instanceof org.hl7.fhir.r4.model.Bundle bundle) {
        bundle
            .getEntry()
            .forEach(
                e ->
                    e.getResource().getMeta().getProfile().forEach(p -> claimed.add(p.getValue())));
      }
    }
    pkg.structureDefinitions().stream()
        .filter(sd -> !"Extension".equals(sd.getType()))
        .forEach(sd -> assertThat(claimed).as("example for %s", sd.getUrl()).contains(sd.getUrl()));
  }

  static Stream<Arguments> counterExamples() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    JsonNode index;
    try (InputStream in = resource("counter-examples/index.json")) {
      index = mapper.readTree(in);
    }
    List<Arguments> result = new ArrayList<>();
    for (JsonNode entry : index) {
      result.add(Arguments.of(entry.get("file").asText(), entry.get("expectedMessage").asText()));
    }
    assertThat(result).isNotEmpty();
    return result.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("counterExamples")
  void counterExampleFailsWithItsMessage(String file, String expectedMessage) throws IOException {
    String json;
    try (InputStream in = resource("counter-examples/" + file)) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    IBaseResource parsed = Fhir.r4().newJsonParser().parseResource(json);
    List<ValidationIssue> errors = RegionalValidator.shared().errors(parsed);
    assertThat(errors)
        .as("errors of %s", file)
        .anySatisfy(issue -> assertThat(issue.message()).contains(expectedMessage));
  }

  @Test
  void warmUpValidatesAllExamplesOnce() {
    RegionalValidator.shared().warmUp();
    RegionalValidator.shared().warmUp();
    assertThat(ConformancePackage.load().examples()).hasSizeGreaterThanOrEqualTo(4);
  }

  private static InputStream resource(String path) {
    InputStream in = ExamplesTest.class.getClassLoader().getResourceAsStream(path);
    assertThat(in).as(path).isNotNull();
    return in;
  }
}
