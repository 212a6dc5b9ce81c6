package org.yiyang.gateway.workflow;

import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Task;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.gateway.flow.FlowSteps;

/**
 * The change feed of every workflow ({@link WorkflowChangeFeed}, one per descriptor), and which one
 * a changed Task belongs to: the one whose Task code it carries. {@code notify} watches the Tasks
 * of all of them in one poll.
 */
@Component
public class WorkflowChangeFeeds {

  private final List<WorkflowChanges> all;

  @Autowired
  public WorkflowChangeFeeds(
      Workflows workflows,
      WorkflowStores stores,
      FlowSteps steps,
      FhirServer fhir,
      RequestStatus requestStatus) {
    this.all =
        workflows.all().stream()
            .<WorkflowChanges>map(
                w -> new WorkflowChangeFeed(w, stores.of(w.name()), steps, fhir, requestStatus))
            .toList();
  }

  private WorkflowChangeFeeds(List<WorkflowChanges> all) {
    this.all = List.copyOf(all);
  }

  /** Feeds given as they are (tests, tools). */
  public static WorkflowChangeFeeds of(List<WorkflowChanges> all) {
    return new WorkflowChangeFeeds(all);
  }

  public List<WorkflowChanges> all() {
    return all;
  }

  /** The feed of the workflow whose Task code this Task carries; empty for any other Task. */
  public Optional<WorkflowChanges> of(Task task) {
    for (WorkflowChanges feed : all) {
      for (Coding code : task.getCode().getCoding()) {
        if (feed.taskCodeSystem().equals(code.getSystem())
            && feed.taskCode().equals(code.getCode())) {
          return Optional.of(feed);
        }
      }
    }
    return Optional.empty();
  }
}
