package org.yiyang.gateway.workflow;

import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Task;

/**
 * What change detection and notifications ({@code notify/}) need of a workflow, and all they may
 * use of it: which Tasks to watch, which events a change is, whom a changed Task concerns, and the
 * bringing in line of the request after a change. The workflow owns how it reads its instances
 * (store, read mapping, mapping errors); {@code notify} owns polling, webhooks and delivery.
 */
public interface WorkflowChanges {

  /**
   * @param id the instance's id (its request resource's id), as in {@code links}
   * @param facilityCodes the USCC of each eldercare facility the instance concerns
   */
  record Concerned(String id, List<String> facilityCodes) {}

  /** The workflow's event names (its descriptor's {@code events}). */
  record Events(String created, String statusChanged) {}

  /** The name of the workflow (its descriptor's {@code name}). */
  String workflow();

  /** The workflow's descriptor: its API path and the field naming an instance's id. */
  WorkflowDescriptor descriptor();

  /** The workflow's Tasks carry this {@code Task.code}: {@code system|code}. */
  String taskCodeSystem();

  String taskCode();

  Events events();

  /**
   * Whom a Task version concerns; empty when the Task is not one of the workflow's (no local
   * request in focus).
   *
   * @throws RuntimeException when the FHIR server cannot be reached; the poll is tried again
   */
  Optional<Concerned> describe(Task task);

  /** After a Task changed on the FHIR server: its request follows (issue 26). Never throws. */
  void followed(Task task);
}
