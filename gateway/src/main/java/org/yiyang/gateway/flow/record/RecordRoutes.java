package org.yiyang.gateway.flow.record;

import java.util.Optional;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.ErrorRoutes;
import org.yiyang.gateway.flow.FlowSteps;
import org.yiyang.gateway.workflow.WorkflowDescriptor;
import org.yiyang.gateway.workflow.WorkflowEngine;
import org.yiyang.gateway.workflow.Workflows;

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
  private final Workflows workflows;
  private final WorkflowEngine engine;

  public RecordRoutes(
      RecordFlows flows,
      FlowSteps steps,
      RecordIntake intake,
      RecordReader reader,
      Workflows workflows,
      WorkflowEngine engine) {
    this.flows = flows;
    this.steps = steps;
    this.intake = intake;
    this.reader = reader;
    this.workflows = workflows;
    this.engine = engine;
  }

  @Override
  public void configure() {
    for (RecordFlow flow : flows.all()) {
      // The intake of a stateful workflow (referral): the workflow decides what the API may
      // create, and names the created instance in the answer.
      Optional<WorkflowDescriptor> workflow = workflows.byIntake(flow.name());
      RouteDefinition toFhir =
          from(flow.toFhirEndpoint())
              .routeId(flow.name() + ".to-fhir")
              .routeConfigurationId(ErrorRoutes.ID)
              .setHeader(FLOW, constant(flow.name()))
              .setHeader(FlowSteps.MAPPING_ID, constant(flow.toFhirMapping()))
              .bean(intake, "requireCapacity")
              .bean(steps, "parseJson");
      if (workflow.isPresent()) {
        toFhir
            .setHeader(WorkflowEngine.WORKFLOW, constant(workflow.get().name()))
            .bean(engine, "requireCreatable");
      }
      toFhir
          .bean(steps, "checkSource")
          .bean(steps, "requireOwnRecord")
          .setProperty(RecordIntake.SOURCE, body())
          .bean(intake, "requireRegisteredResident")
          .bean(steps, "mapToFhir")
          .bean(steps, "requireValid")
          .bean(intake, "accept");
      if (workflow.isPresent()) {
        toFhir.bean(engine, "located");
      }

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
