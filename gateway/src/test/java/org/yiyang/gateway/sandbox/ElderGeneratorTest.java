package org.yiyang.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yiyang.mappings.MappingCatalog;
import org.yiyang.mappings.ResourceIdKey;
import org.yiyang.mappings.SourceIssue;
import org.yiyang.profiles.rules.CitizenId;
import org.yiyang.profiles.rules.Divisions;
import org.yiyang.profiles.rules.Uscc;

/**
 * Generated elders pass the gateway's own source checks and mappings, and each broken kind is
 * refused for the reason its label states.
 */
class ElderGeneratorTest {

  private static MappingCatalog catalog;

  @BeforeAll
  static void loadMappings() {
    catalog =
        MappingCatalog.loadFromClasspath(
            ResourceIdKey.of("sandbox-test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aThousandEldersPassTheGatewaysChecksAndMap() {
    ElderGenerator generator = new ElderGenerator(42, "33", null);
    List<String> failures = new ArrayList<>();
    int followUps = 0;
    int minorities = 0;
    for (SyntheticElder elder : generator.elders(1000)) {
      check("resident-to-patient", elder.resident(), failures);
      check("assessment-to-observations", elder.assessment(), failures);
      check("checkup-to-report", elder.checkup(), failures);
      for (ObjectNode followUp : elder.followUps()) {
        check("followup-to-careplan", followUp, failures);
        followUps++;
      }
      ObjectNode resident = elder.resident();
      String id = resident.get("idCardNo").asText();
      assertThat(CitizenId.isValid(id)).isTrue();
      assertThat(CitizenId.gbSexCode(id)).contains(resident.get("genderCode").asText());
      assertThat(CitizenId.birthDate(id).orElseThrow())
          .isBeforeOrEqualTo(ElderGenerator.AS_OF.minusYears(65));
      assertThat(Divisions.of(id.substring(0, 6))).isPresent();
      assertThat(id).startsWith("33");
      assertThat(Uscc.isValid(resident.get("facilityCode").asText())).isTrue();
      if (resident.get("name").asText().contains("·")) {
        minorities++;
      }
    }
    assertThat(failures).isEmpty();
    assertThat(followUps).isPositive();
    assertThat(minorities).isPositive();
  }

  @Test
  void eachBrokenKindIsRefusedWithItsCodeAndField() {
    ElderGenerator generator = new ElderGenerator(7, "330302", null);
    List<InvalidRecord> records = generator.invalidResidents();
    assertThat(records).extracting(InvalidRecord::kind).containsExactly(InvalidKind.values());
    for (InvalidRecord record : records) {
      List<SourceIssue> issues = catalog.get("resident-to-patient").checkSource(record.resident());
      assertThat(issues)
          .as(record.kind().name())
          .anySatisfy(
              issue -> {
                assertThat(issue.code()).isEqualTo(record.kind().expectedCode());
                assertThat(issue.field()).isEqualTo(record.kind().expectedField());
              });
    }
  }

  @Test
  void theSameSeedGivesTheSameElders() {
    String first = new ElderGenerator(99, "3303", null).elders(20).toString();
    assertThat(new ElderGenerator(99, "3303", null).elders(20).toString()).isEqualTo(first);
    assertThat(new ElderGenerator(100, "3303", null).elders(20).toString()).isNotEqualTo(first);
  }

  @Test
  void aDivisionPrefixAndAFacilityAreHonoured() {
    String facility = "52330300MJ8712345N";
    for (SyntheticElder elder : new ElderGenerator(1, "330302", facility).elders(50)) {
      assertThat(elder.resident().get("idCardNo").asText()).startsWith("330302");
      assertThat(elder.resident().at("/address/divisionCode").asText()).isEqualTo("330302");
      assertThat(elder.checkup().get("facilityCode").asText()).isEqualTo(facility);
    }
    assertThatThrownBy(() -> new ElderGenerator(1, "999999", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("division");
    assertThatThrownBy(() -> new ElderGenerator(1, "3303", "52330300MJ8712345A"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("facilityCode");
  }

  private static void check(String mappingId, JsonNode record, List<String> failures) {
    List<SourceIssue> issues = catalog.get(mappingId).checkSource(record);
    if (!issues.isEmpty()) {
      failures.add(mappingId + " " + issues);
      return;
    }
    JsonNode fhir = catalog.get(mappingId).apply(record);
    if (fhir == null || fhir.isEmpty()) {
      failures.add(mappingId + " mapped to nothing");
    }
  }
}
