package org.yiyang.profiles.validation;

import ca.uhn.fhir.context.ConfigurationException;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.validation.IInstanceValidatorModule;
import ca.uhn.fhir.validation.IValidationContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.validation.constants.IdStatus;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerOld;
import org.hl7.fhir.utilities.i18n.I18nConstants;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.ValidatorSettings;

/**
 * HAPI's {@link FhirInstanceValidator} without its per-call cost: HAPI builds a new core {@code
 * InstanceValidator} for every resource (whose constructor re-reads the OID registry and rebuilds
 * its FHIRPath engine), this module keeps a small pool of them and lends one to each call. Every
 * setting is read from the {@link FhirInstanceValidator} given at construction and applied exactly
 * as HAPI applies it, and the messages go through the same filtering and conversion, so verdicts
 * are identical (docs/adr/0030-fast-validation.md). Thread-safe: each validator serves one call at
 * a time, and at most {@code poolSize} calls validate at once.
 */
public final class PooledInstanceValidator implements IInstanceValidatorModule {

  /**
   * Runs after which a pooled validator is dropped. A validator empties the core's list of seen
   * codings after each run ({@link ReusableInstanceValidator#endRun}); recycling still bounds
   * whatever else the core keeps per instance (its canonical look-ups, its map of narrative ids),
   * and that list too, should a core upgrade move it. One constructor per 256 runs costs little.
   */
  static final int MAX_RUNS_PER_VALIDATOR = 256;

  private static final Gson GSON = new Gson();

  private final FhirInstanceValidator settings;
  private final CachingWorkerContext workerContext;
  private final BlockingQueue<ReusableInstanceValidator> idle;
  private final Semaphore permits;
  private final AtomicLong created = new AtomicLong();
  private final VerdictCache verdicts;

  /**
   * @param settings a configured HAPI validator; its settings are copied on every new pooled
   *     validator, and non-JSON input is handed to it unchanged
   * @param validationSupport the chain {@code settings} was built with
   * @param poolSize how many validators exist at most, hence how many validations run at once;
   *     further callers wait for one to come back (validation is CPU-bound: more than the cores
   *     gains nothing, and a throwaway validator per extra caller would cost what stock HAPI costs)
   */
  public PooledInstanceValidator(
      FhirInstanceValidator settings, IValidationSupport validationSupport, int poolSize) {
    this(settings, validationSupport, poolSize, Set.of(), 0);
  }

  /**
   * As {@link #PooledInstanceValidator(FhirInstanceValidator, IValidationSupport, int)}, and
   * remembers the verdicts of resources of the given types by their exact content ({@link
   * VerdictCache}; docs/adr/0031-verdict-cache-for-reference-resources.md).
   *
   * @param cachedTypes resource types whose identical content recurs (e.g. {@code Organization}:
   *     the facility in every record of that facility); never types carrying personal data
   * @param cacheEntries at most this many verdicts are kept
   */
  public PooledInstanceValidator(
      FhirInstanceValidator settings,
      IValidationSupport validationSupport,
      int poolSize,
      Set<String> cachedTypes,
      int cacheEntries) {
    this.settings = settings;
    this.verdicts = new VerdictCache(cachedTypes, cacheEntries);
    this.workerContext = new CachingWorkerContext(validationSupport);
    // One worker context for both, as HAPI itself does across calls of one FhirInstanceValidator.
    settings.setWrappedWorkerContext(validationSupport, workerContext);
    this.idle = new ArrayBlockingQueue<>(Math.max(1, poolSize));
    this.permits = new Semaphore(Math.max(1, poolSize), true);
  }

  /** Fills the pool so that no request pays for building a validator. */
  public void prefill() {
    while (idle.remainingCapacity() > 0) {
      if (!idle.offer(newValidator())) {
        return;
      }
    }
  }

  /** Verdicts answered from the verdict cache so far (for tests and diagnostics). */
  public long verdictCacheHits() {
    return verdicts.hits();
  }

  /** The worker context every pooled validator shares (for tests). */
  CachingWorkerContext workerContext() {
    return workerContext;
  }

  /** How many core validators have been built so far (for tests and diagnostics). */
  public long validatorsCreated() {
    return created.get();
  }

  @Override
  public void validateResource(IValidationContext<IBaseResource> context) {
    if (context.getResourceAsStringEncoding() != EncodingEnum.JSON) {
      settings.validateResource(context);
      return;
    }
    List<ValidationMessage> messages = validateJson(context);
    for (ValidationMessage message : messages) {
      context.addValidationMessage(toHapi(message));
    }
  }

  private List<ValidationMessage> validateJson(IValidationContext<IBaseResource> context) {
    String json = context.getResourceAsString();
    JsonObject root = GSON.fromJson(json, JsonObject.class);
    VerdictCache.Key key =
        verdicts.keyFor(resourceType(root), context.getOptions().getProfiles(), json);
    if (key != null) {
      List<ValidationMessage> known = verdicts.get(key);
      if (known != null) {
        return known;
      }
    }
    List<ValidationMessage> result = validateJson(context, json, root);
    if (key != null) {
      verdicts.put(key, result);
    }
    return result;
  }

  private List<ValidationMessage> validateJson(
      IValidationContext<IBaseResource> context, String json, JsonObject root) {
    List<StructureDefinition> profiles = new ArrayList<>();
    List<ValidationMessage> unknownProfiles = new ArrayList<>();
    for (String url : context.getOptions().getProfiles()) {
      addProfile(url, profiles, unknownProfiles);
    }
    for (String url : metaProfiles(root)) {
      addProfile(url, profiles, unknownProfiles);
    }

    List<ValidationMessage> messages = new ArrayList<>();
    permits.acquireUninterruptibly();
    ReusableInstanceValidator validator = null;
    boolean healthy = false;
    try {
      validator = borrow();
      validator.beginRun();
      validator.validateJson(
          context.getOptions().getAppContext(),
          messages,
          json.getBytes(StandardCharsets.UTF_8),
          profiles);
      healthy = true;
    } finally {
      if (healthy) {
        validator.endRun();
        giveBack(validator);
      }
      permits.release();
    }

    if (profiles.isEmpty()) {
      messages.addAll(unknownProfiles);
    }
    List<ValidationMessage> result = new ArrayList<>(messages.size());
    for (ValidationMessage message : messages) {
      if (!isSuppressed(message)) {
        result.add(message);
      }
    }
    if (settings.isErrorForUnknownProfiles()) {
      for (ValidationMessage message : result) {
        if (isUnknownProfile(message)
            && message.getLevel() == ValidationMessage.IssueSeverity.WARNING) {
          message.setLevel(ValidationMessage.IssueSeverity.ERROR);
        }
      }
    }
    return result;
  }

  private ReusableInstanceValidator borrow() {
    ReusableInstanceValidator validator = idle.poll();
    return validator != null ? validator : newValidator();
  }

  private void giveBack(ReusableInstanceValidator validator) {
    // beginRun() has counted this run already; a validator that has served its share is dropped.
    if (validator.runsStarted() < MAX_RUNS_PER_VALIDATOR) {
      idle.offer(validator);
    }
  }

  /** A new core validator with HAPI's settings (package-private for tests). */
  ReusableInstanceValidator newValidator() {
    ReusableInstanceValidator v;
    try {
      v =
          new ReusableInstanceValidator(
              workerContext,
              new FhirInstanceValidator.NullEvaluationContext(),
              new XVerExtensionManagerOld(workerContext),
              new ValidatorSession(),
              new ValidatorSettings());
    } catch (RuntimeException e) {
      throw new ConfigurationException("Cannot build the instance validator: " + e.getMessage(), e);
    }
    // The settings FhirInstanceValidator hands to each InstanceValidator, in HAPI 8.6.
    v.setAssumeValidRestReferences(settings.isAssumeValidRestReferences());
    v.setBestPracticeWarningLevel(settings.getBestPracticeWarningLevel());
    v.setAnyExtensionsAllowed(settings.isAnyExtensionsAllowed());
    v.setResourceIdRule(IdStatus.OPTIONAL);
    v.setNoTerminologyChecks(settings.isNoTerminologyChecks());
    v.setErrorForUnknownProfiles(settings.isErrorForUnknownProfiles());
    v.setUnknownCodeSystemsCauseErrors(true);
    v.getExtensionDomains().addAll(settings.getExtensionDomains());
    v.setFetcher(settings.getValidatorResourceFetcher());
    v.setPolicyAdvisor(settings.getValidatorPolicyAdvisor());
    v.setNoExtensibleWarnings(settings.isNoExtensibleWarnings());
    v.setNoBindingMsgSuppressed(settings.isNoBindingMsgSuppressed());
    v.setAllowExamples(settings.isAllowExamples());
    v.setAllowXsiLocation(true);
    created.incrementAndGet();
    return v;
  }

  private void addProfile(
      String url, List<StructureDefinition> profiles, List<ValidationMessage> unknownProfiles) {
    StructureDefinition definition;
    try {
      definition = workerContext.fetchResource(StructureDefinition.class, url);
    } catch (FHIRException e) {
      return; // as HAPI: a profile that cannot be loaded is skipped, the core reports it
    }
    if (definition != null) {
      profiles.add(definition);
    } else {
      ValidationMessage m = new ValidationMessage();
      m.setMessageId(I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN);
      m.setLevel(ValidationMessage.IssueSeverity.ERROR);
      m.setMessage("Invalid profile. Failed to retrieve profile with url=" + url);
      unknownProfiles.add(m);
    }
  }

  private static String resourceType(JsonObject root) {
    JsonElement type = root.get("resourceType");
    return type != null && type.isJsonPrimitive() ? type.getAsString() : null;
  }

  /** The {@code meta.profile} URLs of a JSON resource, read the way HAPI reads them (Gson). */
  private static List<String> metaProfiles(JsonObject root) {
    JsonObject meta = root.getAsJsonObject("meta");
    if (meta == null) {
      return List.of();
    }
    JsonElement profile = meta.get("profile");
    if (profile == null || !profile.isJsonArray()) {
      return List.of();
    }
    JsonArray array = profile.getAsJsonArray();
    List<String> urls = new ArrayList<>(array.size());
    for (JsonElement element : array) {
      urls.add(element.getAsString());
    }
    return urls;
  }

  /** Messages HAPI drops after validation (bindings without a source, the mimetypes ValueSet). */
  private static boolean isSuppressed(ValidationMessage m) {
    String id = m.getMessageId();
    if (id == null) {
      return false;
    }
    return id.equals(I18nConstants.TERMINOLOGY_TX_BINDING_NOSOURCE)
        || id.equals(I18nConstants.TERMINOLOGY_TX_BINDING_NOSOURCE2)
        || (id.equals(I18nConstants.TERMINOLOGY_TX_VALUESET_NOTFOUND)
            && m.getMessage().contains("http://hl7.org/fhir/ValueSet/mimetypes"));
  }

  private static boolean isUnknownProfile(ValidationMessage m) {
    String id = m.getMessageId();
    return id != null
        && (id.equals(I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN)
            || id.equals(I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN_NOT_POLICY));
  }

  private static SingleValidationMessage toHapi(ValidationMessage m) {
    SingleValidationMessage out = new SingleValidationMessage();
    if (m.getCol() != -1) {
      out.setLocationCol(m.getCol());
    }
    if (m.getLine() != -1) {
      out.setLocationLine(m.getLine());
    }
    out.setLocationString(m.getLocation());
    out.setMessage(m.getMessage());
    if (m.getLevel() != null) {
      out.setSeverity(ResultSeverityEnum.fromCode(m.getLevel().toCode()));
    }
    // Core message ids are keys; text from HAPI's terminology services lands there too: drop it.
    if (m.getMessageId() != null && !m.getMessageId().contains(" ")) {
      out.setMessageId(m.getMessageId());
    }
    if (m.hasSliceInfo()) {
      out.setSliceMessages(m.getSliceInfo().stream().map(ValidationMessage::getMessage).toList());
    }
    return out;
  }
}
