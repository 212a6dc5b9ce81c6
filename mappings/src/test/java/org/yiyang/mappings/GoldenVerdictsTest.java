package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.yiyang.profiles.Fhir;
import org.yiyang.profiles.RegionalValidator;
import org.yiyang.profiles.RegionalValidator.ValidationIssue;

/**
 * Every golden FHIR output (and every FHIR input of a from-FHIR case) gets the same messages from
 * the gateway's fast validation path as from HAPI's stock path (ADR 0030).
 */
class GoldenVerdictsTest {

  @Test
  void goldenResourcesGetTheSameVerdictsOnBothPaths() throws IOException, URISyntaxException {
    URL root = getClass().getClassLoader().getResource("cases");
    assertThat(root).isNotNull();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of(root.toURI()))) {
      files =
          walk.filter(p -> p.getFileName().toString().endsWith(".json"))
              .filter(p -> isFhir(p))
              .sorted()
              .toList();
    }
    assertThat(files).isNotEmpty();
    RegionalValidator stock = RegionalValidator.stock();
    RegionalValidator fast = RegionalValidator.shared();
    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    for (Path file : files) {
      Resource resource =
          (Resource) Fhir.r4().newJsonParser().parseResource(Files.readString(file));
      List<Resource> targets = new ArrayList<>();
      if (resource instanceof Bundle bundle) {
        bundle.getEntry().forEach(e -> targets.add(e.getResource()));
      } else {
        targets.add(resource);
      }
      for (Resource target : targets) {
        compared++;
        List<String> expected = keys(stock.validate(target));
        List<String> actual = keys(fast.validate(target));
        if (!expected.equals(actual)) {
          mismatches.add(
              file + " " + target.fhirType() + "\n  stock: " + expected + "\n  fast: " + actual);
        }
      }
    }
    assertThat(compared).isGreaterThanOrEqualTo(files.size());
    assertThat(mismatches).isEmpty();
  }

  private static boolean isFhir(Path file) {
    try {
      return Files.readString(file).contains("\"resourceType\"")
          && !file.getFileName().toString().startsWith("expected-outcome");
    } catch (IOException e) {
      return false;
    }
  }

  private static List<String> keys(List<ValidationIssue> issues) {
    return issues.stream()
        .map(i -> i.severity() + "|" + i.location() + "|" + i.messageId() + "|" + i.message())
        .sorted(Comparator.naturalOrder())
        .toList();
  }
}
