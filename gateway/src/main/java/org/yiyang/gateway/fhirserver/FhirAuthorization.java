package org.yiyang.gateway.fhirserver;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilder;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.List;
import java.util.Optional;
import org.yiyang.gateway.security.Caller;
import org.yiyang.gateway.security.Role;

/**
 * Who may do what on the embedded {@code /fhir} (ADR 0050), decided by HAPI's own authorization
 * interceptor before the server does any work. Anyone may read the capability statement; the
 * gateway itself may do everything; a hospital may search, read and write clinical and workflow
 * resources (and validate, expand, look up codes) but never delete, expunge, or touch
 * Subscriptions; every other role (facilities use the facility API) is refused.
 */
public class FhirAuthorization extends AuthorizationInterceptor {

  /** Clinical and workflow resources a hospital reads and writes. */
  static final List<String> CLINICAL_AND_WORKFLOW =
      List.of(
          "Patient",
          "RelatedPerson",
          "Practitioner",
          "PractitionerRole",
          "Organization",
          "OrganizationAffiliation",
          "HealthcareService",
          "Location",
          "Encounter",
          "EpisodeOfCare",
          "Observation",
          "DiagnosticReport",
          "ImagingStudy",
          "Media",
          "Condition",
          "Procedure",
          "AllergyIntolerance",
          "Immunization",
          "MedicationRequest",
          "MedicationStatement",
          "MedicationDispense",
          "Medication",
          "CarePlan",
          "CareTeam",
          "Goal",
          "ServiceRequest",
          "Task",
          "Appointment",
          "Communication",
          "CommunicationRequest",
          "DocumentReference",
          "Binary",
          "Consent",
          "QuestionnaireResponse",
          "Provenance",
          "Device",
          "Specimen");

  /** Conformance resources a hospital may read (to validate, resolve codes and profiles). */
  static final List<String> CONFORMANCE =
      List.of(
          "StructureDefinition",
          "ValueSet",
          "CodeSystem",
          "ConceptMap",
          "NamingSystem",
          "SearchParameter",
          "Questionnaire");

  public FhirAuthorization() {
    super(PolicyEnum.DENY);
  }

  @Override
  public List<IAuthRule> buildRuleList(RequestDetails request) {
    Optional<Role> role = Caller.current().map(Caller::role);
    IAuthRuleBuilder rules = new RuleBuilder();
    if (role.isEmpty()) {
      return rules.allow("capability statement").metadata().andThen().denyAll("no caller").build();
    }
    switch (role.get()) {
      case GATEWAY -> {
        return rules.allowAll("the gateway itself").build();
      }
      case HOSPITAL -> {
        IAuthRuleBuilder b = rules.allow("capability statement").metadata().andThen();
        for (String type : CLINICAL_AND_WORKFLOW) {
          b = b.allow("read " + type).read().resourcesOfType(type).withAnyId().andThen();
          b = b.allow("write " + type).write().resourcesOfType(type).withAnyId().andThen();
          b = b.allow("create " + type).create().resourcesOfType(type).withAnyId().andThen();
        }
        for (String type : CONFORMANCE) {
          b = b.allow("read " + type).read().resourcesOfType(type).withAnyId().andThen();
        }
        b =
            b.allow("transactions")
                .transaction()
                .withAnyOperation()
                .andApplyNormalRules()
                .andThen();
        for (String operation : List.of("$validate", "$expand", "$lookup", "$validate-code")) {
          b =
              b.allow(operation)
                  .operation()
                  .named(operation)
                  .onAnyType()
                  .andAllowAllResponses()
                  .andThen();
          b =
              b.allow(operation + " on an instance")
                  .operation()
                  .named(operation)
                  .onAnyInstance()
                  .andAllowAllResponses()
                  .andThen();
        }
        return b.denyAll("anything else: delete, expunge, Subscriptions, system operations")
            .build();
      }
      default -> {
        return rules
            .allow("capability statement")
            .metadata()
            .andThen()
            .denyAll("this role does not work on /fhir (facilities use the facility API)")
            .build();
      }
    }
  }
}
