package org.yiyang.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.io.IOException;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProfilesTest {

  static Stream<StructureDefinition> structureDefinitions() {
    return ConformancePackage.load().structureDefinitions().stream();
  }

  @Test
  void packageLoadsThroughNpmPackageValidationSupportFromTheClasspath() throws IOException {
    NpmPackageValidationSupport support = new NpmPackageValidationSupport(Fhir.r4());
    support.loadPackageFromClasspath(Canonical.PACKAGE_CLASSPATH);
    assertThat(support.fetchStructureDefinition(Canonical.PATIENT_PROFILE)).isNotNull();
    assertThat(support.fetchCodeSystem(Canonical.CS_GB_DIVISION)).isNotNull();
    ConformancePackage pkg = ConformancePackage.load();
    assertThat(support.fetchAllConformanceResources())
        .hasSize(
            pkg.structureDefinitions().size() + pkg.codeSystems().size() + pkg.valueSets().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("structureDefinitions")
  void isADifferentialConstraint(StructureDefinition sd) {
    assertThat(sd.getDerivation()).isEqualTo(StructureDefinition.TypeDerivationRule.CONSTRAINT);
    assertThat(sd.hasSnapshot()).isFalse();
    assertThat(sd.getDifferential().getElement()).isNotEmpty();
    assertThat(sd.getDescription()).isNotBlank();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("structureDefinitions")
  void snapshotGeneratesWithoutErrors(StructureDefinition sd) {
    StructureDefinition snapshot = snapshot(sd);
    assertThat(snapshot.getSnapshot().getElement()).isNotEmpty();
    // Every differential element id is present in the snapshot.
    for (ElementDefinition diff : sd.getDifferential().getElement()) {
      assertThat(snapshot.getSnapshot().getElement())
          .as("%s in snapshot of %s", diff.getId(), sd.getId())
          .anySatisfy(e -> assertThat(e.getId()).isEqualTo(diff.getId()));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("structureDefinitions")
  void everyBindingPointsAtAKnownValueSet(StructureDefinition sd) {
    IValidationSupport support = RegionalValidator.shared().validationSupport();
    for (ElementDefinition element : snapshot(sd).getSnapshot().getElement()) {
      if (element.hasBinding() && element.getBinding().hasValueSet()) {
        String url = element.getBinding().getValueSet().split("\\|")[0];
        assertThat(support.fetchValueSet(url))
            .as("ValueSet %s bound at %s in %s", url, element.getId(), sd.getId())
            .isNotNull();
      }
    }
  }

  @Test
  void patientProfileMatchesTheResidentContract() {
    StructureDefinition snapshot =
        snapshot(ConformancePackage.load().profile(Canonical.PATIENT_PROFILE).orElseThrow());
    assertThat(element(snapshot, "Patient.birthDate").getMin()).isEqualTo(1);
    assertThat(element(snapshot, "Patient.gender").getMin()).isEqualTo(1);
    assertThat(element(snapshot, "Patient.name").getMin()).isEqualTo(1);
    assertThat(element(snapshot, "Patient.managingOrganization").getMin()).isEqualTo(1);
    ElementDefinition citizenId = element(snapshot, "Patient.identifier:citizenId.value");
    assertThat(citizenId.getMaxLength()).isEqualTo(18);
    assertThat(citizenId.getConstraint())
        .anySatisfy(c -> assertThat(c.getExpression()).contains("[0-9]{17}[0-9X]"));
    assertThat(element(snapshot, "Patient.identifier:citizenId.system").getFixed().primitiveValue())
        .isEqualTo(Canonical.SID_CITIZEN_ID);
    assertThat(element(snapshot, "Patient.identifier").getSlicing().getDiscriminatorFirstRep())
        .satisfies(d -> assertThat(d.getPath()).isEqualTo("type"));
  }

  static StructureDefinition snapshot(StructureDefinition differential) {
    IValidationSupport chain = RegionalValidator.shared().validationSupport();
    return (StructureDefinition)
        new SnapshotGeneratingValidationSupport(Fhir.r4())
            .generateSnapshot(
                new ValidationSupportContext(chain),
                differential.copy(),
                differential.getUrl(),
                Canonical.BASE,
                differential.getName());
  }

  static ElementDefinition element(StructureDefinition sd, String id) {
    return sd.getSnapshot().getElement().stream()
        .filter(e -> e.getId().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no element " + id + " in " + sd.getId()));
  }
}
