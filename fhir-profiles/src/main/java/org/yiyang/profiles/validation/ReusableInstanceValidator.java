package org.yiyang.profiles.validation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
import org.hl7.fhir.validation.codesystem.CodingsObserver;
import org.hl7.fhir.validation.instance.InstanceValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>And it lets go of each resource once validated. The core's {@code CodingsObserver} adds every
 * coding it meets to a list, with the node stack it was met at, and never empties that list; the
 * list is read only by an IPS check that HAPI never switches on. Through those node stacks an
 * instance held the whole element tree of every resource it had validated, about 0.25 MB per
 * Patient, until it was recycled: young collections copied those trees into the old generation,
 * where they died. The list is emptied after each run (ADR 0032, U8). This reaches into two private
 * fields; if a core upgrade renames them, nothing is emptied, a warning is logged once, and the
 * recycling of {@link PooledInstanceValidator} still bounds the memory as before.
 */
final class ReusableInstanceValidator extends InstanceValidator {

  private static final Logger LOG = LoggerFactory.getLogger(ReusableInstanceValidator.class);

  /** {@code InstanceValidator.codingObserver}, or null if this core has no such field. */
  private static final VarHandle OBSERVER =
      privateField(InstanceValidator.class, "codingObserver", CodingsObserver.class);

  /** {@code CodingsObserver.list}, or null if this core has no such field. */
  private static final VarHandle SEEN_CODINGS =
      privateField(CodingsObserver.class, "list", List.class);

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

  /** Called after each validation run: drops what would keep the validated resource reachable. */
  void endRun() {
    validatedContent = null;
    forgetSeenCodings();
  }

  /** Empties the coding observer's list, unless the IPS check that reads it is switched on. */
  private void forgetSeenCodings() {
    if (OBSERVER == null || SEEN_CODINGS == null || isCheckIPSCodes()) {
      return;
    }
    Object observer = OBSERVER.get(this);
    if (observer != null) {
      ((List<?>) SEEN_CODINGS.get(observer)).clear();
    }
  }

  private static VarHandle privateField(Class<?> owner, String name, Class<?> type) {
    try {
      return MethodHandles.privateLookupIn(owner, MethodHandles.lookup())
          .findVarHandle(owner, name, type);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn(
          "{}.{} not found in this FHIR core library: validated resources stay reachable until"
              + " their validator is recycled (ADR 0032, U8)",
          owner.getSimpleName(),
          name);
      return null;
    }
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
