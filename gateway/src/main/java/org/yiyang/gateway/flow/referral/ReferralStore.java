package org.yiyang.gateway.flow.referral;

import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.gateway.flow.record.RecordFlows;
import org.yiyang.gateway.workflow.FhirWorkflowStore;
import org.yiyang.gateway.workflow.WorkflowStore;
import org.yiyang.gateway.workflow.Workflows;

/**
 * Referrals on the regional FHIR server: the referral workflow's store as its descriptor states it
 * (one search reads a referral: its ServiceRequest with both organizations and the resident, its
 * Task, green-channel Appointment and attachments, plus the Task's version history). A bean of its
 * own so the referral tests can reach it; it adds nothing to {@link FhirWorkflowStore}.
 */
@Component
public class ReferralStore extends FhirWorkflowStore {

  public ReferralStore(Workflows workflows, RecordFlows recordFlows, FhirServer fhir) {
    super(
        workflows.byName(Workflows.REFERRAL),
        fhir,
        recordFlows.byName(workflows.byName(Workflows.REFERRAL).intake()).recordNoSystemPrefix());
  }

  /** The current Task of a read referral (the one not added from its history). */
  public static Optional<Task> currentTask(Bundle read) {
    return WorkflowStore.currentTask(read);
  }
}
