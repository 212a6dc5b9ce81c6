package org.yiyang.profiles.validation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.elementmodel.JsonParser;
import org.hl7.fhir.r5.elementmodel.Manager.FhirFormat;
import org.hl7.fhir.r5.elementmodel.ParserBase.ValidationPolicy;
import org.hl7.fhir.r5.elementmodel.ValidatedFragment;
import org.hl7.fhir.r5.fhirpath.IHostApplicationServices;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.model.StructureDefinition.StructureDefinitionKind;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManager;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;

/**
 * An {@link InstanceValidator} meant to serve many validations, one at a time. The core validator
 * resets most of its per-run state itself; the one set it does not reset that can change a message
 * (the "depends on a deprecated/retired definition" hints, reported once per instance) is cleared
 * here before each run, so every run reports what a fresh instance would.
 *
 * <p>It also keeps its element-model JSON parser. The core's stream entry point builds a new parser
 * for every resource, and with it a {@code ProfileUtilities} (a new FHIRPath engine, and empty
 * child-map and property caches that the parse then fills again) and a {@code ContextUtilities}
 * (which rebuilds the set of resource type names): about a tenth of a warm validation, and much of
 * its garbage. The kept parser fills those caches once; they hold only derived facts about the
 * definitions, which do not change (docs/adr/0030-fast-validation.md, addendum 2).
 */
final class ReusableInstanceValidator extends InstanceValidator {

  private final IWorkerContext workerContext;
  private JsonParser jsonParser;
  private int runs;

  ReusableInstanceValidator(
      IWorkerContext context,
      IHostApplicationServices hostServices,
      XVerExtensionManager xverManager,
      ValidatorSession session,
      ValidatorSettings settings) {
    super(context, hostServices, xverManager, session, settings);
    this.workerContext = context;
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

  /**
   * Validates one JSON resource as {@link #validate(Object, List, java.io.InputStream, FhirFormat,
   * List)} does for JSON, with the kept parser: the parser is set up as the core sets up its own
   * (full validation policy, comments and signature services as configured), each parsed fragment
   * is validated with its own message list, and those lists end up in {@code errors}. A logical
   * model among the profiles takes the core's own entry point, which handles that case.
   */
  void validateJson(
      Object appContext,
      List<ValidationMessage> errors,
      byte[] json,
      List<StructureDefinition> profiles) {
    for (StructureDefinition profile : profiles) {
      if (profile.getKind() == StructureDefinitionKind.LOGICAL) {
        validate(appContext, errors, new ByteArrayInputStream(json), FhirFormat.JSON, profiles);
        return;
      }
    }
    JsonParser parser = parser();
    List<ValidatedFragment> fragments;
    try {
      fragments = parser.parse(new ByteArrayInputStream(json));
    } catch (IOException e) {
      throw new FHIRException(e);
    }
    validatedContent = fragments;
    if (fragments == null) {
      return;
    }
    for (ValidatedFragment fragment : fragments) {
      if (fragment.getElement() != null) {
        validate(
            appContext,
            fragment.getErrors(),
            fragments.size() > 1 ? fragment.path() : null,
            fragment.getElement(),
            profiles);
      }
      errors.addAll(fragment.getErrors());
    }
  }

  private JsonParser parser() {
    if (jsonParser == null) {
      jsonParser = new JsonParser(workerContext);
    }
    // What the core sets on the parser it builds for each call (ParserBase has no implied profile
    // for JSON, so there is none to add).
    jsonParser.setupValidation(ValidationPolicy.EVERYTHING);
    jsonParser.setAllowComments(isAllowComments());
    jsonParser.setSignatureServices(getSignatureServices());
    return jsonParser;
  }
}
