package org.yiyang.profiles.validation;

import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.fhirpath.IHostApplicationServices;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManager;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;

/**
 * An {@link InstanceValidator} meant to serve many validations, one at a time. The core validator
 * resets most of its per-run state itself; the one set it does not reset that can change a message
 * (the "depends on a deprecated/retired definition" hints, reported once per instance) is cleared
 * here before each run, so every run reports what a fresh instance would.
 */
final class ReusableInstanceValidator extends InstanceValidator {

  private int runs;

  ReusableInstanceValidator(
      IWorkerContext context,
      IHostApplicationServices hostServices,
      XVerExtensionManager xverManager,
      ValidatorSession session,
      ValidatorSettings settings) {
    super(context, hostServices, xverManager, session, settings);
  }

  /** Called before each validation run: resets what the core keeps between runs. */
  void beginRun() {
    statusWarnings.clear();
    runs++;
  }

  /** How many runs this instance has started. */
  int runsStarted() {
    return runs;
  }
}
