package org.yiyang.mappings;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.yiyang.profiles.ConformancePackage;
import org.yiyang.profiles.ErrorCode;

/**
 * Every mapping and ConceptMap on the classpath, compiled once. Discovery goes through the index
 * file {@value #INDEX} (kept in step with the resource tree by {@code CatalogIndexTest}), so it
 * works the same from a directory, a jar or a Spring Boot fat jar. Immutable and thread-safe.
 */
public final class MappingCatalog {

  /** Classpath location of the index of mapping folders and ConceptMap files. */
  public static final String INDEX = "mappings/index.json";

  static final String MAPPINGS_ROOT = "mappings/";
  static final String CONCEPT_MAPS_ROOT = "conceptmaps/";
  static final String MAPPING_FILE = "mapping.jsonata";
  static final String SCHEMA_FILE = "source.schema.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Mapping> mappings;
  private final ConceptMapRegistry conceptMaps;

  private MappingCatalog(Map<String, Mapping> mappings, ConceptMapRegistry conceptMaps) {
    this.mappings = Collections.unmodifiableMap(mappings);
    this.conceptMaps = conceptMaps;
  }

  /**
   * Loads and compiles every mapping, schema and ConceptMap listed in {@value #INDEX}, checking
   * codes against the regional conformance package. Costly: call once at startup and keep the
   * result.
   *
   * @param idKey the deployment's secret for the ids the mappings give resources
   * @throws MappingDefinitionException naming the file and the problem when any definition is
   *     broken
   */
  public static MappingCatalog loadFromClasspath(ResourceIdKey idKey) {
    ConformancePackage conformance = ConformancePackage.load();
    return load(MappingCatalog.class.getClassLoader(), conformance::hasCode, idKey);
  }

  static MappingCatalog load(ClassLoader loader, CodeLookup codes, ResourceIdKey idKey) {
    JsonNode index = readJson(loader, INDEX);
    ConceptMapRegistry conceptMaps = ConceptMapRegistry.parse(readConceptMaps(loader, index));
    MappingFunctions functions = new MappingFunctions(conceptMaps, idKey);
    Map<String, Mapping> mappings = new LinkedHashMap<>();
    for (String folder : strings(index, "mappings")) {
      Mapping mapping = compile(loader, folder, codes, functions);
      if (mappings.put(mapping.id(), mapping) != null) {
        throw new MappingDefinitionException(
            INDEX + ": mapping id " + mapping.id() + " appears in more than one direction");
      }
    }
    return new MappingCatalog(mappings, conceptMaps);
  }

  /**
   * The mapping with this id (its folder name).
   *
   * @throws NoSuchElementException when there is none
   */
  public Mapping get(String id) {
    Mapping mapping = mappings.get(id);
    if (mapping == null) {
      throw new NoSuchElementException("No mapping with id " + id + "; known: " + ids());
    }
    return mapping;
  }

  /**
   * The other direction of a mapping, by the naming rule {@code <a>-to-<b>} / {@code <b>-to-<a>}
   * (e.g. {@code patient-to-resident} for {@code resident-to-patient}).
   */
  public static String pairOf(String mappingId) {
    int at = mappingId.indexOf("-to-");
    if (at < 0) {
      throw new IllegalArgumentException(mappingId + " is not named <a>-to-<b>");
    }
    return mappingId.substring(at + 4) + "-to-" + mappingId.substring(0, at);
  }

  /**
   * Checks what a from-FHIR mapping produced against the exchange format it answers in (the source
   * schema of its to-FHIR pair): a read-back never answers a record with a required field missing
   * or a value the format forbids. Fields the format does not define (read-only fields such as a
   * referral's state) are not judged.
   *
   * @throws MappingException GW-2002 with one issue per field, naming the field and the rule
   */
  public JsonNode requireComplete(String fromFhirMappingId, JsonNode record) {
    Mapping format = get(pairOf(fromFhirMappingId));
    List<SourceIssue> issues =
        format.checkSource(record).stream()
            .filter(i -> i.code() != ErrorCode.UNKNOWN_FIELD)
            .map(
                i ->
                    new SourceIssue(
                        ErrorCode.INCOMPLETE_FHIR_DATA,
                        i.field(),
                        "The FHIR data cannot be read as a complete record: " + i.message()))
            .toList();
    if (!issues.isEmpty()) {
      throw new MappingException(ErrorCode.INCOMPLETE_FHIR_DATA, issues);
    }
    return record;
  }

  /** The ids of all mappings, in index order. */
  public Set<String> ids() {
    return mappings.keySet();
  }

  /** Canonical URLs of the loaded ConceptMaps. */
  public Set<String> conceptMapUrls() {
    return conceptMaps.urls();
  }

  ConceptMapRegistry conceptMaps() {
    return conceptMaps;
  }

  private static Mapping compile(
      ClassLoader loader, String folder, CodeLookup codes, MappingFunctions functions) {
    String[] parts = folder.split("/");
    if (parts.length != 2) {
      throw new MappingDefinitionException(
          INDEX + ": mapping entry " + folder + " must be <direction>/<id>");
    }
    Direction direction;
    try {
      direction = Direction.ofFolder(parts[0]);
    } catch (IllegalArgumentException e) {
      throw new MappingDefinitionException(
          INDEX + ": " + folder + " is not under to-fhir/ or from-fhir/", e);
    }
    String base = MAPPINGS_ROOT + folder + "/";
    SourceSchema schema =
        SourceSchema.compile(base + SCHEMA_FILE, readJson(loader, base + SCHEMA_FILE), codes);
    String mappingFile = base + MAPPING_FILE;
    String text = readText(loader, mappingFile);
    List<String> unknown = MappingFunctions.unknownCanonicalNames(text);
    if (!unknown.isEmpty()) {
      throw new MappingDefinitionException(
          mappingFile + ": $canonical names no constant of Canonical: " + unknown);
    }
    Jsonata expression;
    try {
      expression = Jsonata.jsonata(text);
    } catch (JException e) {
      throw new MappingDefinitionException(
          mappingFile + ": JSONata syntax error " + e.getMessage(), e);
    }
    if (expression.getErrors() != null && !expression.getErrors().isEmpty()) {
      throw new MappingDefinitionException(
          mappingFile + ": JSONata syntax error " + expression.getErrors().get(0).getMessage());
    }
    functions.registerOn(expression);
    return new Mapping(parts[1], direction, schema, expression);
  }

  private static Map<String, String> readConceptMaps(ClassLoader loader, JsonNode index) {
    Map<String, String> files = new LinkedHashMap<>();
    for (String name : strings(index, "conceptMaps")) {
      String path = CONCEPT_MAPS_ROOT + name;
      files.put(path, readText(loader, path));
    }
    return files;
  }

  private static List<String> strings(JsonNode index, String field) {
    JsonNode array = index.path(field);
    if (!array.isArray()) {
      throw new MappingDefinitionException(INDEX + ": " + field + " must be an array of strings");
    }
    List<String> values = new ArrayList<>();
    for (JsonNode value : array) {
      if (!value.isTextual()) {
        throw new MappingDefinitionException(INDEX + ": " + field + " must be an array of strings");
      }
      values.add(value.asText());
    }
    return values;
  }

  private static JsonNode readJson(ClassLoader loader, String path) {
    try {
      return JSON.readTree(readText(loader, path));
    } catch (JsonProcessingException e) {
      throw new MappingDefinitionException(
          path + ": not well-formed JSON (line " + e.getLocation().getLineNr() + ")", e);
    }
  }

  static String readText(ClassLoader loader, String path) {
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) {
        throw new MappingDefinitionException(path + ": not found on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MappingDefinitionException(path + ": cannot be read", e);
    }
  }
}
