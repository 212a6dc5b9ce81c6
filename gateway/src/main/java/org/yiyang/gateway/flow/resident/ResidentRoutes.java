package org.yiyang.gateway.flow.resident;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.ErrorRoutes;
import org.yiyang.gateway.flow.FlowSteps;

/**
 * Residents (入住/居家老人): facility JSON to a FHIR Patient, and back. Field logic lives in mappings.
 * Accepted records go to the journal and from there to the FHIR server ({@link ResidentStore}).
 */
@Component
public class ResidentRoutes extends RouteBuilder {

  public static final String TO_FHIR = "direct:resident.to-fhir";
  public static final String FROM_FHIR = "direct:resident.from-fhir";

  private final FlowSteps steps;
  private final ResidentStore store;
  private final ResidentIntake intake;

  public ResidentRoutes(FlowSteps steps, ResidentStore store, ResidentIntake intake) {
    this.steps = steps;
    this.store = store;
    this.intake = intake;
  }

  @Override
  public void configure() {
    from(TO_FHIR)
        .routeId("resident.to-fhir")
        .routeConfigurationId(ErrorRoutes.ID)
        .setHeader(FlowSteps.MAPPING_ID, constant("resident-to-patient"))
        .bean(intake, "requireCapacity")
        .bean(steps, "parseJson")
        .bean(steps, "checkSource")
        .bean(steps, "requireOwnRecord")
        .bean(steps, "mapToFhir")
        .bean(steps, "requireValid")
        // A person already registered as another resident: 409 now, not after journaling.
        .bean(store, "requireNoConflict")
        // Journaled before any answer; delivered by ResidentStore (a DeliveryTarget).
        .bean(intake, "accept");

    from(FROM_FHIR)
        .routeId("resident.from-fhir")
        .routeConfigurationId(ErrorRoutes.ID)
        .setHeader(FlowSteps.MAPPING_ID, constant("patient-to-resident"))
        .bean(store, "read")
        .bean(steps, "mapFromFhir")
        .bean(steps, "requireComplete")
        .process(e -> e.getMessage().setBody(ApiResponse.of(200, e.getMessage().getBody(), "ok")));
  }
}
