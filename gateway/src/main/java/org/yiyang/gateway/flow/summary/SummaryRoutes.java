package org.yiyang.gateway.flow.summary;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ErrorRoutes;

/** The resident's health record summary, read from the FHIR server (issue 4). */
@Component
public class SummaryRoutes extends RouteBuilder {

  public static final String SUMMARY = "direct:resident.summary";

  private final ResidentSummary summary;

  public SummaryRoutes(ResidentSummary summary) {
    this.summary = summary;
  }

  @Override
  public void configure() {
    from(SUMMARY)
        .routeId("resident.summary")
        .routeConfigurationId(ErrorRoutes.ID)
        .bean(summary, "summary");
  }
}
