package org.yiyang.gateway.workflow;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.gateway.flow.FlowSteps;
import org.yiyang.mappings.MappingException;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.Fhir;

/**
 * The change feed of one workflow for {@code notify}: the facility a changed Task concerns is found
 * by rendering the instance as its parties read it (the descriptor's read mapping, the same JSON as
 * {@code GET /api/v1/<path>/{id}}); none of it is sent (notifications are thin, ADR 0054). An
 * instance the mapping cannot render (e.g. written by a hospital without the regional profile) is
 * told by its Task's parties rather than not at all: every Organization among the Task's requester
 * and owner with a USCC identifier. A related resource (the green-channel Appointment, ADR 0062)
 * concerns the facility of the instance it refers to. One per descriptor ({@link
 * WorkflowChangeFeeds}).
 */
public class WorkflowChangeFeed implements WorkflowChanges {

  private static final Logger log = LoggerFactory.getLogger(WorkflowChangeFeed.class);

  private final WorkflowDescriptor workflow;
  private final WorkflowStore store;
  private final FlowSteps steps;
  private final FhirServer fhir;
  private final RequestStatus requestStatus;

  public WorkflowChangeFeed(
      WorkflowDescriptor workflow,
      WorkflowStore store,
      FlowSteps steps,
      FhirServer fhir,
      RequestStatus requestStatus) {
    this.workflow = workflow;
    this.store = store;
    this.steps = steps;
    this.fhir = fhir;
    this.requestStatus = requestStatus;
  }

  @Override
  public WorkflowDescriptor descriptor() {
    return workflow;
  }

  @Override
  public String workflow() {
    return workflow.name();
  }

  @Override
  public String taskCodeSystem() {
    return workflow.taskCodeSystem();
  }

  @Override
  public String taskCode() {
    return workflow.taskCode();
  }

  @Override
  public Events events() {
    return new Events(workflow.createdEvent(), workflow.statusChangedEvent());
  }

  @Override
  public List<Related> related() {
    return workflow.related();
  }

  @Override
  public Optional<Concerned> describe(Task task) {
    Optional<String> id = instanceIdOf(task);
    if (id.isEmpty()) {
      return Optional.empty();
    }
    try {
      String facility = facilityOf(id.get()).orElse("");
      if (!facility.isEmpty()) {
        return Optional.of(new Concerned(id.get(), List.of(facility)));
      }
    } catch (FhirClientConnectionException e) {
      throw e;
    } catch (MappingException | GatewayException e) {
      log.warn(
          "{} {}: not readable in facility form ({}); notifying by the Task's parties",
          workflow.name(),
          id.get(),
          e.getClass().getSimpleName());
    }
    return Optional.of(new Concerned(id.get(), taskParties(task)));
  }

  @Override
  public Optional<Concerned> describeRelated(Related related, Resource version) {
    Optional<String> id = requestIdOf(related, version);
    if (id.isEmpty()) {
      return Optional.empty();
    }
    return facilityOf(id.get())
        .filter(f -> !f.isEmpty())
        .map(f -> new Concerned(id.get(), List.of(f)));
  }

  @Override
  public Map<String, String> values(Related related, Resource version) {
    return told(related, version);
  }

  /** The told values of a related resource's version (see {@link #values}). */
  public static Map<String, String> told(Related related, Resource version) {
    Map<String, String> values = new LinkedHashMap<>();
    var terser = Fhir.r4().newTerser();
    related
        .values()
        .forEach(
            (name, element) ->
                terser.getValues(version, version.fhirType() + "." + element).stream()
                    .filter(IPrimitiveType.class::isInstance)
                    .map(v -> ((IPrimitiveType<?>) v).getValueAsString())
                    .filter(v -> v != null && !v.isEmpty())
                    .findFirst()
                    .ifPresent(v -> values.put(name, v)));
    return values;
  }

  /** The facility of an instance, as its parties read it; empty when there is no such instance. */
  private Optional<String> facilityOf(String id) {
    return store
        .read(id)
        .map(b -> steps.mapFromFhir(workflow.readMapping(), b))
        .map(json -> json.path(workflow.facilityField()).asText(""));
  }

  /** The instance a related resource refers to: a local reference to the request resource. */
  Optional<String> requestIdOf(Related related, Resource version) {
    List<Reference> refs =
        Fhir.r4()
            .newTerser()
            .getValues(
                version, version.fhirType() + "." + related.requestElement(), Reference.class);
    for (Reference ref : refs) {
      if (ref == null || !ref.hasReference()) {
        continue;
      }
      var id = ref.getReferenceElement();
      if (workflow.requestResource().equals(id.getResourceType())
          && id.hasIdPart()
          && !id.isAbsolute()) {
        return Optional.of(id.getIdPart());
      }
    }
    return Optional.empty();
  }

  @Override
  public void followed(Task task) {
    requestStatus.follow(task);
  }

  /**
   * The instance a Task belongs to, without reading anything: its {@code focus}, when that is a
   * local reference to the workflow's request resource (one on another server is not ours).
   */
  Optional<String> instanceIdOf(Task task) {
    Reference focus = task.getFocus();
    if (focus == null || !focus.hasReference()) {
      return Optional.empty();
    }
    var id = focus.getReferenceElement();
    return workflow.requestResource().equals(id.getResourceType())
            && id.hasIdPart()
            && !id.isAbsolute()
        ? Optional.of(id.getIdPart())
        : Optional.empty();
  }

  private List<String> taskParties(Task task) {
    List<String> facilities = new ArrayList<>();
    for (Reference party : List.of(task.getRequester(), task.getOwner())) {
      uscc(party).filter(code -> !facilities.contains(code)).ifPresent(facilities::add);
    }
    return facilities;
  }

  private Optional<String> uscc(Reference party) {
    if (party == null) {
      return Optional.empty();
    }
    if (party.hasIdentifier() && Canonical.SID_USCC.equals(party.getIdentifier().getSystem())) {
      return Optional.ofNullable(party.getIdentifier().getValue());
    }
    var id = party.getReferenceElement();
    if (!"Organization".equals(id.getResourceType()) || !id.hasIdPart() || id.isAbsolute()) {
      return Optional.empty();
    }
    Organization org =
        fhir.client().read().resource(Organization.class).withId(id.getIdPart()).execute();
    return org.getIdentifier().stream()
        .filter(i -> Canonical.SID_USCC.equals(i.getSystem()))
        .map(Identifier::getValue)
        .findFirst();
  }
}
