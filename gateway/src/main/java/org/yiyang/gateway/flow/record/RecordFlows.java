package org.yiyang.gateway.flow.record;

import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.yiyang.profiles.Canonical;

/**
 * The health-record flows the gateway exposes. Adding a flow: its mapping pair under {@code
 * mappings/}, a constant here (listed in {@link #all()}) and its delivery target in {@link
 * RecordDeliveryTargets}.
 */
@Component
public class RecordFlows {

  public static final RecordFlow ASSESSMENT =
      new RecordFlow(
          "assessment",
          "assessments",
          "assessment-to-observations",
          "observations-to-assessment",
          "assessmentNo",
          Canonical.ASSESSMENT_NO_SYSTEM_PREFIX,
          "Observation",
          List.of(),
          List.of());

  public static final RecordFlow CHECKUP =
      new RecordFlow(
          "checkup",
          "checkups",
          "checkup-to-report",
          "report-to-checkup",
          "checkupNo",
          Canonical.CHECKUP_NO_SYSTEM_PREFIX,
          "DiagnosticReport",
          List.of("DiagnosticReport:result", "DiagnosticReport:encounter"),
          List.of());

  public static final RecordFlow FOLLOWUP =
      new RecordFlow(
          "followup",
          "chronic-disease-followups",
          "followup-to-careplan",
          "careplan-to-followup",
          "followUpNo",
          Canonical.FOLLOWUP_NO_SYSTEM_PREFIX,
          "Observation",
          List.of("Observation:based-on"),
          List.of("CarePlan:condition"));

  private final List<RecordFlow> flows = List.of(ASSESSMENT, CHECKUP, FOLLOWUP);

  public List<RecordFlow> all() {
    return flows;
  }

  public Optional<RecordFlow> byPath(String path) {
    return flows.stream().filter(f -> f.path().equals(path)).findFirst();
  }

  public Optional<RecordFlow> byFlowId(String flowId) {
    return flows.stream().filter(f -> f.toFhirFlow().equals(flowId)).findFirst();
  }
}
