package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yiyang.profiles.Canonical;

/**
 * Record-flow descriptors (issue 23): the real ones agree with their mappings, and a broken one
 * stops loading with a message naming the file and the field.
 */
class FlowDefinitionsTest {

  private static final String SCHEMA =
      """
      {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
       "properties": {"facilityCode": {"type": "string"}, "demoNo": {"type": "string"}}}
      """;

  private static final String TO_FHIR =
      """
      {"resourceType": "Bundle", "type": "transaction", "entry": [{"resource":
        {"resourceType": "Observation",
         "identifier": [{"system": $recordNoSystem() & facilityCode, "value": demoNo}]}}]}
      """;

  private static final String FROM_FHIR = "{ \"demoNo\": entry[0].resource.identifier[0].value }";

  @Test
  void everyRecordFlowOfTheGatewayHasADescriptor() {
    assertThat(Cases.catalog().flows())
        .extracting(RecordFlowDefinition::name)
        .containsExactlyInAnyOrder(
            "assessment",
            "checkup",
            "followup",
            "contract",
            "agreement",
            "stay",
            "referral",
            "consultation",
            "consultation-material");
  }

  /** The descriptor states the identifier system the mapping writes, and its exchange format. */
  @Test
  void eachSampleCarriesItsFlowsRecordNumberOnItsFocusResource() throws IOException {
    for (RecordFlowDefinition flow : Cases.catalog().flows()) {
      JsonNode sample = sample(flow.toFhir());
      JsonNode bundle = Cases.catalog().get(flow.toFhir()).checkAndApply(sample);
      String system = flow.identifierSystem() + sample.path("facilityCode").asText();
      boolean carried = false;
      for (JsonNode entry : bundle.path("entry")) {
        JsonNode resource = entry.path("resource");
        if (resource.path("resourceType").asText().equals(flow.focus())) {
          for (JsonNode identifier : resource.path("identifier")) {
            carried |=
                identifier.path("system").asText().equals(system)
                    && identifier
                        .path("value")
                        .asText()
                        .equals(sample.path(flow.recordNoField()).asText());
          }
        }
      }
      assertThat(carried)
          .as(flow.name() + ": " + flow.focus() + " carries the record number")
          .isTrue();
      assertThat(flow.identifierSystem()).as(flow.name()).startsWith(Canonical.SID);
      assertThat(Path.of("..").resolve(flow.exchangeFormat()))
          .as(flow.name() + " exchange format")
          .isRegularFile();
    }
  }

  /** The API reference lists every flow's collection with its exchange format (docs index). */
  @Test
  void theApiReferenceListsEveryFlow() throws IOException {
    String api = Files.readString(Path.of("..", "docs", "api.md"));
    for (RecordFlowDefinition flow : Cases.catalog().flows()) {
      assertThat(api).as(flow.name()).contains("/api/v1/" + flow.path());
      assertThat(api).as(flow.name()).contains(flow.exchangeFormat().replaceFirst("^docs/", ""));
    }
  }

  @Test
  void aFlowMappingReadsItsIdentifierSystemFromTheDescriptor() {
    MappingCatalog catalog = CatalogDefinitionErrorsTest.load(tree(descriptor()));
    ObjectNode record = Cases.JSON.createObjectNode().put("facilityCode", "F1").put("demoNo", "D1");
    JsonNode bundle = catalog.get("demo-to-observation").apply(record);
    assertThat(bundle.at("/entry/0/resource/identifier/0/system").asText())
        .isEqualTo("https://fhir.yiyang.org/sid/demo-no/F1");
    assertThat(catalog.flows()).extracting(RecordFlowDefinition::path).containsExactly("demos");
  }

  @Test
  void aMissingFieldIsNamedWithTheFile() {
    ObjectNode broken = descriptor();
    broken.remove("legalBasis");
    assertThatThrownBy(() -> CatalogDefinitionErrorsTest.load(tree(broken)))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("mappings/flows/demo/flow.json")
        .hasMessageContaining("legalBasis");
  }

  @Test
  void aValueOutsideTheRuleIsNamedWithTheFile() {
    ObjectNode broken = descriptor();
    broken.put("legalBasis", "legitimate-interest");
    ((ObjectNode) broken.get("readBack")).putArray("include").add("observation-based-on");
    assertThatThrownBy(() -> CatalogDefinitionErrorsTest.load(tree(broken)))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("mappings/flows/demo/flow.json")
        .hasMessageContaining("legalBasis")
        .hasMessageContaining("readBack.include[0]");
  }

  @Test
  void orderingByResidentNeedsARegisteredResident() {
    ObjectNode broken = descriptor();
    broken.put("orderingKey", "resident");
    assertThatThrownBy(() -> CatalogDefinitionErrorsTest.load(tree(broken)))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("mappings/flows/demo/flow.json")
        .hasMessageContaining("requiresResident");
  }

  @Test
  void aMappingTheIndexDoesNotHoldIsNamed() {
    ObjectNode broken = descriptor();
    broken.put("fromFhir", "observation-to-nothing");
    assertThatThrownBy(() -> CatalogDefinitionErrorsTest.load(tree(broken)))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("mappings/flows/demo/flow.json")
        .hasMessageContaining("fromFhir");
  }

  @Test
  void recordNoSystemOutsideAFlowIsCaughtAtLoad() {
    Map<String, String> files = tree(descriptor());
    files.put(
        "mappings/index.json",
        "{\"mappings\": [\"flows/demo/to-fhir/demo-to-observation\"], \"conceptMaps\": []}");
    assertThatThrownBy(() -> CatalogDefinitionErrorsTest.load(files))
        .isInstanceOf(MappingDefinitionException.class)
        .hasMessageContaining("demo-to-observation/mapping.jsonata")
        .hasMessageContaining("$recordNoSystem");
  }

  private static ObjectNode descriptor() {
    ObjectNode d = Cases.JSON.createObjectNode();
    d.put("name", "demo");
    d.put("path", "demos");
    d.put("exchangeFormat", "docs/exchange-format/demo-v1.md");
    d.put("toFhir", "demo-to-observation");
    d.put("fromFhir", "observation-to-demo");
    d.put("recordNoField", "demoNo");
    d.put("identifierSystem", "https://fhir.yiyang.org/sid/demo-no/");
    d.put("focus", "Observation");
    ObjectNode readBack = d.putObject("readBack");
    readBack.putArray("include");
    readBack.putArray("iterate");
    d.put("orderingKey", "record");
    d.put("requiresResident", false);
    d.put("legalBasis", "consent");
    ObjectNode roundTrip = d.putObject("roundTrip");
    roundTrip.putArray("notCarried");
    roundTrip.putArray("readOnly");
    return d;
  }

  /** One flow kept in one folder: descriptor and both mappings under {@code flows/demo/}. */
  private static Map<String, String> tree(JsonNode descriptor) {
    String base = "mappings/flows/demo/";
    Map<String, String> files = new HashMap<>();
    files.put(
        "mappings/index.json",
        """
        {"mappings": ["flows/demo/to-fhir/demo-to-observation",
                      "flows/demo/from-fhir/observation-to-demo"],
         "conceptMaps": [], "flows": ["flows/demo"]}
        """);
    files.put(MappingCatalog.FLOW_SCHEMA, realResource(MappingCatalog.FLOW_SCHEMA));
    files.put(base + "flow.json", descriptor.toString());
    for (String mapping : List.of("to-fhir/demo-to-observation", "from-fhir/observation-to-demo")) {
      files.put(base + mapping + "/source.schema.json", SCHEMA);
      files.put(
          base + mapping + "/mapping.jsonata", mapping.startsWith("to-") ? TO_FHIR : FROM_FHIR);
    }
    return files;
  }

  private static String realResource(String name) {
    try (InputStream in = FlowDefinitionsTest.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode sample(String mappingId) throws IOException {
    return Cases.JSON.readTree(
        Files.readString(
            Path.of("src/main/resources/mappings/to-fhir")
                .resolve(mappingId)
                .resolve("sample.json")));
  }
}
