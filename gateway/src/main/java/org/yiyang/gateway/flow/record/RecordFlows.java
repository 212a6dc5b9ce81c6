package org.yiyang.gateway.flow.record;

import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.yiyang.mappings.MappingCatalog;

/**
 * The health-record flows the gateway exposes: one per descriptor {@code
 * mappings/flows/<name>/flow.json} of the mapping catalog (issue 23). Adding a flow is adding that
 * folder with its two mappings; no Java. The names below are the flows other Java reads by name
 * (the resident summary, the referral API); the gateway refuses to start without them.
 */
@Component
public class RecordFlows {

  public static final String ASSESSMENT = "assessment";
  public static final String CHECKUP = "checkup";
  public static final String FOLLOWUP = "followup";

  /** Family-doctor contract (家庭医生签约): CareTeam + PractitionerRole, per resident. */
  public static final String CONTRACT = "contract";

  /**
   * Stay events (入住 / 出院 / 转院转机构 / 死亡): the stay as an EpisodeOfCare, and a FHIRPath Patch of the
   * resident's Patient in the same transaction (ADR 0021).
   */
  public static final String STAY = "stay";

  /**
   * Up-referral (上转, issue 6): ServiceRequest + Task, per resident. Taken in and delivered like
   * every record; read back, acted on and answered by the referral workflow ({@code workflow/},
   * {@code mappings/workflows/referral/}), since a referral has a state the record searches do not
   * return.
   */
  public static final String REFERRAL = "referral";

  private final List<RecordFlow> flows;

  public RecordFlows(MappingCatalog catalog) {
    this.flows = catalog.flows().stream().map(RecordFlow::of).toList();
    for (String name : List.of(ASSESSMENT, CHECKUP, FOLLOWUP, CONTRACT, STAY, REFERRAL)) {
      if (flows.stream().noneMatch(f -> f.name().equals(name))) {
        throw new IllegalStateException(
            "No record flow " + name + ": mappings/flows/" + name + "/flow.json is missing");
      }
    }
  }

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
