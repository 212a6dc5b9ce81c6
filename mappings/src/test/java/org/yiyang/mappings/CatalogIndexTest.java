package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yiyang.profiles.RegionalValidator;

/**
 * Keeps {@code mappings/index.json} (mapping folders, ConceptMaps, record-flow folders) in step
 * with the resource tree, and every mapping folder complete: mapping, schema, README with a curl
 * example, and a sample that passes its own checks. Regenerate the index with {@code
 * -Dmappings.index.update=true}.
 */
class CatalogIndexTest {

  private static final Path RESOURCES = Path.of("src", "main", "resources");
  private static final Path INDEX = RESOURCES.resolve(MappingCatalog.INDEX);

  @Test
  void indexListsExactlyTheFoldersAndConceptMapsOfTheTree() throws IOException {
    ObjectNode expected = Cases.JSON.createObjectNode();
    expected.put("comment", Cases.read(INDEX).path("comment").asText());
    List<String> mappings;
    Path root = RESOURCES.resolve("mappings");
    try (Stream<Path> files = Files.walk(root)) {
      mappings =
          files
              .filter(p -> p.getFileName().toString().equals(MappingCatalog.MAPPING_FILE))
              .map(p -> root.relativize(p.getParent()).toString().replace('\\', '/'))
              .sorted()
              .toList();
    }
    List<String> conceptMaps;
    try (Stream<Path> files = Files.list(RESOURCES.resolve("conceptmaps"))) {
      conceptMaps =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.startsWith("ConceptMap-") && n.endsWith(".json"))
              .sorted()
              .toList();
    }
    List<String> flows;
    try (Stream<Path> files = Files.walk(root)) {
      flows =
          files
              .filter(p -> p.getFileName().toString().equals(MappingCatalog.FLOW_FILE))
              .map(p -> root.relativize(p.getParent()).toString().replace('\\', '/'))
              .sorted()
              .toList();
    }
    mappings.forEach(expected.putArray("mappings")::add);
    conceptMaps.forEach(expected.putArray("conceptMaps")::add);
    flows.forEach(expected.putArray("flows")::add);
    if (Boolean.getBoolean("mappings.index.update")) {
      Files.writeString(INDEX, Cases.pretty(expected) + "\n");
    }
    assertThat(Cases.read(INDEX))
        .as("mappings/index.json is stale; rerun with -Dmappings.index.update=true")
        .isEqualTo(expected);
  }

  @Test
  void everyMappingFolderIsCompleteAndItsSampleMaps() throws IOException {
    MappingCatalog catalog = Cases.catalog();
    for (String id : catalog.ids()) {
      Mapping mapping = catalog.get(id);
      Path folder = folderOf(mapping);
      for (String file :
          List.of(MappingCatalog.MAPPING_FILE, MappingCatalog.SCHEMA_FILE, "README.md")) {
        assertThat(folder.resolve(file)).as(id + " has " + file).isRegularFile();
      }
      String readme = Files.readString(folder.resolve("README.md"));
      assertThat(readme).as(id + " README shows a curl").contains("curl ");
      Path sample = folder.resolve("sample.json");
      assertThat(sample).as(id + " has sample.json").isRegularFile();
      JsonNode input = Cases.read(sample);
      assertThat(mapping.checkSource(input)).as("issues of the sample of " + id).isEmpty();
      JsonNode output = mapping.apply(input);
      if (mapping.direction() == Direction.TO_FHIR) {
        for (JsonNode entry : output.path("entry")) {
          assertThat(RegionalValidator.shared().errors(Cases.parse(entry.get("resource"))))
              .as("profile errors of the sample of " + id)
              .isEmpty();
        }
      }
    }
  }

  /** A mapping's folder: {@code <direction>/<id>}, or inside a flow's folder. */
  private static Path folderOf(Mapping mapping) throws IOException {
    Path root = RESOURCES.resolve("mappings");
    try (Stream<Path> dirs = Files.walk(root)) {
      return dirs.filter(
              p ->
                  p.getFileName().toString().equals(mapping.id())
                      && p.getParent()
                          .getFileName()
                          .toString()
                          .equals(mapping.direction().folder()))
          .findFirst()
          .orElse(root.resolve(mapping.direction().folder()).resolve(mapping.id()));
    }
  }
}
