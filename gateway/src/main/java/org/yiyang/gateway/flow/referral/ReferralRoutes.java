package org.yiyang.gateway.flow.referral;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ErrorRoutes;

/**
 * Referral reads and actions (issue 6). Sending an up-referral is the record route {@code
 * referral.to-fhir} ({@code RecordFlows.REFERRAL}): checked, mapped, validated, journaled,
 * delivered.
 */
@Component
public class ReferralRoutes extends RouteBuilder {

  public static final String READ = "direct:referral.read";
  public static final String ACT = "direct:referral.act";
  public static final String READ_BY_NUMBER = "direct:referral.read-by-number";

  private final ReferralActions actions;

  public ReferralRoutes(ReferralActions actions) {
    this.actions = actions;
  }

  @Override
  public void configure() {
    from(READ).routeId("referral.read").routeConfigurationId(ErrorRoutes.ID).bean(actions, "read");
    from(READ_BY_NUMBER)
        .routeId("referral.read-by-number")
        .routeConfigurationId(ErrorRoutes.ID)
        .bean(actions, "readByNumber");
    from(ACT).routeId("referral.act").routeConfigurationId(ErrorRoutes.ID).bean(actions, "act");
  }
}
