package org.yiyang.gateway.flow.referral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hl7.fhir.r4.model.Task.TaskStatus.ACCEPTED;
import static org.hl7.fhir.r4.model.Task.TaskStatus.CANCELLED;
import static org.hl7.fhir.r4.model.Task.TaskStatus.COMPLETED;
import static org.hl7.fhir.r4.model.Task.TaskStatus.FAILED;
import static org.hl7.fhir.r4.model.Task.TaskStatus.INPROGRESS;
import static org.hl7.fhir.r4.model.Task.TaskStatus.RECEIVED;
import static org.hl7.fhir.r4.model.Task.TaskStatus.REJECTED;
import static org.hl7.fhir.r4.model.Task.TaskStatus.REQUESTED;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.junit.jupiter.api.Test;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;

class ReferralStatesTest {

  /** The legal steps, written out independently of the class's table. */
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

  @Test
  void everyPairOfStatesIsLegalExactlyWhenTheTableSaysSo() {
    Set<String> seen = new HashSet<>();
    for (TaskStatus from : TaskStatus.values()) {
      for (TaskStatus to : TaskStatus.values()) {
        if (from == TaskStatus.NULL || to == TaskStatus.NULL) {
          continue;
        }
        String pair = from.toCode() + ">" + to.toCode();
        assertThat(ReferralStates.allowed(from, to)).as(pair).isEqualTo(LEGAL.contains(pair));
        if (LEGAL.contains(pair)) {
          seen.add(pair);
        }
      }
    }
    assertThat(seen).isEqualTo(LEGAL);
  }

  @Test
  void finalStatesHaveNoWayOut() {
    for (TaskStatus status : List.of(REJECTED, COMPLETED, CANCELLED, FAILED)) {
      assertThat(ReferralStates.isFinal(status)).as(status.toCode()).isTrue();
    }
    for (TaskStatus status : List.of(REQUESTED, RECEIVED, ACCEPTED, INPROGRESS)) {
      assertThat(ReferralStates.isFinal(status)).as(status.toCode()).isFalse();
    }
  }

  @Test
  void anIllegalChangeIsA409NamingStatusAndTheRule() {
    assertThatThrownBy(() -> ReferralStates.requireAllowed(COMPLETED, ACCEPTED))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_TRANSITION);
              assertThat(e.code().httpStatus()).isEqualTo(409);
              assertThat(e.issues().get(0).field()).isEqualTo("status");
              assertThat(e.issues().get(0).message())
                  .contains("from completed to accepted is not allowed");
            });
  }

  @Test
  void facilityActionsPassThroughTheStateTheyImply() {
    assertThat(ReferralStates.steps(REQUESTED, ACCEPTED)).containsExactly(RECEIVED, ACCEPTED);
    assertThat(ReferralStates.steps(RECEIVED, ACCEPTED)).containsExactly(ACCEPTED);
    assertThat(ReferralStates.steps(REQUESTED, REJECTED)).containsExactly(RECEIVED, REJECTED);
    assertThat(ReferralStates.steps(ACCEPTED, COMPLETED)).containsExactly(INPROGRESS, COMPLETED);
    assertThat(ReferralStates.steps(INPROGRESS, COMPLETED)).containsExactly(COMPLETED);
    assertThat(ReferralStates.steps(REQUESTED, CANCELLED)).containsExactly(CANCELLED);
    for (TaskStatus done : List.of(REJECTED, COMPLETED, CANCELLED, FAILED)) {
      for (TaskStatus to : List.of(ACCEPTED, REJECTED, COMPLETED, CANCELLED)) {
        assertThatThrownBy(() -> ReferralStates.steps(done, to))
            .as(done.toCode() + ">" + to.toCode())
            .isInstanceOf(GatewayException.class);
      }
    }
    assertThatThrownBy(() -> ReferralStates.steps(REQUESTED, COMPLETED))
        .isInstanceOf(GatewayException.class);
  }
}
