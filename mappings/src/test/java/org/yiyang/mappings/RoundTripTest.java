package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Date;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.yiyang.profiles.Fhir;

/**
 * Facility record → Bundle → Patient as a FHIR server returns it → facility record: every field the
 * schema defines survives, except facilityName, which the Patient does not carry.
 */
class RoundTripTest {

  @TestFactory
  Stream<DynamicTest> roundTrips() {
    return Cases.toFhirSuccesses().stream()
        .map(c -> DynamicTest.dynamicTest(c.toString(), () -> roundTrip(c)));
  }

  private void roundTrip(Cases.Case c) throws Exception {
    MappingCatalog catalog = Cases.catalog();
    JsonNode record = c.input();
    JsonNode bundle = catalog.get("resident-to-patient").checkAndApply(record);

    JsonNode patientJson = null;
    for (JsonNode entry : bundle.path("entry")) {
      if (entry.path("resource").path("resourceType").asText().equals("Patient")) {
        patientJson = entry.get("resource");
      }
    }
    assertThat(patientJson).as("the Bundle holds a Patient").isNotNull();

    // What a server stores and returns: a version, a timestamp, and a server-side reference.
    Patient stored = (Patient) Cases.parse(patientJson);
    stored.getMeta().setVersionId("1").setLastUpdated(new Date());
    stored.getManagingOrganization().setReference("Organization/x");
    JsonNode readBack =
        Cases.JSON.readTree(Fhir.r4().newJsonParser().encodeResourceToString(stored));

    JsonNode back = catalog.get("patient-to-resident").checkAndApply(readBack);

    ObjectNode expected = record.deepCopy();
    expected.remove("facilityName");
    assertThat(back).as("round trip of " + c).isEqualTo(expected);
  }
}
