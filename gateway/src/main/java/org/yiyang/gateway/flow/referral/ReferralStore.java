package org.yiyang.gateway.flow.referral;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.gateway.workflow.WorkflowStore;
import org.yiyang.gateway.workflow.Workflows;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ErrorCode;

/**
 * Referrals on the regional FHIR server: one search reads a referral (its ServiceRequest with both
 * organizations and the resident, and through reverse includes its Task and green-channel
 * Appointment), plus the Task's version history; a state change is a versioned Task update.
 */
@Component
public class ReferralStore implements WorkflowStore {

  private static final Pattern FHIR_ID = Pattern.compile("^[A-Za-z0-9\\-.]{1,64}$");

  private final FhirServer fhir;

  public ReferralStore(FhirServer fhir) {
    this.fhir = fhir;
  }

  /** Whether a path segment can be a referral id at all (a FHIR id). */
  public static boolean isReferralId(String id) {
    return id != null && FHIR_ID.matcher(id).matches();
  }

  @Override
  public String workflow() {
    return Workflows.REFERRAL;
  }

  /**
   * One referral as its from-FHIR mapping takes it: the searchset of {@code
   * ServiceRequest?_id=<id>&_include=ServiceRequest:requester&_include=ServiceRequest:performer
   * &_include=ServiceRequest:subject&_revinclude=Task:focus&_revinclude=Appointment:based-on&_revinclude=DocumentReference:related},
   * to which every version of the Task is added (fullUrl {@code …/Task/<id>/_history/<n>}, search
   * mode {@code include}). Empty when there is no ServiceRequest of a referral category with this
   * id.
   */
  @Override
  public Optional<Bundle> read(String referralId) {
    if (!isReferralId(referralId)) {
      return Optional.empty();
    }
    Bundle found =
        fhir.client()
            .search()
            .forResource(ServiceRequest.class)
            .where(new TokenClientParam("_id").exactly().code(referralId))
            .include(new Include("ServiceRequest:requester"))
            .include(new Include("ServiceRequest:performer"))
            .include(new Include("ServiceRequest:subject"))
            .revInclude(new Include("Task:focus"))
            .revInclude(new Include("Appointment:based-on"))
            .revInclude(new Include("DocumentReference:related"))
            .returnBundle(Bundle.class)
            .cacheControl(FhirServer.NO_CACHE)
            .execute();
    Optional<ServiceRequest> request =
        resources(found, ServiceRequest.class).stream()
            .filter(sr -> referralId.equals(sr.getIdElement().getIdPart()))
            .filter(ReferralStore::isReferral)
            .findFirst();
    if (request.isEmpty()) {
      return Optional.empty();
    }
    for (Task task : resources(found, Task.class)) {
      for (Task old : versions(task)) {
        found
            .addEntry()
            .setFullUrl(
                fhir.baseUrl()
                    + "/Task/"
                    + old.getIdElement().getIdPart()
                    + HISTORY_SEGMENT
                    + old.getIdElement().getVersionIdPart())
            .setResource(old)
            .getSearch()
            .setMode(Bundle.SearchEntryMode.INCLUDE);
      }
    }
    return Optional.of(found);
  }

  /** The id of a facility's up-referral, by its referral number. */
  @Override
  public Optional<String> idByNumber(String facilityCode, String referralNo) {
    Bundle found =
        fhir.identifierSearch(
                "ServiceRequest", Canonical.referralNoSystem(facilityCode), referralNo)
            .elementsSubset("id")
            .cacheControl(FhirServer.NO_STORE)
            .execute();
    return found.getEntry().stream()
        .map(e -> e.getResource().getIdElement().getIdPart())
        .findFirst();
  }

  /**
   * Every version of a Task, oldest first, each read by its version ({@code GET
   * Task/<id>/_history/<n>}). The instance history ({@code GET Task/<id>/_history}) of the embedded
   * HAPI JPA server answered with the newest version only when read through the generic client
   * (seen in ReferralApiIT), so the versions are read one by one; a server whose version ids are
   * not 1, 2, 3 … gets the current version only.
   */
  private List<Task> versions(Task current) {
    String id = current.getIdElement().getIdPart();
    String version = current.getMeta().getVersionId();
    if (version == null || !version.matches("^[1-9][0-9]{0,3}$")) {
      return List.of(current);
    }
    List<Task> out = new java.util.ArrayList<>();
    int last = Integer.parseInt(version);
    for (int v = 1; v < last; v++) {
      try {
        out.add(
            fhir.client()
                .read()
                .resource(Task.class)
                .withIdAndVersion(id, String.valueOf(v))
                .cacheControl(FhirServer.NO_CACHE)
                .execute());
      } catch (ca.uhn.fhir.rest.server.exceptions.ResourceGoneException
          | ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException expunged) {
        // A version the server no longer keeps is left out of the history.
      }
    }
    Task copy = current.copy();
    copy.setId(current.getIdElement().toUnqualifiedVersionless().withVersion(version));
    out.add(copy);
    return out;
  }

  /** The current Task of a read referral (the one not added from its history). */
  public static Optional<Task> currentTask(Bundle read) {
    return WorkflowStore.currentTask(read);
  }

  /**
   * Updates the Task only if it is still at {@code version} ({@code If-Match}), so that of two
   * writers acting on the same state only one wins; the other gets {@link
   * ErrorCode#CONCURRENT_CHANGE} (409).
   *
   * @return the new version id
   */
  @Override
  public String update(Task task, String version) {
    task.setId(task.getIdElement().toUnqualifiedVersionless());
    task.getMeta().setVersionId(null).setLastUpdated(null);
    try {
      MethodOutcome outcome =
          fhir.client()
              .update()
              .resource(task)
              .withAdditionalHeader("If-Match", "W/\"" + version + "\"")
              .execute();
      return outcome.getId().getVersionIdPart();
    } catch (PreconditionFailedException | ResourceVersionConflictException e) {
      throw new GatewayException(
          ErrorCode.CONCURRENT_CHANGE,
          List.of(
              new GatewayException.Issue(
                  ErrorCode.CONCURRENT_CHANGE,
                  "status",
                  "status: the referral was changed by someone else since it was read; read it"
                      + " again and retry.")),
          e);
    }
  }

  private static boolean isReferral(ServiceRequest request) {
    return request.getCategory().stream()
        .flatMap(c -> c.getCoding().stream())
        .anyMatch(
            c ->
                Canonical.CS_REFERRAL_TYPE.equals(c.getSystem())
                    && ("up-referral".equals(c.getCode()) || "down-referral".equals(c.getCode())));
  }

  private static <T extends Resource> List<T> resources(Bundle bundle, Class<T> type) {
    return bundle.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }
}
