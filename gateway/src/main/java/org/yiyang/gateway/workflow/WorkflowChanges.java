package org.yiyang.gateway.workflow;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;

/**
 * What change detection and notifications ({@code notify/}) need of a workflow, and all they may
 * use of it: which Tasks and related resources to watch, which events a change is, whom a changed
 * Task or related resource concerns, and the bringing in line of the request after a change. The
 * workflow owns how it reads its instances (store, read mapping, mapping errors); {@code notify}
 * owns polling, webhooks and delivery.
 */
public interface WorkflowChanges {

  /**
   * @param id the instance's id (its request resource's id), as in {@code links}
   * @param facilityCodes the USCC of each eldercare facility the instance concerns
   */
  record Concerned(String id, List<String> facilityCodes) {}

  /** The workflow's event names (its descriptor's {@code events}). */
  record Events(String created, String statusChanged) {}

  /**
   * A resource other than the Task whose changes are told too (the descriptor's {@code related},
   * ADR 0062), e.g. the green-channel Appointment of a referral.
   *
   * @param resourceType what is watched ({@code Appointment})
   * @param searchParam with {@code system} and {@code code}: the token search that selects the
   *     workflow's ones ({@code service-category=…|green-channel})
   * @param requestElement the element that refers to the instance's request ({@code basedOn})
   * @param event the event a change is ({@code referral.green-channel-changed})
   * @param field the event's object that carries the told values ({@code greenChannel})
   * @param values told name → element of the resource, in the order told; {@code status} among them
   * @param quiet statuses never told ({@code proposed}: the facility's own request)
   */
  record Related(
      String resourceType,
      String searchParam,
      String system,
      String code,
      String requestElement,
      String event,
      String field,
      Map<String, String> values,
      Set<String> quiet) {}

  /** The name of the workflow (its descriptor's {@code name}). */
  String workflow();

  /** The workflow's descriptor: its API path and the field naming an instance's id. */
  WorkflowDescriptor descriptor();

  /** The workflow's Tasks carry this {@code Task.code}: {@code system|code}. */
  String taskCodeSystem();

  String taskCode();

  Events events();

  /** The related resources whose changes are told too; none for most workflows. */
  List<Related> related();

  /**
   * Whom a Task version concerns; empty when the Task is not one of the workflow's (no local
   * request in focus).
   *
   * @throws RuntimeException when the FHIR server cannot be reached; the poll is tried again
   */
  Optional<Concerned> describe(Task task);

  /**
   * Whom a version of a related resource concerns: the parties of the instance its {@code
   * requestElement} refers to. Empty when it refers to no local request of the workflow, or to one
   * that is not there.
   *
   * @throws RuntimeException when the FHIR server cannot be reached, or the instance cannot be
   *     rendered in its parties' form (then nobody can be told, and the poller sets it aside)
   */
  Optional<Concerned> describeRelated(Related related, Resource version);

  /**
   * The told values of a related resource's version, in the descriptor's order; an element the
   * version does not have is left out.
   */
  Map<String, String> values(Related related, Resource version);

  /** After a Task changed on the FHIR server: its request follows (issue 26). Never throws. */
  void followed(Task task);
}
