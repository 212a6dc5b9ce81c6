package org.yiyang.profiles.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.support.IValidationSupport;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r5.elementmodel.Element;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ConformancePackage;
import org.yiyang.profiles.Fhir;
import org.yiyang.profiles.RegionalValidator;

/**
 * A reused core validator lets go of each resource it has validated: the element tree of an earlier
 * run must be collectable once the next run has begun. The control case shows what the core does on
 * its own (ADR 0032, U8), so the main case cannot pass for want of a way to see retention.
 */
class ReusableInstanceValidatorTest {

  private PooledInstanceValidator pool;
  private List<StructureDefinition> profiles;
  private byte[] patient;

  @BeforeEach
  void setUp() {
    IValidationSupport chain = RegionalValidator.shared().validationSupport();
    pool = new PooledInstanceValidator(new FhirInstanceValidator(chain), chain, 1);
    profiles =
        List.of(
            pool.workerContext()
                .fetchResource(StructureDefinition.class, Canonical.PATIENT_PROFILE));
    IBaseResource example =
        ConformancePackage.load().examples().stream()
            .filter(Patient.class::isInstance)
            .findFirst()
            .orElseThrow();
    patient =
        Fhir.r4().newJsonParser().encodeResourceToString(example).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anEarlierResourceIsCollectableAfterTheNextRun() throws InterruptedException {
    ReusableInstanceValidator validator = pool.newValidator();

    WeakReference<Element> first = run(validator, true);
    run(validator, true);

    assertThat(collected(first)).as("the first run's element tree was collected").isTrue();
  }

  @Test
  void control_theCoreAloneKeepsEveryResourceItSawACodingIn() throws InterruptedException {
    ReusableInstanceValidator validator = pool.newValidator();

    WeakReference<Element> first = run(validator, false);
    run(validator, false);

    assertThat(collected(first))
        .as(
            "the core's coding observer still holds the first run's tree; if this fails, the core"
                + " has fixed U8 and ReusableInstanceValidator.endRun can stop reaching into it")
        .isFalse();
  }

  /** One run as the pool does it; returns a weak handle on the validated element tree. */
  private WeakReference<Element> run(ReusableInstanceValidator validator, boolean endRun) {
    List<ValidationMessage> errors = new ArrayList<>();
    validator.beginRun();
    validator.validateJson(null, errors, patient, profiles);
    WeakReference<Element> tree =
        new WeakReference<>(validator.validatedContent.get(0).getElement());
    assertThat(errors)
        .filteredOn(m -> m.getLevel() == ValidationMessage.IssueSeverity.ERROR)
        .as("the package's example Patient is valid")
        .isEmpty();
    if (endRun) {
      validator.endRun();
    } else {
      validator.validatedContent = null;
    }
    return tree;
  }

  private static boolean collected(WeakReference<?> reference) throws InterruptedException {
    for (int i = 0; i < 20 && reference.get() != null; i++) {
      System.gc();
      Thread.sleep(20);
    }
    return reference.get() == null;
  }
}
