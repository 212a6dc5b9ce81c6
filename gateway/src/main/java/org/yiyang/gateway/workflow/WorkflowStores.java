package org.yiyang.gateway.workflow;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.gateway.flow.record.RecordFlows;

/**
 * The store of each workflow: a {@link WorkflowStore} bean naming it if there is one (referral's),
 * otherwise a {@link FhirWorkflowStore} built from its descriptor, so a new workflow needs no Java.
 */
@Component
public class WorkflowStores {

  private final Map<String, WorkflowStore> stores = new HashMap<>();

  public WorkflowStores(
      Workflows workflows, List<WorkflowStore> beans, RecordFlows recordFlows, FhirServer fhir) {
    beans.forEach(b -> stores.put(b.workflow(), b));
    for (WorkflowDescriptor w : workflows.all()) {
      stores.computeIfAbsent(
          w.name(),
          n ->
              new FhirWorkflowStore(
                  w, fhir, recordFlows.byName(w.intake()).recordNoSystemPrefix()));
    }
  }

  /** The store of a workflow Java names (checked at start-up). */
  public WorkflowStore of(String workflow) {
    return stores.get(workflow);
  }
}
