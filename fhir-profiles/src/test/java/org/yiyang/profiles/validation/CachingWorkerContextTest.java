package org.yiyang.profiles.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.model.ValueSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yiyang.profiles.Fhir;

/**
 * What {@link CachingWorkerContext} remembers, counted at the support it wraps: found definitions
 * and unknown URLs are asked of it once, unknown URLs only up to the bound, and the answers are the
 * ones the support gives.
 */
class CachingWorkerContextTest {

  private static final String PATIENT = "http://hl7.org/fhir/StructureDefinition/Patient";

  private CountingSupport support;
  private CachingWorkerContext context;

  @BeforeEach
  void setUp() {
    support = new CountingSupport(Fhir.r4());
    context = new CachingWorkerContext(support);
  }

  @Test
  void aFoundDefinitionIsAskedOnceAndIsTheSameObjectAfterwards() {
    StructureDefinition first = context.fetchResource(StructureDefinition.class, PATIENT);
    StructureDefinition again = context.fetchResource(StructureDefinition.class, PATIENT);

    assertThat(first).isNotNull();
    assertThat(first.getUrl()).isEqualTo(PATIENT);
    assertThat(again).isSameAs(first);
    assertThat(support.asks(PATIENT)).isEqualTo(1);
    assertThat(context.size()).isEqualTo(1);
  }

  @Test
  void anUnknownUrlIsAskedOnceAndStaysUnknown() {
    String typeOfAPrimitivesValue =
        "http://hl7.org/fhir/StructureDefinition/http://hl7.org/fhirpath/System.String";
    String codeSystemAskedAsValueSet = "https://fhir.yiyang.org/CodeSystem/special-group";

    for (int i = 0; i < 5; i++) {
      assertThat(context.fetchResource(StructureDefinition.class, typeOfAPrimitivesValue)).isNull();
      assertThat(context.fetchResource(ValueSet.class, codeSystemAskedAsValueSet)).isNull();
    }

    assertThat(support.asks(typeOfAPrimitivesValue)).isEqualTo(1);
    assertThat(support.asks(codeSystemAskedAsValueSet)).isEqualTo(1);
    assertThat(context.absentSize()).isEqualTo(2);
    assertThat(context.size()).isZero();
  }

  @Test
  void anUnknownUrlIsRememberedPerTypeAndDoesNotHideADefinitionOfAnotherType() {
    assertThat(context.fetchResource(ValueSet.class, PATIENT)).isNull();

    assertThat(context.fetchResource(StructureDefinition.class, PATIENT)).isNotNull();
    assertThat(context.fetchResource(ValueSet.class, PATIENT)).isNull();
    assertThat(support.asks(PATIENT)).isEqualTo(2);
  }

  @Test
  void unknownUrlsBeyondTheBoundAreAskedEveryTime() {
    for (int i = 0; i < CachingWorkerContext.MAX_ABSENT + 10; i++) {
      context.fetchResource(StructureDefinition.class, "urn:junk:" + i);
    }
    String pastTheBound = "urn:junk:" + (CachingWorkerContext.MAX_ABSENT + 5);
    String withinTheBound = "urn:junk:7";

    context.fetchResource(StructureDefinition.class, pastTheBound);
    context.fetchResource(StructureDefinition.class, withinTheBound);

    assertThat(context.absentSize()).isEqualTo(CachingWorkerContext.MAX_ABSENT);
    assertThat(support.asks(pastTheBound)).isEqualTo(2);
    assertThat(support.asks(withinTheBound)).isEqualTo(1);
  }

  /** HAPI's core definitions, counting the asks per URL. */
  private static final class CountingSupport implements IValidationSupport {
    private final FhirContext fhir;
    private final DefaultProfileValidationSupport core;
    private final Map<String, Integer> asks = new ConcurrentHashMap<>();

    CountingSupport(FhirContext fhir) {
      this.fhir = fhir;
      this.core = new DefaultProfileValidationSupport(fhir);
    }

    int asks(String url) {
      return asks.getOrDefault(url, 0);
    }

    @Override
    public FhirContext getFhirContext() {
      return fhir;
    }

    @Override
    public <T extends IBaseResource> T fetchResource(Class<T> type, String url) {
      asks.merge(url, 1, Integer::sum);
      return core.fetchResource(type, url);
    }
  }
}
