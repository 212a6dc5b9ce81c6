package org.yiyang.gateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.junit.jupiter.api.Test;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.workflow.StateTable.Party;
import org.yiyang.profiles.ErrorCode;

/**
 * The consultation state table as its descriptor states it: the facility cancels from any open
 * state and answers a request for more material, which takes the consultation back to the state it
 * was in before on-hold (the previous version's, from the Task's history), and only that way.
 */
class ConsultationStateTableTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final WorkflowDescriptor consultation =
      Workflows.load().stream()
          .filter(w -> w.name().equals("consultation"))
          .findFirst()
          .orElseThrow();

  private final StateTable table = consultation.table();

  @Test
  void materialTakesTheConsultationBackToTheStateItLeft() {
    assertThat(table.steps("on-hold", "material", "received")).containsExactly("received");
    assertThat(table.steps("on-hold", "material", "accepted")).containsExactly("accepted");
    assertThat(table.steps("on-hold", "material", "in-progress")).containsExactly("in-progress");
    StateTable.Action material = table.actions().get("material");
    assertThat(material.resumes()).isTrue();
    assertThat(material.intake().flow()).isEqualTo("consultation-material");
    assertThat(material.intake().fill())
        .containsOnlyKeys("facilityCode", "consultationNo", "residentNo");
  }

  @Test
  void materialOutsideOnHoldOrWithoutAStateToGoBackToIs409() {
    for (String[] refused :
        new String[][] {{"received", "requested"}, {"accepted", "received"}, {"on-hold", null}}) {
      assertThatThrownBy(() -> table.steps(refused[0], "material", refused[1]))
          .isInstanceOfSatisfying(
              GatewayException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_TRANSITION);
                assertThat(e.issues().get(0).field()).isEqualTo("status");
              });
    }
    // Back to requested is no step of the table: the hospital had received it.
    assertThatThrownBy(() -> table.steps("on-hold", "material", "requested"))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e ->
                assertThat(e.issues().get(0).message())
                    .contains("from on-hold to requested is not allowed"));
  }

  @Test
  void theFacilityCancelsAnOpenConsultationAndTakesNoHospitalStep() {
    for (String open : List.of("requested", "received", "accepted", "on-hold", "in-progress")) {
      assertThat(table.steps(open, "cancel")).containsExactly("cancelled");
    }
    for (String closed : List.of("rejected", "completed", "cancelled", "failed")) {
      assertThat(table.isFinal(closed)).as(closed).isTrue();
    }
    assertThat(table.mayAct("cancel", "invitation", Party.FACILITY)).isTrue();
    assertThat(table.mayAct("cancel", "invitation", Party.HOSPITAL)).isFalse();
    assertThat(table.mayAct("material", "invitation", Party.HOSPITAL)).isFalse();
    assertThat(table.isAction("accept")).isFalse();
  }

  @Test
  void theStateBeforeIsTheNewestEarlierVersionWithAnotherStatus() {
    Bundle read = new Bundle();
    version(read, 1, TaskStatus.REQUESTED, true);
    version(read, 2, TaskStatus.RECEIVED, true);
    version(read, 3, TaskStatus.ONHOLD, true);
    version(read, 4, TaskStatus.ONHOLD, true);
    version(read, 4, TaskStatus.ONHOLD, false);
    assertThat(WorkflowEngine.previousState(read, "on-hold")).isEqualTo("received");
    assertThat(WorkflowEngine.previousState(new Bundle(), "on-hold")).isNull();
  }

  @Test
  void aResumingActionNeedsNoTargetAndAFixedOneNeedsOne() throws Exception {
    ObjectNode d = descriptor();
    ((ObjectNode) d.path("actions").path("material")).put("to", "received");
    String file = "mappings/workflows/consultation/workflow.json";
    assertThatThrownBy(() -> Workflows.parse(file, Workflows.schema(), d))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file)
        .hasMessageContaining("/actions/material");
    ObjectNode noTarget = descriptor();
    ((ObjectNode) noTarget.path("actions").path("cancel")).remove("to");
    assertThatThrownBy(() -> Workflows.parse(file, Workflows.schema(), noTarget))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/actions/cancel");
  }

  private static void version(Bundle read, int n, TaskStatus status, boolean history) {
    Task t = new Task().setStatus(status);
    t.setId("Task/t1/_history/" + n);
    t.getMeta().setVersionId(String.valueOf(n));
    read.addEntry()
        .setFullUrl("http://fhir.example/fhir/Task/t1" + (history ? "/_history/" + n : ""))
        .setResource(t);
  }

  private static ObjectNode descriptor() throws Exception {
    try (InputStream in =
        ConsultationStateTableTest.class.getResourceAsStream(
            "/mappings/workflows/consultation/workflow.json")) {
      return (ObjectNode) JSON.readTree(in);
    }
  }
}
