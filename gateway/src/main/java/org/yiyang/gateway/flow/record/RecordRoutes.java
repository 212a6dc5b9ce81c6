package org.yiyang.gateway.flow.record;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.ErrorRoutes;
import org.yiyang.gateway.flow.FlowSteps;

/**
 * Health-record flows (issue 4): one route shape, many mappings. Each flow gets a to-FHIR route
 * (check, map, validate, journal, deliver) and a from-FHIR route (one search, map back).
 */
@Component
public class RecordRoutes extends RouteBuilder {

  /** Exchange header naming the record flow ({@link RecordFlow#name()}). */
  public static final String FLOW = "yyRecordFlow";

  public static final String FACILITY_CODE = "yyFacilityCode";
  public static final String RECORD_NO = "yyRecordNo";

  private final RecordFlows flows;
  private final FlowSteps steps;
  private final RecordIntake intake;
  private final RecordReader reader;

  public RecordRoutes(
      RecordFlows flows, FlowSteps steps, RecordIntake intake, RecordReader reader) {
    this.flows = flows;
    this.steps = steps;
    this.intake = intake;
    this.reader = reader;
  }

  @Override
  public void configure() {
    for (RecordFlow flow : flows.all()) {
      from(flow.toFhirEndpoint())
          .routeId(flow.name() + ".to-fhir")
          .routeConfigurationId(ErrorRoutes.ID)
          .setHeader(FLOW, constant(flow.name()))
          .setHeader(FlowSteps.MAPPING_ID, constant(flow.toFhirMapping()))
          .bean(intake, "requireCapacity")
          .bean(steps, "parseJson")
          .bean(steps, "checkSource")
          .bean(steps, "requireOwnRecord")
          .setProperty(RecordIntake.SOURCE, body())
          .bean(intake, "requireRegisteredResident")
          .bean(steps, "mapToFhir")
          .bean(steps, "requireValid")
          .bean(intake, "accept");

      from(flow.fromFhirEndpoint())
          .routeId(flow.name() + ".from-fhir")
          .routeConfigurationId(ErrorRoutes.ID)
          .setHeader(FLOW, constant(flow.name()))
          .setHeader(FlowSteps.MAPPING_ID, constant(flow.fromFhirMapping()))
          .bean(reader, "read")
          .bean(steps, "mapFromFhir")
          .bean(steps, "requireComplete")
          .process(
              e -> e.getMessage().setBody(ApiResponse.of(200, e.getMessage().getBody(), "ok")));
    }
  }
}
