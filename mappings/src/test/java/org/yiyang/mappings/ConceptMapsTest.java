package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.junit.jupiter.api.Test;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.RegionalValidator;

/** The ConceptMaps are valid FHIR, complete over their source CodeSystems, and strict. */
class ConceptMapsTest {

  private final ConceptMapRegistry registry = Cases.catalog().conceptMaps();

  @Test
  void everyConceptMapIsValidFhir() {
    for (String url : registry.urls()) {
      assertThat(RegionalValidator.shared().errors(registry.conceptMap(url)))
          .as("errors of " + url)
          .isEmpty();
    }
  }

  @Test
  void everyCodeOfAPackageSourceSystemHasATranslation() {
    for (String url : registry.urls()) {
      ConceptMap map = registry.conceptMap(url);
      String source = map.getGroupFirstRep().getSource();
      CodeSystem codeSystem = Cases.conformance().codeSystem(source).orElseThrow();
      codeSystem.getConcept().forEach(c -> checkTranslates(url, c));
      for (ConceptMapGroupComponent group : map.getGroup()) {
        group
            .getElement()
            .forEach(
                e ->
                    assertThat(Cases.conformance().hasCode(group.getSource(), e.getCode()))
                        .as(url + " maps code " + e.getCode() + " of " + group.getSource())
                        .isTrue());
      }
    }
  }

  private void checkTranslates(String url, CodeSystem.ConceptDefinitionComponent concept) {
    assertThat(registry.translate(concept.getCode(), url, "f").code())
        .as(url + " translates " + concept.getCode())
        .isNotBlank();
    concept.getConcept().forEach(c -> checkTranslates(url, c));
  }

  @Test
  void translationsFollowTheContract() {
    String sex = Canonical.CM + "gb-sex-to-fhir-gender";
    assertThat(registry.translate("0", sex, "f").code()).isEqualTo("unknown");
    assertThat(registry.translate("1", sex, "f").code()).isEqualTo("male");
    assertThat(registry.translate("2", sex, "f").code()).isEqualTo("female");
    assertThat(registry.translate("9", sex, "f").code()).isEqualTo("unknown");
    String marital = Canonical.CM + "gb-marital-to-v3";
    assertThat(registry.translate("10", marital, "f").code()).isEqualTo("U");
    for (String married : new String[] {"20", "21", "22", "23"}) {
      assertThat(registry.translate(married, marital, "f").code()).isEqualTo("M");
    }
    assertThat(registry.translate("30", marital, "f").code()).isEqualTo("W");
    assertThat(registry.translate("40", marital, "f").code()).isEqualTo("D");
    ConceptMapRegistry.Coding unknown = registry.translate("90", marital, "f");
    assertThat(unknown.code()).isEqualTo("UNK");
    assertThat(unknown.system()).isEqualTo("http://terminology.hl7.org/CodeSystem/v3-NullFlavor");
  }

  @Test
  void reverseTranslationIsExactOrRefused() {
    String sex = Canonical.CM + "gb-sex-to-fhir-gender";
    assertThat(registry.translateReverse("female", sex, "gender").code()).isEqualTo("2");
    // unknown comes from 0 (equivalent) and 9 (wider): the equivalent one wins.
    assertThat(registry.translateReverse("unknown", sex, "gender").code()).isEqualTo("0");
    String marital = Canonical.CM + "gb-marital-to-v3";
    assertThat(registry.translateReverse("M", marital, "maritalStatus").code()).isEqualTo("20");
    assertThatThrownBy(() -> registry.translateReverse("other", sex, "gender"))
        .isInstanceOfSatisfying(
            MappingException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.UNMAPPED_CODE);
              assertThat(e.issues().get(0).field()).isEqualTo("gender");
              assertThat(e.getMessage()).contains("http://hl7.org/fhir/administrative-gender");
            });
  }

  @Test
  void unmappedForwardCodeNamesFieldAndCodeSystem() {
    assertThatThrownBy(
            () -> registry.translate("5", Canonical.CM + "gb-sex-to-fhir-gender", "genderCode"))
        .isInstanceOfSatisfying(
            MappingException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.UNMAPPED_CODE);
              assertThat(e.issues().get(0).field()).isEqualTo("genderCode");
              assertThat(e.getMessage()).contains(Canonical.CS_GB_SEX).contains("genderCode");
            });
  }
}
