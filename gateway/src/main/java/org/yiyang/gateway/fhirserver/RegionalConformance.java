package org.yiyang.gateway.fhirserver;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yiyang.gateway.logging.PersonalDataLogFilter;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ConformancePackage;
import org.yiyang.profiles.RegionalValidator;

/**
 * Makes the embedded server a regional server that enforces what it publishes (issue 26). A write
 * over REST (create, update, patch, or inside a transaction) whose {@code meta.profile} claims a
 * profile of the regional package is validated against it with the gateway's own validator, and
 * refused with 422 and an OperationOutcome when it breaks it. A resource that claims no regional
 * profile (a community health centre's Patient, a hospital's Encounter) is checked against base R4
 * only: it stays legitimate. The CapabilityStatement lists each supported profile per resource
 * type.
 *
 * <p>Registered on the RESTful server only, so the server's own writes (package installation,
 * subscriptions) are not judged. Validation messages go to the writer, never to a log line: they
 * may quote the resource's values.
 */
@Interceptor
public class RegionalConformance {

  private static final Logger log = LoggerFactory.getLogger(RegionalConformance.class);

  private final RegionalValidator validator;
  private final FhirContext context;
  private final boolean enforce;
  private final Map<String, List<String>> profilesByType;

  public RegionalConformance(RegionalValidator validator, FhirContext context, boolean enforce) {
    this.validator = validator;
    this.context = context;
    this.enforce = enforce;
    Map<String, List<String>> byType = new TreeMap<>();
    for (StructureDefinition sd : ConformancePackage.load().structureDefinitions()) {
      if (sd.getKind() == StructureDefinition.StructureDefinitionKind.RESOURCE
          && sd.getDerivation() == StructureDefinition.TypeDerivationRule.CONSTRAINT) {
        byType.computeIfAbsent(sd.getType(), t -> new ArrayList<>()).add(sd.getUrl());
      }
    }
    byType.values().forEach(list -> list.sort(String::compareTo));
    this.profilesByType = byType;
  }

  /** Whether writes are validated (gateway.fhir-server.enforce-profiles, on by default). */
  public boolean enforcing() {
    return enforce;
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void created(IBaseResource resource, RequestDetails request) {
    check(resource);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
    check(resource);
  }

  /** Each resource type lists the package's profiles of it as supported profiles. */
  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void capabilities(IBaseConformance generated) {
    if (!(generated instanceof CapabilityStatement cs)) {
      return;
    }
    for (CapabilityStatement.CapabilityStatementRestComponent rest : cs.getRest()) {
      for (CapabilityStatement.CapabilityStatementRestResourceComponent resource :
          rest.getResource()) {
        TreeSet<String> supported = new TreeSet<>();
        resource.getSupportedProfile().forEach(p -> supported.add(p.getValue()));
        supported.addAll(profilesByType.getOrDefault(resource.getType(), List.of()));
        resource.setSupportedProfile(
            supported.stream()
                .map(CanonicalType::new)
                .collect(java.util.stream.Collectors.toList()));
      }
    }
  }

  /**
   * Validates a resource about to be stored: against the regional profiles it claims, or against
   * base R4 when it claims none of them (other profiles it claims are not the region's to judge).
   */
  void check(IBaseResource resource) {
    if (!enforce || !(resource instanceof Resource r)) {
      return;
    }
    Resource judged = r.copy();
    List<CanonicalType> claimed = judged.getMeta().getProfile();
    boolean regional = claimed.stream().anyMatch(p -> isRegional(p.getValue()));
    claimed.removeIf(p -> !isRegional(p.getValue()));
    List<RegionalValidator.ValidationIssue> errors;
    try {
      errors = validator.errors(judged);
    } catch (RuntimeException e) {
      // Whatever the input, the writer gets a 4xx, never a 500 (shared/notes/hapi-jpa-measured.md).
      log.warn("A {} could not be validated ({})", r.fhirType(), e.getClass().getSimpleName());
      throw refusal(
          List.of(
              new RegionalValidator.ValidationIssue(
                  "error", r.fhirType(), "The resource could not be validated.", null)),
          regional);
    }
    if (!errors.isEmpty()) {
      log.info(
          "Write of a {} refused: {} error(s) against {}",
          r.fhirType(),
          errors.size(),
          regional ? "its regional profile" : "base R4");
      throw refusal(errors, regional);
    }
  }

  private UnprocessableEntityException refusal(
      List<RegionalValidator.ValidationIssue> errors, boolean regional) {
    OperationOutcome oo = new OperationOutcome();
    for (RegionalValidator.ValidationIssue issue : errors) {
      OperationOutcome.OperationOutcomeIssueComponent i = oo.addIssue();
      i.setSeverity(OperationOutcome.IssueSeverity.ERROR);
      i.setCode(OperationOutcome.IssueType.PROCESSING);
      // The writer sent the values, but an error body quotes none of them (ID and phone digits).
      i.setDiagnostics(PersonalDataLogFilter.mask(issue.message()));
      if (issue.location() != null) {
        i.addExpression(issue.location());
      }
    }
    oo.addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
        .setCode(OperationOutcome.IssueType.INFORMATIONAL)
        .setDiagnostics(
            regional
                ? "The resource claims a profile of the regional package ("
                    + Canonical.PACKAGE_ID
                    + ") and breaks it."
                : "The resource breaks base FHIR R4.");
    return new UnprocessableEntityException(context, oo);
  }

  private static boolean isRegional(String profile) {
    return profile != null && profile.startsWith(Canonical.SD);
  }
}
