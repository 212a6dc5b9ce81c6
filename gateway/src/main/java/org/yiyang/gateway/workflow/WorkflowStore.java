package org.yiyang.gateway.workflow;

import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Task;

/**
 * Where a workflow's instances live on the FHIR server: one read gives the request with its Task,
 * the Task's earlier versions and whatever the workflow's read mapping renders; a state change is a
 * versioned Task update. One per workflow ({@link #workflow()}), so the engine stays generic.
 */
public interface WorkflowStore {

  /** Marks the Task versions added to a read Bundle: their fullUrl contains this segment. */
  String HISTORY_SEGMENT = "/_history/";

  /** The name of the workflow this store serves (its descriptor's {@code name}). */
  String workflow();

  /** One instance as the read mapping takes it; empty when there is none with this id. */
  Optional<Bundle> read(String id);

  /** The id of a facility's instance, by the facility's own number for it. */
  Optional<String> idByNumber(String facilityCode, String recordNo);

  /**
   * One page of a facility's instances, the most recently changed first: their Tasks, found by the
   * facility's own numbering system (so only its own), of one state if {@code status} is given,
   * changed at or after {@code since} if given.
   */
  Page list(String facilityCode, String status, java.time.Instant since, int offset, int count);

  /** A page of instances and how many there are in all. */
  record Page(int total, java.util.List<Listed> instances) {}

  /**
   * One instance in a list, as its Task says it: the request's id, the facility's number, the
   * resident's number, the state and when the Task last changed.
   */
  record Listed(
      String id, String recordNo, String residentNo, String status, String lastModified) {}

  /**
   * Updates the Task only if it is still at {@code version} ({@code If-Match}); the loser of two
   * writers gets 409 {@code CONCURRENT_CHANGE}.
   *
   * @return the new version id
   */
  String update(Task task, String version);

  /** The current Task of a read instance (the one not added from its history). */
  static Optional<Task> currentTask(Bundle read) {
    return read.getEntry().stream()
        .filter(e -> e.getResource() instanceof Task)
        .filter(e -> e.getFullUrl() == null || !e.getFullUrl().contains(HISTORY_SEGMENT))
        .map(e -> (Task) e.getResource())
        .findFirst();
  }
}
