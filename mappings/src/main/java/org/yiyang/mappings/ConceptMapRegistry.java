package org.yiyang.mappings;

import ca.uhn.fhir.parser.DataFormatException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.Fhir;

/**
 * The ConceptMaps of the catalog, indexed for code translation in both directions. Immutable after
 * loading, so it is shared by all threads.
 */
final class ConceptMapRegistry {

  /** Equivalences that carry no usable translation. */
  private static final Set<ConceptMapEquivalence> NO_MATCH =
      EnumSet.of(ConceptMapEquivalence.UNMATCHED, ConceptMapEquivalence.DISJOINT);

  /** Equivalences that make a reverse translation exact. */
  private static final Set<ConceptMapEquivalence> EXACT =
      EnumSet.of(ConceptMapEquivalence.EQUAL, ConceptMapEquivalence.EQUIVALENT);

  /** One source-to-target pair of a ConceptMap. */
  record Pair(
      String sourceSystem,
      String sourceCode,
      String targetSystem,
      String targetCode,
      ConceptMapEquivalence equivalence) {}

  /** A translated code with its code system. */
  record Coding(String system, String code) {
    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("system", system);
      json.put("code", code);
      return json;
    }
  }

  private record Indexed(
      ConceptMap conceptMap, Map<String, List<Pair>> bySource, Map<String, List<Pair>> byTarget) {}

  private final Map<String, Indexed> byUrl;

  private ConceptMapRegistry(Map<String, Indexed> byUrl) {
    this.byUrl = Map.copyOf(byUrl);
  }

  /**
   * Parses and indexes ConceptMaps given as file name to JSON text.
   *
   * @throws MappingDefinitionException naming the file when one is not a usable ConceptMap
   */
  static ConceptMapRegistry parse(Map<String, String> filesByName) {
    Map<String, Indexed> byUrl = new HashMap<>();
    for (Map.Entry<String, String> file : filesByName.entrySet()) {
      String name = file.getKey();
      ConceptMap map;
      try {
        map = Fhir.r4().newJsonParser().parseResource(ConceptMap.class, file.getValue());
      } catch (DataFormatException | ClassCastException e) {
        throw new MappingDefinitionException(
            name + ": not a FHIR R4 ConceptMap: " + e.getMessage(), e);
      }
      String id = map.getIdElement().getIdPart();
      String expectedName = "ConceptMap-" + id + ".json";
      if (id == null || !name.endsWith("/" + expectedName)) {
        throw new MappingDefinitionException(
            name + ": the file must be named " + expectedName + " after the resource id");
      }
      if (!(Canonical.CM + id).equals(map.getUrl())) {
        throw new MappingDefinitionException(
            name + ": url must be Canonical.CM + id, i.e. " + Canonical.CM + id);
      }
      if (byUrl.containsKey(map.getUrl())) {
        throw new MappingDefinitionException(name + ": duplicate ConceptMap url " + map.getUrl());
      }
      byUrl.put(map.getUrl(), index(name, map));
    }
    return new ConceptMapRegistry(byUrl);
  }

  private static Indexed index(String name, ConceptMap map) {
    Map<String, List<Pair>> bySource = new HashMap<>();
    Map<String, List<Pair>> byTarget = new HashMap<>();
    if (map.getGroup().isEmpty()) {
      throw new MappingDefinitionException(name + ": has no group");
    }
    for (ConceptMapGroupComponent group : map.getGroup()) {
      if (!group.hasSource() || !group.hasTarget()) {
        throw new MappingDefinitionException(
            name + ": every group needs source and target systems");
      }
      if (group.hasUnmapped()) {
        throw new MappingDefinitionException(
            name + ": group.unmapped is not supported; list every code explicitly");
      }
      for (SourceElementComponent element : group.getElement()) {
        if (!element.hasCode()) {
          throw new MappingDefinitionException(name + ": an element has no code");
        }
        for (TargetElementComponent target : element.getTarget()) {
          if (target.hasDependsOn() || target.hasProduct()) {
            throw new MappingDefinitionException(
                name + ": dependsOn/product are not supported (code " + element.getCode() + ")");
          }
          if (!target.hasEquivalence()) {
            throw new MappingDefinitionException(
                name + ": target of code " + element.getCode() + " has no equivalence");
          }
          if (NO_MATCH.contains(target.getEquivalence())) {
            continue;
          }
          if (!target.hasCode()) {
            throw new MappingDefinitionException(
                name + ": target of code " + element.getCode() + " has no code");
          }
          Pair pair =
              new Pair(
                  group.getSource(),
                  element.getCode(),
                  group.getTarget(),
                  target.getCode(),
                  target.getEquivalence());
          bySource.computeIfAbsent(pair.sourceCode(), k -> new ArrayList<>()).add(pair);
          byTarget.computeIfAbsent(pair.targetCode(), k -> new ArrayList<>()).add(pair);
        }
      }
    }
    for (Map.Entry<String, List<Pair>> entry : bySource.entrySet()) {
      if (entry.getValue().size() > 1) {
        throw new MappingDefinitionException(
            name + ": source code " + entry.getKey() + " has more than one target");
      }
    }
    return new Indexed(map, Map.copyOf(bySource), Map.copyOf(byTarget));
  }

  Set<String> urls() {
    return byUrl.keySet();
  }

  ConceptMap conceptMap(String url) {
    return indexed(url).conceptMap();
  }

  /** Source code to target coding; an unmapped code is a GW-2001 naming the field. */
  Coding translate(String code, String url, String field) {
    Indexed map = indexed(url);
    List<Pair> pairs = map.bySource().get(code);
    if (pairs == null || pairs.isEmpty()) {
      throw MappingException.of(
          ErrorCode.UNMAPPED_CODE,
          field,
          fieldLabel(field)
              + "the code of "
              + sourceSystems(map)
              + " has no translation to "
              + targetSystems(map)
              + " in ConceptMap "
              + url);
    }
    Pair pair = pairs.get(0);
    return new Coding(pair.targetSystem(), pair.targetCode());
  }

  /**
   * Target code back to its source code. Exact only: the single source whose equivalence is equal
   * or equivalent, or the single source of that target at all; anything else is a GW-2001, because
   * a guessed reverse translation would lose data silently.
   */
  Coding translateReverse(String code, String url, String field) {
    Indexed map = indexed(url);
    List<Pair> pairs = map.byTarget().getOrDefault(code, List.of());
    List<Pair> exact = pairs.stream().filter(p -> EXACT.contains(p.equivalence())).toList();
    Pair chosen = null;
    if (exact.size() == 1) {
      chosen = exact.get(0);
    } else if (pairs.size() == 1) {
      chosen = pairs.get(0);
    }
    if (chosen == null) {
      throw MappingException.of(
          ErrorCode.UNMAPPED_CODE,
          field,
          fieldLabel(field)
              + "the code of "
              + targetSystems(map)
              + " has no unambiguous reverse translation to "
              + sourceSystems(map)
              + " in ConceptMap "
              + url);
    }
    return new Coding(chosen.sourceSystem(), chosen.sourceCode());
  }

  private Indexed indexed(String url) {
    Indexed map = url == null ? null : byUrl.get(url);
    if (map == null) {
      throw MappingException.of(
          ErrorCode.MAPPING_DEFINITION,
          "",
          "the mapping refers to ConceptMap " + url + ", which is not in the catalog");
    }
    return map;
  }

  private static String fieldLabel(String field) {
    return field == null || field.isEmpty() ? "" : field + ": ";
  }

  private static String sourceSystems(Indexed map) {
    return String.join(
        ", ", map.conceptMap().getGroup().stream().map(g -> g.getSource()).distinct().toList());
  }

  private static String targetSystems(Indexed map) {
    return String.join(
        ", ", map.conceptMap().getGroup().stream().map(g -> g.getTarget()).distinct().toList());
  }
}
