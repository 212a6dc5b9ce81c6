package org.yiyang.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yiyang.gateway.journal.Journal;

/** What reaches a label, and the docs naming only series the gateway has. */
class GatewayMetricsTest {

  @Test
  void aLabelIsACodeOrAFixedWordNeverAnythingElse() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GatewayMetrics metrics = new GatewayMetrics(registry, mock(Journal.class));
    metrics.intake("resident.to-fhir", false, "GW-1007", 1_000_000);
    metrics.intake("resident.to-fhir", false, "330302194305120024", 1_000_000);
    metrics.intake("王秀英", false, "GW-1007 王秀英", 1_000_000);
    metrics.validation("Patient; 王秀英", true, 1_000_000);
    Set<String> values = new TreeSet<>();
    for (Meter meter : registry.getMeters()) {
      meter.getId().getTags().forEach(t -> values.add(t.getValue()));
    }
    assertThat(values)
        .containsExactlyInAnyOrder("resident.to-fhir", "GW-1007", "other", "rejected", "valid");
  }

  @Test
  void theDashboardAndTheOperationsGuideNameOnlyTheGatewaysSeries() throws Exception {
    Set<String> meters = new TreeSet<>();
    for (Field f : GatewayMetrics.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        meters.add(((String) f.get(null)).replace('.', '_'));
      }
    }
    Pattern series = Pattern.compile("yiyang_[a-z_]+");
    for (String doc : new String[] {"grafana-dashboard.json", "operations.md"}) {
      String text = Files.readString(docs().resolve(doc));
      Matcher m = series.matcher(text);
      int named = 0;
      while (m.find()) {
        named++;
        String base =
            m.group().replaceAll("_(total|bucket|count|sum|max)$", "").replaceAll("_seconds$", "");
        assertThat(meters).as("%s in docs/%s", m.group(), doc).contains(base);
      }
      assertThat(named).as(doc).isGreaterThan(5);
    }
  }

  /** docs/ of the repository, whichever module directory the test runs from. */
  static Path docs() {
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.isDirectory(here.resolve("docs"))) {
      here = here.getParent();
    }
    assertThat(here).as("a docs/ directory above the working directory").isNotNull();
    return here.resolve("docs");
  }
}
