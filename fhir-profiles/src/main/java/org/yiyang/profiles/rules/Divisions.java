package org.yiyang.profiles.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ConformancePackage;

/**
 * The names of a GB/T 2260 division code as FHIR {@code Address.state}, {@code city} and {@code
 * district}, from the package's nested CodeSystem (province &gt; prefecture &gt; county), so that a
 * platform's standard {@code address-state}, {@code address-city} searches find residents.
 *
 * <p>Province → state; prefecture → city; county → district. The counties of the four
 * municipalities (北京, 天津, 上海, 重庆) hang from the province: their city is the municipality. A county
 * administered directly by a province (省直辖县级, e.g. 429004 仙桃市) has no prefecture: it is the
 * district, and no city is given.
 */
public final class Divisions {

  /** The parts of one division; {@code city} and {@code district} may be null. */
  public record Parts(String state, String city, String district) {}

  private static final Set<String> MUNICIPALITIES = Set.of("110000", "120000", "310000", "500000");

  private static volatile Map<String, Parts> parts;

  private Divisions() {}

  /** The state/city/district of a division code of the package; empty for an unknown code. */
  public static Optional<Parts> of(String code) {
    if (code == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(index().get(code));
  }

  private static Map<String, Parts> index() {
    Map<String, Parts> result = parts;
    if (result == null) {
      synchronized (Divisions.class) {
        result = parts;
        if (result == null) {
          CodeSystem cs =
              ConformancePackage.load().codeSystem(Canonical.CS_GB_DIVISION).orElseThrow();
          Map<String, Parts> built = new HashMap<>();
          walk(cs.getConcept(), new ArrayList<>(), built);
          result = Map.copyOf(built);
          parts = result;
        }
      }
    }
    return result;
  }

  private static void walk(
      List<ConceptDefinitionComponent> concepts,
      List<ConceptDefinitionComponent> ancestors,
      Map<String, Parts> into) {
    for (ConceptDefinitionComponent concept : concepts) {
      List<ConceptDefinitionComponent> path = new ArrayList<>(ancestors);
      path.add(concept);
      into.put(concept.getCode(), partsOf(path));
      walk(concept.getConcept(), path, into);
    }
  }

  private static Parts partsOf(List<ConceptDefinitionComponent> path) {
    ConceptDefinitionComponent province = path.get(0);
    String state = province.getDisplay();
    if (path.size() == 1) {
      return new Parts(state, null, null);
    }
    if (path.size() == 3) {
      return new Parts(state, path.get(1).getDisplay(), path.get(2).getDisplay());
    }
    ConceptDefinitionComponent child = path.get(1);
    boolean hasCounties = !child.getConcept().isEmpty();
    if (hasCounties) {
      return new Parts(state, child.getDisplay(), null);
    }
    if (MUNICIPALITIES.contains(province.getCode())) {
      return new Parts(state, state, child.getDisplay());
    }
    // A county-level division of a province without prefecture (or a prefecture without counties
    // in this edition, e.g. 东莞市): a code ending in 00 is a prefecture, anything else a county.
    return child.getCode().endsWith("00")
        ? new Parts(state, child.getDisplay(), null)
        : new Parts(state, null, child.getDisplay());
  }
}
