package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yiyang.profiles.Fhir;

/**
 * Facility record → Bundle → what a FHIR server returns → facility record: every field the schema
 * defines survives, except the fields listed in {@link #NOT_CARRIED} for each mapping (each one
 * documented in the mapping's README). The resident flow reads one Patient back; the record flows
 * read a searchset Bundle of the record's resources (one search, see {@link Cases#searchset}).
 */
class RoundTripTest {

  /**
   * Fields a mapping accepts and checks but cannot carry to FHIR, by to-FHIR mapping id: a record
   * flow's come from its descriptor ({@code roundTrip.notCarried} of {@code
   * flows/<name>/flow.json}; e.g. institutionName only names an Organization on its first
   * registration); the resident's facilityName likewise. Each one is documented in the mapping's
   * README.
   */
  static final Map<String, List<String>> NOT_CARRIED = notCarried();

  /**
   * Read-only fields: what the from-FHIR direction adds from the server's state (a referral's id,
   * status and history) and the to-FHIR direction accepts but does not map ({@code
   * roundTrip.readOnly} of a flow's descriptor). They are compared on neither side; the from-FHIR
   * golden cases check them.
   */
  static final Map<String, List<String>> READ_ONLY = readOnly();

  private static Map<String, List<String>> notCarried() {
    Map<String, List<String>> losses = new HashMap<>();
    losses.put("resident-to-patient", List.of("facilityName"));
    for (RecordFlowDefinition flow : Cases.catalog().flows()) {
      losses.put(flow.toFhir(), flow.notCarried());
    }
    return Map.copyOf(losses);
  }

  private static Map<String, List<String>> readOnly() {
    Map<String, List<String>> fields = new HashMap<>();
    for (RecordFlowDefinition flow : Cases.catalog().flows()) {
      fields.put(flow.toFhir(), flow.readOnly());
    }
    return Map.copyOf(fields);
  }

  @TestFactory
  Stream<DynamicTest> roundTrips() {
    return Cases.toFhirSuccesses().stream()
        .map(c -> DynamicTest.dynamicTest(c.toString(), () -> roundTrip(c)));
  }

  @Test
  void everyToFhirMappingHasAPairAndDeclaresItsLosses() {
    for (String id : Cases.catalog().ids()) {
      if (Cases.catalog().get(id).direction() == Direction.TO_FHIR) {
        assertThat(Cases.catalog().ids()).as("pair of " + id).contains(Cases.pairOf(id));
        assertThat(NOT_CARRIED).as("losses of " + id + " (may be empty)").containsKey(id);
      }
    }
  }

  private void roundTrip(Cases.Case c) throws Exception {
    MappingCatalog catalog = Cases.catalog();
    JsonNode record = c.input();
    JsonNode bundle = catalog.get(c.mappingId()).checkAndApply(record);
    JsonNode readBack =
        c.mappingId().equals("resident-to-patient")
            ? storedPatient(bundle)
            : Cases.searchset(bundle);

    JsonNode back = catalog.get(Cases.pairOf(c.mappingId())).checkAndApply(readBack);

    assertThat(comparable(c.mappingId(), back))
        .as("round trip of " + c)
        .isEqualTo(expected(c.mappingId(), record));
  }

  /** The record as it must come back: without what the mapping cannot carry or only reads. */
  static ObjectNode expected(String mappingId, JsonNode record) {
    ObjectNode expected = record.deepCopy();
    for (String field : NOT_CARRIED.get(mappingId)) {
      remove(expected, field);
    }
    for (String field : READ_ONLY.getOrDefault(mappingId, List.of())) {
      remove(expected, field);
    }
    return expected;
  }

  /** What came back, without the read-only fields of the mapping. */
  static ObjectNode comparable(String mappingId, JsonNode back) {
    ObjectNode actual = back.deepCopy();
    for (String field : READ_ONLY.getOrDefault(mappingId, List.of())) {
      remove(actual, field);
    }
    return actual;
  }

  /** The Patient as a server stores and returns it: a version, a timestamp, a server reference. */
  static JsonNode storedPatient(JsonNode bundle) throws Exception {
    JsonNode patientJson = null;
    for (JsonNode entry : bundle.path("entry")) {
      if (entry.path("resource").path("resourceType").asText().equals("Patient")) {
        patientJson = entry.get("resource");
      }
    }
    assertThat(patientJson).as("the Bundle holds a Patient").isNotNull();
    Patient stored = (Patient) Cases.parse(patientJson);
    stored.getMeta().setVersionId("1").setLastUpdated(new Date());
    stored.getManagingOrganization().setReference("Organization/x");
    return Cases.JSON.readTree(Fhir.r4().newJsonParser().encodeResourceToString(stored));
  }

  /**
   * Removes a dotted path, {@code []} after a name standing for each item of an array ({@code
   * attachments[].data}); an object left empty is removed too (the mappings return none).
   */
  private static void remove(ObjectNode node, String path) {
    int dot = path.indexOf('.');
    if (dot < 0) {
      node.remove(path);
      return;
    }
    String head = path.substring(0, dot);
    String rest = path.substring(dot + 1);
    if (head.endsWith("[]")) {
      if (node.get(head.substring(0, head.length() - 2))
          instanceof com.fasterxml.jackson.databind.node.ArrayNode items) {
        items.forEach(item -> remove((ObjectNode) item, rest));
      }
      return;
    }
    if (node.get(head) instanceof ObjectNode child) {
      remove(child, rest);
      if (child.isEmpty()) {
        node.remove(head);
      }
    }
  }
}
