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
      catalog = MappingCatalog.loadFromClasspath();
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
