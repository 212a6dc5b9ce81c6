package org.yiyang.gateway.flow.resident;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.ErrorRoutes;
import org.yiyang.gateway.flow.FlowSteps;

/**
 * Residents (入住/居家老人): facility JSON to a FHIR Patient, and back. Field logic lives in mappings.
 */
@Component
public class ResidentRoutes extends RouteBuilder {

  public static final String TO_FHIR = "direct:resident.to-fhir";
  public static final String FROM_FHIR = "direct:resident.from-fhir";

  private final FlowSteps steps;
  private final ResidentStore store;

  public ResidentRoutes(FlowSteps steps, ResidentStore store) {
    this.steps = steps;
    this.store = store;
  }

  @Override
  public void configure() {
    from(TO_FHIR)
        .routeId("resident.to-fhir")
        .routeConfigurationId(ErrorRoutes.ID)
        .setHeader(FlowSteps.MAPPING_ID, constant("resident-to-patient"))
        .bean(steps, "parseJson")
        .bean(steps, "checkSource")
        .bean(steps, "mapToFhir")
        .bean(steps, "requireValid")
        .bean(store, "write");

    from(FROM_FHIR)
        .routeId("resident.from-fhir")
        .routeConfigurationId(ErrorRoutes.ID)
        .setHeader(FlowSteps.MAPPING_ID, constant("patient-to-resident"))
        .bean(store, "read")
        .bean(steps, "mapFromFhir")
        .process(e -> e.getMessage().setBody(ApiResponse.of(200, e.getMessage().getBody(), "ok")));
  }
}
