package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Invariants over the output of every to-fhir golden case: fullUrls and resource ids are unique,
 * every reference inside the Bundle resolves to a fullUrl in it, each PUT targets its own id, and a
 * PATCH only ever targets the resident's Patient.
 */
class BundleInvariantsTest {

  @TestFactory
  Stream<DynamicTest> invariants() {
    return Cases.toFhirSuccesses().stream()
        .map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
  }

  private void check(Cases.Case c) {
    JsonNode bundle = Cases.catalog().get(c.mappingId()).apply(c.input());
    assertThat(bundle.path("resourceType").asText()).isEqualTo("Bundle");
    assertThat(bundle.path("type").asText()).isEqualTo("transaction");
    Set<String> fullUrls = new HashSet<>();
    Set<String> ids = new HashSet<>();
    List<String> patched = new ArrayList<>();
    for (JsonNode entry : bundle.path("entry")) {
      if (entry.path("request").path("method").asText().equals("PATCH")) {
        // A FHIRPath Patch of the resident (stay events): a Parameters body, no fullUrl, and only
        // ever the resident's own Patient (checked below with the other Patient references).
        assertThat(entry.has("fullUrl")).as("a PATCH entry has no fullUrl").isFalse();
        assertThat(entry.path("resource").path("resourceType").asText()).isEqualTo("Parameters");
        patched.add(entry.path("request").path("url").asText());
        continue;
      }
      String fullUrl = entry.path("fullUrl").asText();
      assertThat(fullUrl).as("fullUrl").startsWith("urn:uuid:");
      assertThat(fullUrls.add(fullUrl)).as("unique fullUrl " + fullUrl).isTrue();
      JsonNode resource = entry.path("resource");
      String type = resource.path("resourceType").asText();
      if (resource.has("id")) {
        assertThat(ids.add(type + "/" + resource.get("id").asText())).as("unique id").isTrue();
      }
      JsonNode request = entry.path("request");
      switch (request.path("method").asText()) {
        case "PUT" ->
            assertThat(request.path("url").asText())
                .isEqualTo(type + "/" + resource.path("id").asText());
        case "POST" -> {
          assertThat(request.path("url").asText()).isEqualTo(type);
          assertThat(resource.has("id")).as("POST resources carry no id").isFalse();
        }
        default -> throw new AssertionError("unexpected request " + request);
      }
    }
    // A reference to a contained resource ("#med-1") resolves inside its own resource.
    for (JsonNode entry : bundle.path("entry")) {
      List<String> local = new ArrayList<>();
      collectReferences(entry.path("resource"), local);
      Set<String> contained = new HashSet<>();
      entry
          .path("resource")
          .path("contained")
          .forEach(r -> contained.add("#" + r.path("id").asText()));
      assertThat(local.stream().filter(r -> r.startsWith("#")).toList())
          .as("contained references resolve")
          .allMatch(contained::contains);
    }
    List<String> references = new ArrayList<>();
    collectReferences(bundle, references);
    references.removeIf(r -> r.startsWith("#"));
    assertThat(references).as("references").isNotEmpty();
    // Record flows refer to the resident that resident-to-patient wrote, by the id it gave it, and
    // never write a Patient themselves; every other reference resolves inside the Bundle.
    JsonNode input = c.input();
    String resident =
        input.has("facilityCode") && input.has("residentNo")
            ? "Patient/"
                + MappingFunctions.resourceId(
                    TestKeys.ID_KEY,
                    "res-",
                    List.of(input.get("facilityCode").asText(), input.get("residentNo").asText()))
            : null;
    if (references.contains(resident)) {
      assertThat(ids)
          .as("a record flow never writes the Patient")
          .noneMatch(id -> id.startsWith("Patient/"));
    }
    // Besides the resident, two references may point outside by design: a consultation's Consent
    // on the platform (the facility names it), and the consultation a batch of material belongs
    // to, by the id consultation-to-servicerequest gave its request.
    Set<String> outside = new HashSet<>();
    if (resident != null) {
      outside.add(resident);
    }
    if (input.path("consent").path("reference").isTextual()) {
      outside.add(input.path("consent").path("reference").asText());
    }
    if (input.has("facilityCode") && input.has("consultationNo") && input.has("materialNo")) {
      outside.add(
          "ServiceRequest/"
              + MappingFunctions.resourceId(
                  TestKeys.ID_KEY,
                  "con-",
                  List.of(
                      input.get("facilityCode").asText(),
                      input.get("consultationNo").asText(),
                      "service-request")));
    }
    assertThat(references.stream().filter(r -> !outside.contains(r)).toList())
        .as("every other reference resolves inside the Bundle")
        .allMatch(fullUrls::contains);
    assertThat(references.stream().filter(r -> r.startsWith("Patient/")).toList())
        .as("the only Patient reference is the resident's deterministic id")
        .allMatch(r -> r.equals(resident));
    assertThat(patched)
        .as("the only resource patched is the resident's Patient")
        .allMatch(r -> r.equals(resident));
  }

  private static void collectReferences(JsonNode node, List<String> into) {
    if (node.isObject()) {
      JsonNode reference = node.get("reference");
      if (reference != null && reference.isTextual()) {
        into.add(reference.asText());
      }
    }
    node.forEach(child -> collectReferences(child, into));
  }
}
