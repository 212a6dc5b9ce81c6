package org.yiyang.mappings;

import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.yiyang.profiles.ConformancePackage;
import org.yiyang.profiles.Fhir;

/** The golden cases under {@code src/test/resources/cases}, and helpers shared by their suites. */
final class Cases {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One case folder: {@code cases/<direction>/<mapping id>/<NN-name>/}. */
  record Case(String direction, String mappingId, String name, Path folder) {

    JsonNode input() {
      return read(folder.resolve("input.json"));
    }

    boolean isReject() {
      return Files.exists(folder.resolve("expected-outcome.json"));
    }

    Path expected() {
      return folder.resolve("expected.json");
    }

    Path expectedOutcome() {
      return folder.resolve("expected-outcome.json");
    }

    @Override
    public String toString() {
      return direction + "/" + mappingId + "/" + name;
    }
  }

  private static MappingCatalog catalog;

  private Cases() {}

  /** One catalog for all suites, checked against the real conformance package. */
  static synchronized MappingCatalog catalog() {
    if (catalog == null) {
      catalog = MappingCatalog.loadFromClasspath(TestKeys.ID_KEY);
    }
    return catalog;
  }

  static List<Case> all() {
    Path root = root();
    List<Case> cases = new ArrayList<>();
    try (Stream<Path> folders = Files.walk(root, 3)) {
      folders
          .filter(p -> root.relativize(p).getNameCount() == 3 && Files.isDirectory(p))
          .sorted()
          .forEach(
              p -> {
                Path relative = root.relativize(p);
                cases.add(
                    new Case(
                        relative.getName(0).toString(),
                        relative.getName(1).toString(),
                        relative.getName(2).toString(),
                        p));
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cases;
  }

  static List<Case> toFhirSuccesses() {
    return all().stream()
        .filter(c -> c.direction().equals(Direction.TO_FHIR.folder()) && !c.isReject())
        .toList();
  }

  /**
   * The source tree, not the copy under target/, so that {@code -Dgolden.update=true} rewrites the
   * files that are committed (Surefire runs in the module directory).
   */
  static Path root() {
    Path root = Path.of("src", "test", "resources", "cases");
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException("run the tests from the mappings module directory");
    }
    return root;
  }

  static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Removes server-assigned values (meta.versionId, meta.lastUpdated) anywhere in the tree. */
  static JsonNode stripVolatile(JsonNode node) {
    JsonNode copy = node.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode object) {
      JsonNode meta = object.get("meta");
      if (meta instanceof ObjectNode metaObject) {
        metaObject.remove(List.of("versionId", "lastUpdated"));
        if (metaObject.isEmpty()) {
          object.remove("meta");
        }
      }
    }
    node.forEach(Cases::strip);
  }

  /**
   * The paired mapping of the other direction: {@code a-to-b} ↔ {@code b-to-a} (the naming rule of
   * the catalog).
   */
  static String pairOf(String mappingId) {
    int at = mappingId.indexOf("-to-");
    if (at < 0) {
      throw new IllegalArgumentException(mappingId + " is not named <a>-to-<b>");
    }
    return mappingId.substring(at + 4) + "-to-" + mappingId.substring(0, at);
  }

  /**
   * What a FHIR server returns to one search for the resources a transaction wrote: a searchset
   * Bundle of the record's resources ({@link #isRecordResource}: conditional creates of shared
   * resources are not part of a record, but references to them become server ids), each parsed and
   * re-encoded by HAPI, with a version and a timestamp, and with references to other entries'
   * {@code urn:uuid} fullUrls rewritten to {@code Type/id} as a server does.
   */
  static ObjectNode searchset(JsonNode transaction) {
    java.util.Map<String, String> localIds = new java.util.HashMap<>();
    int created = 0;
    for (JsonNode entry : transaction.path("entry")) {
      JsonNode resource = entry.path("resource");
      String type = resource.path("resourceType").asText();
      // A conditional create gets (or finds) a server-assigned id.
      String id = resource.has("id") ? resource.get("id").asText() : String.valueOf(++created);
      localIds.put(entry.path("fullUrl").asText(), type + "/" + id);
    }
    ObjectNode searchset = JSON.createObjectNode();
    searchset.put("resourceType", "Bundle").put("type", "searchset");
    com.fasterxml.jackson.databind.node.ArrayNode entries = searchset.putArray("entry");
    for (JsonNode entry : transaction.path("entry")) {
      if (!isRecordResource(entry)) {
        continue;
      }
      JsonNode resource = entry.get("resource").deepCopy();
      rewriteReferences(resource, localIds);
      org.hl7.fhir.r4.model.Resource stored = (org.hl7.fhir.r4.model.Resource) parse(resource);
      String local = localIds.get(entry.path("fullUrl").asText());
      stored.setId(local.substring(local.indexOf('/') + 1));
      stored.getMeta().setVersionId("1").setLastUpdated(new java.util.Date());
      String type = stored.fhirType();
      ObjectNode out = entries.addObject();
      out.put("fullUrl", "http://fhir.example/fhir/" + type + "/" + stored.getIdPart());
      try {
        out.set(
            "resource", JSON.readTree(Fhir.r4().newJsonParser().encodeResourceToString(stored)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.putObject("search").put("mode", "match");
    }
    searchset.put("total", entries.size());
    return searchset;
  }

  /**
   * PUTs, and conditional creates on the record's own number (a referral's Task and Appointment,
   * created once because they carry its state); not the conditional creates of shared resources on
   * their USCC (an Organization).
   */
  private static boolean isRecordResource(JsonNode entry) {
    JsonNode request = entry.path("request");
    return switch (request.path("method").asText()) {
      case "PUT" -> true;
      case "POST" ->
          request.has("ifNoneExist")
              && !request
                  .path("ifNoneExist")
                  .asText()
                  .startsWith("identifier=" + org.yiyang.profiles.Canonical.SID_USCC + "|");
      default -> false;
    };
  }

  private static void rewriteReferences(JsonNode node, java.util.Map<String, String> localIds) {
    if (node instanceof ObjectNode object && object.path("reference").isTextual()) {
      String local = localIds.get(object.get("reference").asText());
      if (local != null) {
        object.put("reference", local);
      }
    }
    node.forEach(child -> rewriteReferences(child, localIds));
  }

  /** Parses a resource with the shared HAPI context, strictly. */
  static IBaseResource parse(JsonNode resource) {
    IParser parser =
        Fhir.r4()
            .newJsonParser()
            .setParserErrorHandler(new ca.uhn.fhir.parser.StrictErrorHandler());
    return parser.parseResource(resource.toString());
  }

  /** The package, for code look-ups in tests. */
  static ConformancePackage conformance() {
    return ConformancePackage.load();
  }

  static String pretty(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
