package org.yiyang.gateway.flow.referral;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;

/**
 * The referral state machine (issue 6, ADR 0040): the one table of legal {@code Task.status}
 * changes. requested → received → accepted | rejected → in-progress → completed | failed, and
 * cancelled from requested, received, accepted or in-progress. Rejected, completed, cancelled and
 * failed are final.
 */
public final class ReferralStates {

  private static final Map<TaskStatus, Set<TaskStatus>> NEXT = new EnumMap<>(TaskStatus.class);

  static {
    NEXT.put(TaskStatus.REQUESTED, EnumSet.of(TaskStatus.RECEIVED, TaskStatus.CANCELLED));
    NEXT.put(
        TaskStatus.RECEIVED,
        EnumSet.of(TaskStatus.ACCEPTED, TaskStatus.REJECTED, TaskStatus.CANCELLED));
    NEXT.put(TaskStatus.ACCEPTED, EnumSet.of(TaskStatus.INPROGRESS, TaskStatus.CANCELLED));
    NEXT.put(
        TaskStatus.INPROGRESS,
        EnumSet.of(TaskStatus.COMPLETED, TaskStatus.CANCELLED, TaskStatus.FAILED));
  }

  /** The states a referral uses (the other Task statuses are never legal for a referral). */
  public static final Set<TaskStatus> STATES =
      EnumSet.of(
          TaskStatus.REQUESTED,
          TaskStatus.RECEIVED,
          TaskStatus.ACCEPTED,
          TaskStatus.REJECTED,
          TaskStatus.INPROGRESS,
          TaskStatus.COMPLETED,
          TaskStatus.CANCELLED,
          TaskStatus.FAILED);

  private ReferralStates() {}

  /** Whether one step from {@code from} to {@code to} is legal. */
  public static boolean allowed(TaskStatus from, TaskStatus to) {
    return NEXT.getOrDefault(from, Set.of()).contains(to);
  }

  /** Whether no change leaves this state. */
  public static boolean isFinal(TaskStatus status) {
    return STATES.contains(status) && !NEXT.containsKey(status);
  }

  /**
   * The steps a facility action takes from the current state to its target: the target alone when
   * that step is legal, or with the one state in between that the facility's action implies
   * (accepting a referral not yet marked received passes through received; completing an accepted
   * one passes through in-progress), so the Task's history keeps every legal state.
   *
   * @throws GatewayException {@link ErrorCode#ILLEGAL_TRANSITION} (409) naming {@code status}
   */
  public static List<TaskStatus> steps(TaskStatus from, TaskStatus to) {
    if (allowed(from, to)) {
      return List.of(to);
    }
    if (to == TaskStatus.ACCEPTED || to == TaskStatus.REJECTED) {
      if (allowed(from, TaskStatus.RECEIVED)) {
        return List.of(TaskStatus.RECEIVED, to);
      }
    }
    if (to == TaskStatus.COMPLETED && allowed(from, TaskStatus.INPROGRESS)) {
      return List.of(TaskStatus.INPROGRESS, to);
    }
    throw illegal(from, to);
  }

  /**
   * @throws GatewayException {@link ErrorCode#ILLEGAL_TRANSITION} unless one step is legal
   */
  public static void requireAllowed(TaskStatus from, TaskStatus to) {
    if (!allowed(from, to)) {
      throw illegal(from, to);
    }
  }

  static GatewayException illegal(TaskStatus from, TaskStatus to) {
    return GatewayException.of(
        ErrorCode.ILLEGAL_TRANSITION,
        "status",
        "status: a referral's change from "
            + (from == null ? "no status" : from.toCode())
            + " to "
            + to.toCode()
            + " is not allowed (see the state table in docs/referrals.md).");
  }
}
