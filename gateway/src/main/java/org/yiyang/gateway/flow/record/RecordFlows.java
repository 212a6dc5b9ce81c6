package org.yiyang.gateway.flow.record;

import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.yiyang.profiles.Canonical;

/**
 * The health-record flows the gateway exposes. Adding a flow: its mapping pair under {@code
 * mappings/}, and a constant here, listed in {@link #all()}.
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
          List.of(),
          true);

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
          List.of(),
          true);

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
          List.of("CarePlan:condition"),
          true);

  /** Family-doctor contract (家庭医生签约): CareTeam + PractitionerRole, per resident. */
  public static final RecordFlow CONTRACT =
      new RecordFlow(
          "contract",
          "family-doctor-contracts",
          "contract-to-careteam",
          "careteam-to-contract",
          "contractNo",
          Canonical.CONTRACT_NO_SYSTEM_PREFIX,
          "CareTeam",
          List.of("CareTeam:participant"),
          List.of(),
          true);

  /** Cooperation agreement (医养签约): OrganizationAffiliation between two organisations. */
  public static final RecordFlow AGREEMENT =
      new RecordFlow(
          "agreement",
          "cooperation-agreements",
          "agreement-to-affiliation",
          "affiliation-to-agreement",
          "agreementNo",
          Canonical.AGREEMENT_NO_SYSTEM_PREFIX,
          "OrganizationAffiliation",
          List.of(
              "OrganizationAffiliation:primary-organization",
              "OrganizationAffiliation:participating-organization"),
          List.of(),
          false);

  /**
   * Stay events (入住 / 出院 / 转院转机构 / 死亡): the stay as an EpisodeOfCare, and a FHIRPath Patch of the
   * resident's Patient in the same transaction (ADR 0021).
   */
  public static final RecordFlow STAY =
      new RecordFlow(
          "stay",
          "stay-events",
          "stay-event-to-episode",
          "episode-to-stay-event",
          "stayNo",
          Canonical.STAY_NO_SYSTEM_PREFIX,
          "EpisodeOfCare",
          List.of(),
          List.of(),
          true);

  /**
   * Up-referral (上转, issue 6): ServiceRequest + Task, per resident. Taken in and delivered like
   * every record; read back, acted on and answered by {@code flow/referral/} (the API's {@code
   * ReferralController}), since a referral has a state the record searches do not return.
   */
  public static final RecordFlow REFERRAL =
      new RecordFlow(
          "referral",
          "referrals",
          "referral-to-servicerequest",
          "servicerequest-to-referral",
          "referralNo",
          Canonical.REFERRAL_NO_SYSTEM_PREFIX,
          "ServiceRequest",
          List.of(),
          List.of(),
          true);

  private final List<RecordFlow> flows =
      List.of(ASSESSMENT, CHECKUP, FOLLOWUP, CONTRACT, AGREEMENT, STAY, REFERRAL);

  public List<RecordFlow> all() {
    return flows;
  }

  public Optional<RecordFlow> byPath(String path) {
    return flows.stream().filter(f -> f.path().equals(path)).findFirst();
  }

  /** The flow of this name; routes only ever name existing flows. */
  public RecordFlow byName(String name) {
    return flows.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }
}
