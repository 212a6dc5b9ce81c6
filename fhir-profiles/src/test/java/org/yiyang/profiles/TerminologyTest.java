package org.yiyang.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.context.support.ValueSetExpansionOptions;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TerminologyTest {

  private final ConformancePackage pkg = ConformancePackage.load();

  static Stream<String> valueSetUrls() {
    return ConformancePackage.load().valueSets().stream().map(ValueSet::getUrl);
  }

  @ParameterizedTest
  @MethodSource("valueSetUrls")
  void everyValueSetExpandsInMemory(String url) {
    IValidationSupport support = RegionalValidator.shared().validationSupport();
    ValueSet valueSet = pkg.valueSet(url).orElseThrow();
    IValidationSupport.ValueSetExpansionOutcome outcome =
        support.expandValueSet(
            new ValidationSupportContext(support),
            new ValueSetExpansionOptions().setCount(10_000),
            valueSet);
    assertThat(outcome).isNotNull();
    assertThat(outcome.getError()).isNull();
    ValueSet expansion = (ValueSet) outcome.getValueSet();
    assertThat(expansion.getExpansion().getContains()).isNotEmpty();
    // A ValueSet that includes a whole package CodeSystem expands to all of its codes.
    valueSet.getCompose().getInclude().stream()
        .filter(inc -> !inc.hasFilter() && !inc.hasConcept())
        .findFirst()
        .flatMap(inc -> pkg.codeSystem(inc.getSystem()))
        .ifPresent(
            cs -> assertThat(expansion.getExpansion().getContains()).hasSize(totalConcepts(cs)));
  }

  @Test
  void isAFilterExpandsToTheSubtree() {
    IValidationSupport support = RegionalValidator.shared().validationSupport();
    var outcome =
        support.expandValueSet(
            new ValidationSupportContext(support),
            null,
            pkg.valueSet(Canonical.VS_ORGANIZATION_TYPE_ELDERCARE).orElseThrow());
    assertThat(((ValueSet) outcome.getValueSet()).getExpansion().getContains())
        .extracting(ValueSet.ValueSetExpansionContainsComponent::getCode)
        .containsExactlyInAnyOrder(
            "eldercare-facility",
            "nursing-home",
            "welfare-home",
            "community-home-care-center",
            "day-care-center",
            "integrated-care-institution");
  }

  @Test
  void nationalCodeListsAreComplete() {
    assertThat(totalConcepts(pkg.codeSystem(Canonical.CS_GB_ETHNICITY).orElseThrow()))
        .isEqualTo(56);
    assertThat(pkg.hasCode(Canonical.CS_GB_ETHNICITY, "56")).isTrue();
    assertThat(pkg.display(Canonical.CS_GB_ETHNICITY, "01")).contains("汉族");
    assertThat(pkg.hasCode(Canonical.CS_GB_ETHNICITY, "57")).isFalse();
    for (String code : new String[] {"10", "20", "21", "22", "23", "30", "40", "90"}) {
      assertThat(pkg.hasCode(Canonical.CS_GB_MARITAL, code)).as(code).isTrue();
    }
    assertThat(totalConcepts(pkg.codeSystem(Canonical.CS_GB_MARITAL).orElseThrow())).isEqualTo(8);
    assertThat(totalConcepts(pkg.codeSystem(Canonical.CS_GB_SEX).orElseThrow())).isEqualTo(4);
  }

  @Test
  void divisionsCoverTheWholeCountryNestedByLevel() {
    CodeSystem divisions = pkg.codeSystem(Canonical.CS_GB_DIVISION).orElseThrow();
    assertThat(totalConcepts(divisions)).isBetween(3300, 3700);
    assertThat(divisions.getConcept()).hasSize(34);
    for (String code : new String[] {"140000", "330000", "330300", "330302", "331000", "370406"}) {
      assertThat(pkg.hasCode(Canonical.CS_GB_DIVISION, code)).as(code).isTrue();
    }
    assertThat(pkg.display(Canonical.CS_GB_DIVISION, "330302")).contains("鹿城区");
    assertThat(pkg.display(Canonical.CS_GB_DIVISION, "370406")).contains("山亭区");
    CodeSystem.ConceptDefinitionComponent zhejiang =
        divisions.getConcept().stream().filter(c -> c.getCode().equals("330000")).findFirst().get();
    CodeSystem.ConceptDefinitionComponent wenzhou =
        zhejiang.getConcept().stream().filter(c -> c.getCode().equals("330300")).findFirst().get();
    assertThat(wenzhou.getConcept())
        .extracting(CodeSystem.ConceptDefinitionComponent::getCode)
        .contains("330302");
    assertThat(pkg.hasCode(Canonical.CS_GB_DIVISION, "339999")).isFalse();
  }

  @Test
  void hasCodeIsFalseForUnknownSystems() {
    assertThat(pkg.hasCode(Canonical.CS + "nope", "1")).isFalse();
    assertThat(pkg.hasCode(Canonical.CS_GB_SEX, null)).isFalse();
  }

  @Test
  void validatorChecksCodesAgainstPackageCodeSystems() {
    IValidationSupport support = RegionalValidator.shared().validationSupport();
    ValidationSupportContext ctx = new ValidationSupportContext(support);
    var ok =
        support.validateCode(
            ctx,
            new ca.uhn.fhir.context.support.ConceptValidationOptions(),
            Canonical.CS_GB_MARITAL,
            "21",
            null,
            Canonical.VS_GB_MARITAL);
    assertThat(ok).isNotNull();
    assertThat(ok.isOk()).isTrue();
    var bad =
        support.validateCode(
            ctx,
            new ca.uhn.fhir.context.support.ConceptValidationOptions(),
            Canonical.CS_GB_MARITAL,
            "50",
            null,
            Canonical.VS_GB_MARITAL);
    assertThat(bad == null || !bad.isOk()).isTrue();
  }

  static int totalConcepts(CodeSystem cs) {
    return count(cs.getConcept());
  }

  private static int count(java.util.List<CodeSystem.ConceptDefinitionComponent> concepts) {
    int n = 0;
    for (CodeSystem.ConceptDefinitionComponent c : concepts) {
      n += 1 + count(c.getConcept());
    }
    return n;
  }
}
