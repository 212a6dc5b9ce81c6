package org.yiyang.gateway.workflow;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.gclient.IQuery;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.Fhir;

/**
 * A workflow's instances on the regional FHIR server, as its descriptor says: one search reads the
 * request with the descriptor's includes and reverse includes (its Task among them), only if the
 * request is of one of the workflow's categories; every earlier version of the Task is added
 * (fullUrl {@code …/Task/<id>/_history/<n>}, search mode {@code include}); a state change is a
 * versioned Task update. Nothing workflow-specific in Java, so a new workflow needs no store of its
 * own.
 */
public class FhirWorkflowStore implements WorkflowStore {

  private static final Pattern FHIR_ID = Pattern.compile("^[A-Za-z0-9\\-.]{1,64}$");

  private final WorkflowDescriptor workflow;
  private final FhirServer fhir;
  private final String recordNoSystemPrefix;

  /**
   * @param recordNoSystemPrefix the identifier system of the facility's numbers, without the
   *     facility code (the intake record flow's)
   */
  public FhirWorkflowStore(
      WorkflowDescriptor workflow, FhirServer fhir, String recordNoSystemPrefix) {
    this.workflow = workflow;
    this.fhir = fhir;
    this.recordNoSystemPrefix = recordNoSystemPrefix;
  }

  @Override
  public String workflow() {
    return workflow.name();
  }

  @Override
  public Optional<Bundle> read(String id) {
    if (id == null || !FHIR_ID.matcher(id).matches()) {
      return Optional.empty();
    }
    IQuery<Bundle> query =
        fhir.client()
            .search()
            .forResource(workflow.requestResource())
            .where(new TokenClientParam("_id").exactly().code(id))
            .returnBundle(Bundle.class);
    for (String include : workflow.includes()) {
      query = query.include(new Include(include));
    }
    for (String include : workflow.revIncludes()) {
      query = query.revInclude(new Include(include));
    }
    Bundle found = query.cacheControl(FhirServer.NO_CACHE).execute();
    boolean present =
        found.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(r -> workflow.requestResource().equals(r.fhirType()))
            .filter(r -> id.equals(r.getIdElement().getIdPart()))
            .anyMatch(this::ofCategory);
    if (!present) {
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

  @Override
  public Optional<String> idByNumber(String facilityCode, String recordNo) {
    Bundle found =
        fhir.identifierSearch(
                workflow.requestResource(), recordNoSystemPrefix + facilityCode, recordNo)
            .elementsSubset("id")
            .cacheControl(FhirServer.NO_STORE)
            .execute();
    return found.getEntry().stream()
        .map(e -> e.getResource().getIdElement().getIdPart())
        .findFirst();
  }

  @Override
  public Page list(String facilityCode, String status, Instant since, int offset, int count) {
    String system = recordNoSystemPrefix + facilityCode;
    StringBuilder url = new StringBuilder("Task?");
    param(url, "code", workflow.taskCodeSystem() + "|" + workflow.taskCode());
    // The facility's own numbering system, any number in it: its instances and no one else's.
    param(url, "identifier", system + "|");
    if (status != null) {
      param(url, "status", status);
    }
    if (since != null) {
      param(url, "_lastUpdated", "ge" + since);
    }
    param(url, "_sort", "-_lastUpdated");
    param(url, "_count", String.valueOf(count));
    param(url, "_offset", String.valueOf(offset));
    param(url, "_total", "accurate");
    Bundle found =
        fhir.client()
            .search()
            .byUrl(url.toString())
            .returnBundle(Bundle.class)
            .cacheControl(FhirServer.NO_CACHE)
            .execute();
    List<Listed> instances = new ArrayList<>();
    for (Task task : resources(found, Task.class)) {
      var focus = task.getFocus().getReferenceElement();
      if (!workflow.requestResource().equals(focus.getResourceType()) || !focus.hasIdPart()) {
        continue;
      }
      String recordNo =
          task.getIdentifier().stream()
              .filter(i -> system.equals(i.getSystem()))
              .map(org.hl7.fhir.r4.model.Identifier::getValue)
              .findFirst()
              .orElse(null);
      org.hl7.fhir.r4.model.Identifier resident = task.getFor().getIdentifier();
      String residentNo =
          resident != null
                  && resident.hasSystem()
                  && resident.getSystem().startsWith(Canonical.RESIDENT_NO_SYSTEM_PREFIX)
              ? resident.getValue()
              : null;
      instances.add(
          new Listed(
              focus.getIdPart(),
              recordNo,
              residentNo,
              task.hasStatus() ? task.getStatus().toCode() : null,
              task.hasLastModified()
                  ? task.getLastModifiedElement().getValueAsString()
                  : task.getMeta().getLastUpdatedElement().getValueAsString()));
    }
    return new Page(found.hasTotal() ? found.getTotal() : instances.size(), instances);
  }

  private static void param(StringBuilder url, String name, String value) {
    if (url.charAt(url.length() - 1) != '?') {
      url.append('&');
    }
    url.append(name)
        .append('=')
        .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
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
    List<Task> out = new ArrayList<>();
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
                  "status: the "
                      + workflow.noun()
                      + " was changed by someone else since it was read; read it again and"
                      + " retry.")),
          e);
    }
  }

  private boolean ofCategory(IBaseResource request) {
    return Fhir.r4()
        .newTerser()
        .getValues(request, workflow.requestResource() + ".category.coding", Coding.class)
        .stream()
        .anyMatch(
            c ->
                workflow.categorySystem().equals(c.getSystem())
                    && workflow.categoryCodes().contains(c.getCode()));
  }

  private static <T extends Resource> List<T> resources(Bundle bundle, Class<T> type) {
    return bundle.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }
}
