package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A broken definition stops loading with a message that names the file and the problem. */
class CatalogDefinitionErrorsTest {

  private static final String SCHEMA =
      """
      {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
       "properties": {"code": {"type": "string"}}}
      """;

  private static final String MAPPING = "{ \"code\": code }";

  /** Serves an in-memory resource tree; everything else comes from the real classpath. */
  private static final class TreeLoader extends ClassLoader {
    private final Map<String, String> files;

    TreeLoader(Map<String, String> files) {
      super(CatalogDefinitionErrorsTest.class.getClassLoader());
      this.files = files;
    }

    @Override
    public InputStream getResourceAsStream(String name) {
      String text = files.get(name);
      return text == null ? null : new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The tree lists none, so the catalog reads the tree's own index, not the real ones. */
    @Override
    public Enumeration<URL> getResources(String name) {
      return Collections.emptyEnumeration();
    }
  }

  private static Map<String, String> tree(String schema, String mapping, String conceptMap) {
    Map<String, String> files = new HashMap<>();
    files.put(
        "mappings/index.json",
        "{\"mappings\": [\"to-fhir/demo\"], \"conceptMaps\": [\"ConceptMap-demo.json\"]}");
    files.put("mappings/to-fhir/demo/source.schema.json", schema);
    files.put("mappings/to-fhir/demo/mapping.jsonata", mapping);
    files.put("conceptmaps/ConceptMap-demo.json", conceptMap);
    return files;
  }

  private static String conceptMap(String id, String url) {
    return """
        {"resourceType": "ConceptMap", "id": "%s", "url": "%s", "status": "active",
         "group": [{"source": "urn:oid:2.16.156.10011.2.3.3.4",
                    "target": "http://hl7.org/fhir/administrative-gender",
                    "element": [{"code": "1", "target": [{"code": "male", "equivalence": "equivalent"}]}]}]}
        """
        .formatted(id, url);
  }

  private static final String GOOD_CONCEPT_MAP =
      conceptMap("demo", "https://fhir.yiyang.org/ConceptMap/demo");

  static MappingCatalog load(Map<String, String> files) {
    return MappingCatalog.load(new TreeLoader(files), (system, code) -> true, TestKeys.ID_KEY);
  }

  @Test
  void aWellFormedTreeLoads() {
    MappingCatalog catalog = load(tree(SCHEMA, MAPPING, GOOD_CONCEPT_MAP));
    assertThat(catalog.ids()).containsExactly("demo");
    assertThat(catalog.get("demo").direction()).isEqualTo(Direction.TO_FHIR);
  }

  @Test
  void jsonataSyntaxErrorNamesTheMappingFile() {
    assertThatThrownBy(() -> load(tree(SCHEMA, "{ \"code\": }", GOOD_CONCEPT_MAP)))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("mappings/to-fhir/demo/mapping.jsonata")
        .hasMessageContaining("syntax");
  }

  @Test
  void unknownCanonicalConstantIsCaughtAtLoad() {
    assertThatThrownBy(
            () -> load(tree(SCHEMA, "{ \"p\": $canonical('NO_SUCH_URL') }", GOOD_CONCEPT_MAP)))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("mapping.jsonata")
        .hasMessageContaining("NO_SUCH_URL");
  }

  @Test
  void misspeltSchemaKeywordNamesTheSchemaFile() {
    String typo = SCHEMA.replace("\"type\": \"object\"", "\"type\": \"object\", \"requird\": []");
    assertThatThrownBy(() -> load(tree(typo, MAPPING, GOOD_CONCEPT_MAP)))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("source.schema.json")
        .hasMessageContaining("requird");
  }

  @Test
  void codeSystemKeywordMustNameACanonicalCodeSystem() {
    String schema =
        SCHEMA.replace(
            "{\"type\": \"string\"}",
            "{\"type\": \"string\", \"x-code-system\": \"https://example.org/cs\"}");
    assertThatThrownBy(() -> load(tree(schema, MAPPING, GOOD_CONCEPT_MAP)))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("source.schema.json")
        .hasMessageContaining("x-code-system");
  }

  @Test
  void schemaMustBeDraft202012() {
    String old = SCHEMA.replace("2020-12", "2019-09");
    assertThatThrownBy(() -> load(tree(old, MAPPING, GOOD_CONCEPT_MAP)))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("source.schema.json")
        .hasMessageContaining("$schema");
  }

  @Test
  void conceptMapUrlMustFollowCanonical() {
    String wrong = conceptMap("demo", "https://example.org/ConceptMap/demo");
    assertThatThrownBy(() -> load(tree(SCHEMA, MAPPING, wrong)))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("conceptmaps/ConceptMap-demo.json")
        .hasMessageContaining("url");
  }

  @Test
  void conceptMapWithoutEquivalenceIsRejected() {
    String noEquivalence = GOOD_CONCEPT_MAP.replace(", \"equivalence\": \"equivalent\"", "");
    assertThatThrownBy(() -> load(tree(SCHEMA, MAPPING, noEquivalence)))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("ConceptMap-demo.json")
        .hasMessageContaining("equivalence");
  }

  @Test
  void missingFileIsNamed() {
    Map<String, String> files = tree(SCHEMA, MAPPING, GOOD_CONCEPT_MAP);
    files.remove("mappings/to-fhir/demo/mapping.jsonata");
    assertThatThrownBy(() -> load(files))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("mappings/to-fhir/demo/mapping.jsonata")
        .hasMessageContaining("not found");
  }

  @Test
  void mappingFailureOnInputIsAMappingDefinitionErrorWithoutValues() {
    MappingCatalog catalog =
        load(tree(SCHEMA, "{ \"id\": $resourceId('x-', code, missing) }", GOOD_CONCEPT_MAP));
    assertThatThrownBy(
            () -> catalog.get("demo").apply(Cases.JSON.createObjectNode().put("code", "SECRET-1")))
        .isInstanceOfSatisfying(
            MappingException.class,
            e -> {
              assertThat(e.code()).isEqualTo(org.yiyang.profiles.ErrorCode.MAPPING_DEFINITION);
              assertThat(e.getMessage()).doesNotContain("SECRET-1");
            });
  }
}
