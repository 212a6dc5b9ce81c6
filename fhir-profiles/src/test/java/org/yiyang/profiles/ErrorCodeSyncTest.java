package org.yiyang.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.junit.jupiter.api.Test;

/** The published CodeSystem gateway-error and the enum ErrorCode are the same list. */
class ErrorCodeSyncTest {

  @Test
  void enumAndCodeSystemAgree() {
    CodeSystem cs = ConformancePackage.load().codeSystem(Canonical.CS_ERROR).orElseThrow();
    Map<String, ConceptDefinitionComponent> concepts =
        cs.getConcept().stream()
            .collect(Collectors.toMap(ConceptDefinitionComponent::getCode, Function.identity()));
    assertThat(concepts.keySet())
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());
    for (ErrorCode error : ErrorCode.values()) {
      ConceptDefinitionComponent concept = concepts.get(error.code());
      assertThat(concept.getDisplay()).as(error.code()).isEqualTo(error.display());
      assertThat(property(concept, "http-status").primitiveValue())
          .isEqualTo(String.valueOf(error.httpStatus()));
      assertThat(property(concept, "issue-type").primitiveValue())
          .isEqualTo(error.issueType().toCode());
    }
  }

  private static org.hl7.fhir.r4.model.Type property(
      ConceptDefinitionComponent concept, String code) {
    return concept.getProperty().stream()
        .filter(p -> p.getCode().equals(code))
        .findFirst()
        .orElseThrow()
        .getValue();
  }
}
