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
 * Every mapping, ConceptMap and record-flow descriptor on the classpath, compiled once. Discovery
 * goes through the index file {@value #INDEX} (kept in step with the resource tree by {@code
 * CatalogIndexTest}), so it works the same from a directory, a jar or a Spring Boot fat jar. Every
 * classpath root may hold an index: the catalog is their union, so a jar (or a test's resources)
 * adds flows without touching this module. Immutable and thread-safe.
 */
public final class MappingCatalog {

  /** Classpath location of the index of mapping folders and ConceptMap files. */
  public static final String INDEX = "mappings/index.json";

  static final String MAPPINGS_ROOT = "mappings/";
  static final String CONCEPT_MAPS_ROOT = "conceptmaps/";
  static final String MAPPING_FILE = "mapping.jsonata";
  static final String SCHEMA_FILE = "source.schema.json";
  static final String FLOW_FILE = "flow.json";

  /** The JSON Schema every record-flow descriptor must pass. */
  static final String FLOW_SCHEMA = MAPPINGS_ROOT + "flow.schema.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Mapping> mappings;
  private final ConceptMapRegistry conceptMaps;
  private final List<RecordFlowDefinition> flows;

  private MappingCatalog(
      Map<String, Mapping> mappings,
      ConceptMapRegistry conceptMaps,
      List<RecordFlowDefinition> flows) {
    this.mappings = Collections.unmodifiableMap(mappings);
    this.conceptMaps = conceptMaps;
    this.flows = List.copyOf(flows);
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
    return loadFromClasspath(idKey, AttachmentPolicy.DEFAULT);
  }

  /**
   * The same, with the deployment's attachment policy (the {@code x-attachments} schema keyword).
   */
  public static MappingCatalog loadFromClasspath(
      ResourceIdKey idKey, AttachmentPolicy attachments) {
    ConformancePackage conformance = ConformancePackage.load();
    return load(MappingCatalog.class.getClassLoader(), conformance::hasCode, idKey, attachments);
  }

  static MappingCatalog load(ClassLoader loader, CodeLookup codes, ResourceIdKey idKey) {
    return load(loader, codes, idKey, AttachmentPolicy.DEFAULT);
  }

  static MappingCatalog load(
      ClassLoader loader, CodeLookup codes, ResourceIdKey idKey, AttachmentPolicy attachments) {
    List<JsonNode> indexes = readIndexes(loader);
    ConceptMapRegistry conceptMaps =
        ConceptMapRegistry.parse(readConceptMaps(loader, union(indexes, "conceptMaps", true)));
    MappingFunctions functions = new MappingFunctions(conceptMaps, idKey);
    List<RecordFlowDefinition> flows = readFlows(loader, union(indexes, "flows", false), codes);
    Map<String, RecordFlowDefinition> flowOfMapping = new LinkedHashMap<>();
    for (RecordFlowDefinition flow : flows) {
      flowOfMapping.put(flow.toFhir(), flow);
      flowOfMapping.put(flow.fromFhir(), flow);
    }
    Map<String, Mapping> mappings = new LinkedHashMap<>();
    for (String folder : union(indexes, "mappings", true)) {
      Mapping mapping = compile(loader, folder, codes, attachments, functions, flowOfMapping);
      if (mappings.put(mapping.id(), mapping) != null) {
        throw new MappingDefinitionException(
            INDEX + ": mapping id " + mapping.id() + " appears in more than one folder");
      }
    }
    for (RecordFlowDefinition flow : flows) {
      requireMapping(mappings, flow, flow.toFhir(), Direction.TO_FHIR, "toFhir");
      requireMapping(mappings, flow, flow.fromFhir(), Direction.FROM_FHIR, "fromFhir");
    }
    return new MappingCatalog(mappings, conceptMaps, flows);
  }

  /** The record-flow descriptors, in index order. */
  public List<RecordFlowDefinition> flows() {
    return flows;
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
      ClassLoader loader,
      String folder,
      CodeLookup codes,
      AttachmentPolicy attachments,
      MappingFunctions functions,
      Map<String, RecordFlowDefinition> flowOfMapping) {
    // <direction>/<id>, or flows/<flow>/<direction>/<id> for a flow kept in one folder.
    String[] all = folder.split("/");
    if (!(all.length == 2 || (all.length == 4 && all[0].equals("flows")))) {
      throw new MappingDefinitionException(
          INDEX + ": mapping entry " + folder + " must be <direction>/<id>");
    }
    String[] parts = {all[all.length - 2], all[all.length - 1]};
    Direction direction;
    try {
      direction = Direction.ofFolder(parts[0]);
    } catch (IllegalArgumentException e) {
      throw new MappingDefinitionException(
          INDEX + ": " + folder + " is not under to-fhir/ or from-fhir/", e);
    }
    String base = MAPPINGS_ROOT + folder + "/";
    SourceSchema schema =
        SourceSchema.compile(
            base + SCHEMA_FILE, readJson(loader, base + SCHEMA_FILE), codes, attachments);
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
    RecordFlowDefinition flow = flowOfMapping.get(parts[1]);
    if (flow == null && MappingFunctions.callsRecordNoSystem(text)) {
      throw new MappingDefinitionException(
          mappingFile + ": $recordNoSystem() in a mapping no flows/*/flow.json names");
    }
    functions.registerOn(expression, flow == null ? null : flow.identifierSystem());
    return new Mapping(parts[1], direction, schema, expression, base + SCHEMA_FILE);
  }

  private static void requireMapping(
      Map<String, Mapping> mappings,
      RecordFlowDefinition flow,
      String id,
      Direction direction,
      String field) {
    Mapping mapping = mappings.get(id);
    if (mapping == null || mapping.direction() != direction) {
      throw new MappingDefinitionException(
          flowFile("flows/" + flow.name())
              + ": "
              + field
              + ": names no "
              + direction.folder()
              + " mapping of the index");
    }
  }

  private static String flowFile(String folder) {
    return MAPPINGS_ROOT + folder + "/" + FLOW_FILE;
  }

  /**
   * Reads and checks every descriptor against {@value #FLOW_SCHEMA} with the engine that checks
   * facility records, so a broken one is named by file, field and rule, then checks what one file
   * cannot: names, paths and identifier systems are unique, a folder is named after its flow.
   */
  private static List<RecordFlowDefinition> readFlows(
      ClassLoader loader, List<String> folders, CodeLookup codes) {
    if (folders.isEmpty()) {
      return List.of();
    }
    SourceSchema schema = SourceSchema.compile(FLOW_SCHEMA, readJson(loader, FLOW_SCHEMA), codes);
    List<RecordFlowDefinition> flows = new ArrayList<>();
    Map<String, String> seen = new LinkedHashMap<>();
    for (String folder : folders) {
      String file = flowFile(folder);
      JsonNode json = readJson(loader, file);
      List<SourceIssue> issues = schema.check(json);
      if (!issues.isEmpty()) {
        throw new MappingDefinitionException(
            file + ": " + String.join("; ", issues.stream().map(SourceIssue::message).toList()));
      }
      RecordFlowDefinition flow = RecordFlowDefinition.of(json);
      if (!folder.equals("flows/" + flow.name())) {
        throw new MappingDefinitionException(
            file + ": name: must be the folder's name (" + folder + ")");
      }
      for (String[] key :
          List.of(
              new String[] {"path", flow.path()},
              new String[] {"identifierSystem", flow.identifierSystem()})) {
        String other = seen.put(key[0] + "=" + key[1], file);
        if (other != null) {
          throw new MappingDefinitionException(file + ": " + key[0] + ": already used by " + other);
        }
      }
      flows.add(flow);
    }
    return flows;
  }

  /**
   * Every {@value #INDEX} on the classpath (each root may add its own), each once. A loader that
   * lists none but serves one directly (an in-memory tree) is read that way.
   */
  private static List<JsonNode> readIndexes(ClassLoader loader) {
    List<JsonNode> indexes = new ArrayList<>();
    try {
      Set<String> urls = new java.util.LinkedHashSet<>();
      for (java.net.URL url : Collections.list(loader.getResources(INDEX))) {
        if (urls.add(url.toString())) {
          try (InputStream in = url.openStream()) {
            indexes.add(
                parse(url.toString(), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
          }
        }
      }
    } catch (IOException e) {
      throw new MappingDefinitionException(INDEX + ": cannot be read", e);
    }
    if (indexes.isEmpty()) {
      indexes.add(readJson(loader, INDEX));
    }
    return indexes;
  }

  /** One field's entries over all indexes, each once, in classpath order. */
  private static List<String> union(List<JsonNode> indexes, String field, boolean required) {
    Set<String> values = new java.util.LinkedHashSet<>();
    for (JsonNode index : indexes) {
      if (required || index.has(field)) {
        values.addAll(strings(index, field));
      }
    }
    return List.copyOf(values);
  }

  private static Map<String, String> readConceptMaps(ClassLoader loader, List<String> names) {
    Map<String, String> files = new LinkedHashMap<>();
    for (String name : names) {
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
    return parse(path, readText(loader, path));
  }

  private static JsonNode parse(String path, String text) {
    try {
      return JSON.readTree(text);
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
