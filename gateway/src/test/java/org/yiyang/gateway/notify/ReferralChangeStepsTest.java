package org.yiyang.gateway.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.yiyang.gateway.notify.NotifyState.Handled;
import org.yiyang.gateway.workflow.WorkflowChanges;

/** Which Task versions become which notifications (the poller's decision, without a server). */
class ReferralChangeStepsTest {

  /** The referral workflow's events, as its descriptor names them. */
  private static final WorkflowChanges.Events EVENTS =
      new WorkflowChanges.Events(Notifications.CREATED, Notifications.STATUS_CHANGED);

  private static Task version(long v, Task.TaskStatus status) {
    Task t = new Task();
    t.setId("Task/t1/_history/" + v);
    t.setStatus(status);
    return t;
  }

  @Test
  void theFirstVersionIsANewReferralAndEachStatusChangeAnEvent() {
    List<ReferralChangePoller.Step> steps =
        ReferralChangePoller.steps(
            EVENTS,
            Optional.empty(),
            List.of(
                version(1, Task.TaskStatus.REQUESTED),
                version(2, Task.TaskStatus.REQUESTED),
                version(3, Task.TaskStatus.ACCEPTED),
                version(4, Task.TaskStatus.INPROGRESS)));
    assertThat(steps)
        .extracting(ReferralChangePoller.Step::event)
        .containsExactly(
            Notifications.CREATED,
            null,
            Notifications.STATUS_CHANGED,
            Notifications.STATUS_CHANGED);
    assertThat(steps)
        .extracting(ReferralChangePoller.Step::previousStatus)
        .containsExactly(null, "requested", "requested", "accepted");
  }

  @Test
  void afterAHandledVersionOnlyARealStatusChangeIsAnEvent() {
    List<ReferralChangePoller.Step> steps =
        ReferralChangePoller.steps(
            EVENTS,
            Optional.of(new Handled(3, "accepted")),
            List.of(version(4, Task.TaskStatus.ACCEPTED), version(5, Task.TaskStatus.COMPLETED)));
    assertThat(steps)
        .extracting(ReferralChangePoller.Step::event)
        .containsExactly(null, Notifications.STATUS_CHANGED);
    assertThat(steps.get(1).previousStatus()).isEqualTo("accepted");
  }
}
