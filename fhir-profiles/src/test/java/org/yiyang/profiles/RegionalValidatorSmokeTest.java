package org.yiyang.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class RegionalValidatorSmokeTest {

  @Test
  void packageLoadsAndValidatorReportsCoreErrors() {
    assertThat(ConformancePackage.load().id()).isEqualTo(Canonical.PACKAGE_ID);
    Patient patient = new Patient();
    patient.addName().setText("x");
    patient.getMeta().addProfile(Canonical.BASE + "/StructureDefinition/no-such-profile");
    assertThat(RegionalValidator.shared().errors(patient))
        .anySatisfy(issue -> assertThat(issue.message()).contains("no-such-profile"));
  }
}
