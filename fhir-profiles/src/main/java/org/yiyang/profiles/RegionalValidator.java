package org.yiyang.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yiyang.profiles.validation.PooledInstanceValidator;

/**
 * Validates resources against the regional package with HAPI's instance validator: package first,
 * then the R4 core definitions, in-memory terminology only (never a remote server). Built once,
 * thread-safe; call {@link #warmUp()} at startup so that no request pays the cold-start cost. The
 * shared instance reuses core validators across calls ({@link PooledInstanceValidator}, ADR 0030);
 * {@link #stock()} is HAPI's per-call path with the same settings, kept for comparison.
 */
public final class RegionalValidator {

  /** One validation message; {@code location} is the FHIRPath of the element, never its value. */
  public record ValidationIssue(
      String severity, String location, String message, String messageId) {

    public boolean isError() {
      return "error".equals(severity) || "fatal".equals(severity);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(RegionalValidator.class);

  private static final class Holder {
    private static final RegionalValidator SHARED = new RegionalValidator(true);
  }

  private static final class StockHolder {
    private static final RegionalValidator STOCK = new RegionalValidator(false);
  }

  /**
   * Resource types whose verdicts the shared validator remembers by exact content: reference data
   * that recurs unchanged in every record of a facility, and no personal data (ADR 0031).
   */
  private static final java.util.Set<String> VERDICT_CACHE_TYPES = java.util.Set.of("Organization");

  private static final int VERDICT_CACHE_ENTRIES = 1024;

  private final FhirContext context;
  private final ValidationSupportChain chain;
  private final FhirValidator validator;
  private final PooledInstanceValidator pool;
  private volatile boolean warm;

  private RegionalValidator(boolean fast) {
    this.context = Fhir.r4();
    NpmPackageValidationSupport regional = new NpmPackageValidationSupport(context);
    try {
      regional.loadPackageFromClasspath(Canonical.PACKAGE_CLASSPATH);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot load " + Canonical.PACKAGE_CLASSPATH, e);
    }
    this.chain =
        new ValidationSupportChain(
            ValidationSupportChain.CacheConfiguration.defaultValues(),
            regional,
            new DefaultProfileValidationSupport(context),
            new CommonCodeSystemsTerminologyService(context),
            new InMemoryTerminologyServerValidationSupport(context),
            new SnapshotGeneratingValidationSupport(context));
    FhirInstanceValidator instanceValidator = new FhirInstanceValidator(chain);
    instanceValidator.setErrorForUnknownProfiles(true);
    instanceValidator.setAnyExtensionsAllowed(true);
    this.pool =
        fast
            ? new PooledInstanceValidator(
                instanceValidator,
                chain,
                Math.max(2, Runtime.getRuntime().availableProcessors()),
                VERDICT_CACHE_TYPES,
                VERDICT_CACHE_ENTRIES)
            : null;
    this.validator =
        context.newValidator().registerValidatorModule(fast ? pool : instanceValidator);
    this.validator.setConcurrentBundleValidation(false);
  }

  /** The application-wide validator. */
  public static RegionalValidator shared() {
    return Holder.SHARED;
  }

  /**
   * HAPI's stock path (a new core validator per call) with the same chain and settings: the
   * reference the fast path is compared with in tests and benchmarks, not for production use.
   */
  public static RegionalValidator stock() {
    return StockHolder.STOCK;
  }

  /** The validation support chain (package, core, terminology), for reuse by other modules. */
  public IValidationSupport validationSupport() {
    return chain;
  }

  /**
   * Validates every example of the package once, which generates the snapshots and loads the core
   * definitions. Idempotent; logs the duration only.
   */
  public void warmUp() {
    if (warm) {
      return;
    }
    synchronized (this) {
      if (warm) {
        return;
      }
      long start = System.nanoTime();
      if (pool != null) {
        pool.prefill();
      }
      List<IBaseResource> examples = ConformancePackage.load().examples();
      for (IBaseResource example : examples) {
        validator.validateWithResult(example);
      }
      warm = true;
      LOG.info(
          "Regional validator warmed up with {} examples in {} ms",
          examples.size(),
          (System.nanoTime() - start) / 1_000_000);
    }
  }

  /** Verdicts answered from the cache of reference resources so far (0 for {@link #stock()}). */
  public long verdictCacheHits() {
    return pool == null ? 0 : pool.verdictCacheHits();
  }

  /** All messages (fatal, error, warning, information) for {@code resource}. */
  public List<ValidationIssue> validate(IBaseResource resource) {
    return validator.validateWithResult(resource).getMessages().stream()
        .map(RegionalValidator::toIssue)
        .toList();
  }

  /** Only the error and fatal messages for {@code resource}; empty means conformant. */
  public List<ValidationIssue> errors(IBaseResource resource) {
    return validate(resource).stream().filter(ValidationIssue::isError).toList();
  }

  private static ValidationIssue toIssue(SingleValidationMessage message) {
    ResultSeverityEnum severity = message.getSeverity();
    return new ValidationIssue(
        severity == null ? "information" : severity.getCode().toLowerCase(Locale.ROOT),
        message.getLocationString(),
        message.getMessage(),
        message.getMessageId());
  }
}
