package org.yiyang.gateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.junit.jupiter.api.Test;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.workflow.StateTable.Party;
import org.yiyang.profiles.ErrorCode;

/**
 * The referral state table as its descriptor states it, checked against the table written out
 * independently here (docs/referrals.md): every legal step, every action in every state, who may
 * take it, and the exact refusals the referral API has always answered. No Spring, no FHIR server.
 */
class ReferralStateTableTest {

  private static final List<String> STATES =
      List.of(
          "requested",
          "received",
          "accepted",
          "rejected",
          "in-progress",
          "completed",
          "cancelled",
          "failed");

  /** The legal one-step changes. */
  private static final Set<String> LEGAL =
      Set.of(
          "requested>received",
          "requested>cancelled",
          "received>accepted",
          "received>rejected",
          "received>cancelled",
          "accepted>in-progress",
          "accepted>cancelled",
          "in-progress>completed",
          "in-progress>cancelled",
          "in-progress>failed");

  /** Each action from each state it may be taken in, and the Task states it writes. */
  private static final Map<String, List<String>> ROUTES =
      Map.ofEntries(
          Map.entry("accept@requested", List.of("received", "accepted")),
          Map.entry("accept@received", List.of("accepted")),
          Map.entry("reject@requested", List.of("received", "rejected")),
          Map.entry("reject@received", List.of("rejected")),
          Map.entry("complete@accepted", List.of("in-progress", "completed")),
          Map.entry("complete@in-progress", List.of("completed")),
          Map.entry("cancel@requested", List.of("cancelled")),
          Map.entry("cancel@received", List.of("cancelled")),
          Map.entry("cancel@accepted", List.of("cancelled")),
          Map.entry("cancel@in-progress", List.of("cancelled")));

  private static final Map<String, String> TARGET =
      Map.of(
          "accept",
          "accepted",
          "reject",
          "rejected",
          "complete",
          "completed",
          "cancel",
          "cancelled");

  private final WorkflowDescriptor referral = load();

  private static WorkflowDescriptor load() {
    return Workflows.load().stream()
        .filter(w -> w.name().equals(Workflows.REFERRAL))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void everyPairOfTaskStatusesIsLegalExactlyWhenTheTableSaysSo() {
    StateTable table = referral.table();
    Set<String> seen = new HashSet<>();
    for (TaskStatus from : TaskStatus.values()) {
      for (TaskStatus to : TaskStatus.values()) {
        if (from == TaskStatus.NULL || to == TaskStatus.NULL) {
          continue;
        }
        String pair = from.toCode() + ">" + to.toCode();
        assertThat(table.allowed(from.toCode(), to.toCode()))
            .as(pair)
            .isEqualTo(LEGAL.contains(pair));
        if (LEGAL.contains(pair)) {
          seen.add(pair);
        }
      }
    }
    assertThat(seen).isEqualTo(LEGAL);
    assertThat(table.states()).containsExactlyInAnyOrderElementsOf(STATES);
  }

  @Test
  void finalStatesHaveNoWayOut() {
    for (String s : List.of("rejected", "completed", "cancelled", "failed")) {
      assertThat(referral.table().isFinal(s)).as(s).isTrue();
    }
    for (String s : List.of("requested", "received", "accepted", "in-progress")) {
      assertThat(referral.table().isFinal(s)).as(s).isFalse();
    }
  }

  @Test
  void everyActionInEveryStateIsTakenOrRefusedWithTheStateRule() {
    StateTable table = referral.table();
    assertThat(table.actions().keySet())
        .containsExactlyInAnyOrder("accept", "reject", "complete", "cancel");
    int taken = 0;
    for (String action : TARGET.keySet()) {
      for (String state : STATES) {
        List<String> expected = ROUTES.get(action + "@" + state);
        if (expected != null) {
          assertThat(table.steps(state, action)).as(action + "@" + state).isEqualTo(expected);
          taken++;
        } else {
          assertThatThrownBy(() -> table.steps(state, action))
              .as(action + "@" + state)
              .isInstanceOfSatisfying(
                  GatewayException.class,
                  e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_TRANSITION);
                    assertThat(e.code().httpStatus()).isEqualTo(409);
                    assertThat(e.issues().get(0).field()).isEqualTo("status");
                    assertThat(e.issues().get(0).message())
                        .isEqualTo(
                            "status: a referral's change from "
                                + state
                                + " to "
                                + TARGET.get(action)
                                + " is not allowed (see the state table in docs/referrals.md).");
                  });
        }
      }
    }
    assertThat(taken).isEqualTo(ROUTES.size());
    assertThatThrownBy(() -> table.steps(null, "cancel"))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e ->
                assertThat(e.issues().get(0).message())
                    .contains("change from no status to cancelled"));
  }

  @Test
  void onAnUpReferralTheHospitalDecidesAndTheFacilityCancels() {
    StateTable table = referral.table();
    for (String action : List.of("accept", "reject", "complete")) {
      assertThat(table.mayAct(action, "up", Party.HOSPITAL)).as(action).isTrue();
      assertThat(table.mayAct(action, "up", Party.FACILITY)).as(action).isFalse();
    }
    assertThat(table.mayAct("cancel", "up", Party.FACILITY)).isTrue();
    assertThat(table.mayAct("cancel", "up", Party.HOSPITAL)).isFalse();
  }

  @Test
  void onADownReferralTheFacilityDecidesAndEitherPartyCancels() {
    StateTable table = referral.table();
    for (String action : List.of("accept", "reject", "complete", "cancel")) {
      assertThat(table.mayAct(action, "down", Party.FACILITY)).as(action).isTrue();
    }
    for (String action : List.of("accept", "reject", "complete")) {
      assertThat(table.mayAct(action, "down", Party.HOSPITAL)).as(action).isFalse();
    }
    assertThat(table.mayAct("cancel", "down", Party.HOSPITAL)).isTrue();
  }

  @Test
  void theDescriptorCarriesTheReferralFacts() throws Exception {
    assertThat(referral.path()).isEqualTo("referrals");
    assertThat(referral.intake()).isEqualTo("referral");
    assertThat(referral.readMapping()).isEqualTo("servicerequest-to-referral");
    assertThat(referral.instancePath("abc")).isEqualTo("/api/v1/referrals/abc");
    assertThat(referral.createdEvent()).isEqualTo("referral.created");
    assertThat(referral.statusChangedEvent()).isEqualTo("referral.status-changed");
    assertThat(referral.table().actions().get("reject").reasonRequired()).isTrue();
    assertThat(referral.table().actions().get("accept").reasonRequired()).isFalse();
    ObjectMapper json = new ObjectMapper();
    assertThat(referral.direction(json.readTree("{\"direction\":\"down\"}"))).isEqualTo("down");
    assertThat(referral.direction(json.readTree("{}"))).isEqualTo("up");
    assertThat(referral.directions().get("down").notCreatedHere())
        .isEqualTo(
            "direction: a facility sends up-referrals; down-referrals come from the hospital.");
    assertThat(referral.directions().get("up").notCreatedHere()).isNull();
  }

  @Test
  void aBrokenDescriptorStopsStartUpNamingTheFileAndTheField() throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode good;
    try (InputStream in =
        getClass()
            .getClassLoader()
            .getResourceAsStream("mappings/workflows/referral/workflow.json")) {
      good = (ObjectNode) json.readTree(in);
    }
    String file = "mappings/workflows/referral/workflow.json";

    ObjectNode unknownField = good.deepCopy();
    unknownField.put("colour", "blue");
    assertThatThrownBy(() -> Workflows.parse(file, Workflows.schema(), unknownField))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file)
        .hasMessageContaining("colour");

    ObjectNode unknownState = good.deepCopy();
    ((ArrayNode) unknownState.path("transitions").path("accepted")).add("paused");
    assertThatThrownBy(() -> Workflows.parse(file, Workflows.schema(), unknownState))
        .hasMessageContaining(file)
        .hasMessageContaining("transitions.accepted: paused is not one of the states");

    ObjectNode unreachable = good.deepCopy();
    ((ArrayNode) unreachable.path("actions").path("complete").path("from")).add("requested");
    assertThatThrownBy(() -> Workflows.parse(file, Workflows.schema(), unreachable))
        .hasMessageContaining("actions.complete.from: requested cannot reach completed");

    ObjectNode notATaskStatus = good.deepCopy();
    ((ArrayNode) notATaskStatus.path("states")).add("paused");
    assertThatThrownBy(() -> Workflows.parse(file, Workflows.schema(), notATaskStatus))
        .hasMessageContaining("states: paused is not a Task status");

    ObjectNode otherFolder = good.deepCopy();
    otherFolder.put("name", "consultation");
    assertThatThrownBy(() -> Workflows.parse(file, Workflows.schema(), otherFolder))
        .hasMessageContaining("name: must be the folder's name");

    // ADR 0062: a related resource's event is its own, and what it tells includes its status.
    ObjectNode relatedTwice = good.deepCopy();
    ((ObjectNode) relatedTwice.path("related").get(0)).put("event", "referral.created");
    assertThatThrownBy(() -> Workflows.parse(file, Workflows.schema(), relatedTwice))
        .hasMessageContaining("related: referral.created is already one of the events");
    ObjectNode noStatus = good.deepCopy();
    ((ObjectNode) noStatus.path("related").get(0).path("values")).remove("status");
    assertThatThrownBy(() -> Workflows.parse(file, Workflows.schema(), noStatus))
        .hasMessageContaining(file)
        .hasMessageContaining("status");
  }

  @Test
  void theGreenChannelAppointmentIsTheReferralsRelatedResource() throws Exception {
    WorkflowDescriptor referral =
        Workflows.load().stream()
            .filter(w -> w.name().equals("referral"))
            .findFirst()
            .orElseThrow();
    assertThat(referral.related()).hasSize(1);
    WorkflowChanges.Related green = referral.related().get(0);
    assertThat(green.resourceType()).isEqualTo("Appointment");
    assertThat(green.searchParam()).isEqualTo("service-category");
    assertThat(green.code()).isEqualTo("green-channel");
    assertThat(green.requestElement()).isEqualTo("basedOn");
    assertThat(green.event()).isEqualTo("referral.green-channel-changed");
    assertThat(green.field()).isEqualTo("greenChannel");
    assertThat(green.values().keySet()).containsExactly("status", "start", "end");
    assertThat(green.quiet()).containsExactly("proposed");
  }
}
