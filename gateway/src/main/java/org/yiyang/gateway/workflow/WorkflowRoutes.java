package org.yiyang.gateway.workflow;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ErrorRoutes;

/**
 * Each workflow's reads, list and actions: {@code <name>.read}, {@code <name>.read-by-number},
 * {@code <name>.list} and {@code <name>.act}, all run by the {@link WorkflowEngine}. Creating an
 * instance is its intake record route ({@code <intake>.to-fhir}): checked, mapped, validated,
 * journaled, delivered.
 */
@Component
public class WorkflowRoutes extends RouteBuilder {

  private final Workflows workflows;
  private final WorkflowEngine engine;

  public WorkflowRoutes(Workflows workflows, WorkflowEngine engine) {
    this.workflows = workflows;
    this.engine = engine;
  }

  public static String read(String workflow) {
    return "direct:" + workflow + ".read";
  }

  public static String readByNumber(String workflow) {
    return "direct:" + workflow + ".read-by-number";
  }

  public static String act(String workflow) {
    return "direct:" + workflow + ".act";
  }

  public static String list(String workflow) {
    return "direct:" + workflow + ".list";
  }

  @Override
  public void configure() {
    for (WorkflowDescriptor w : workflows.all()) {
      from(read(w.name()))
          .routeId(w.name() + ".read")
          .routeConfigurationId(ErrorRoutes.ID)
          .setHeader(WorkflowEngine.WORKFLOW, constant(w.name()))
          .bean(engine, "read");
      from(readByNumber(w.name()))
          .routeId(w.name() + ".read-by-number")
          .routeConfigurationId(ErrorRoutes.ID)
          .setHeader(WorkflowEngine.WORKFLOW, constant(w.name()))
          .bean(engine, "readByNumber");
      from(act(w.name()))
          .routeId(w.name() + ".act")
          .routeConfigurationId(ErrorRoutes.ID)
          .setHeader(WorkflowEngine.WORKFLOW, constant(w.name()))
          .bean(engine, "act");
      from(list(w.name()))
          .routeId(w.name() + ".list")
          .routeConfigurationId(ErrorRoutes.ID)
          .setHeader(WorkflowEngine.WORKFLOW, constant(w.name()))
          .bean(engine, "list");
    }
  }
}
