package org.yiyang.gateway.workflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;

/**
 * A workflow's state table, read from its descriptor: the legal one-step changes of {@code
 * Task.status} (whoever makes them, on the FHIR server or through the API) and the API's actions,
 * each with the states it may start from, the state it leads to, the states it may pass through and
 * the party that may take it in each direction. Pure data and rules, so the whole table is testable
 * without Spring or a FHIR server; refusals are the 409s the referral API has always answered.
 */
public final class StateTable {

  /** The two kinds of organization that act on a workflow (ADR 0050 roles). */
  public enum Party {
    FACILITY,
    HOSPITAL;

    static Party of(String code) {
      return valueOf(code.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /**
   * One API action.
   *
   * @param from the states it may be taken in
   * @param via states it may pass through on its way, each its own Task version, when the direct
   *     step is not in the table (accepting a referral not yet received passes through received)
   * @param to the state it leads to; null for an action that resumes
   * @param by per direction, the parties that may take it
   * @param resumes whether it leads back to the state the Task was in before the current one (out
   *     of on-hold), which must be a legal step from the current state
   * @param intake the record flow its body is taken in by before the Task moves, if any
   */
  public record Action(
      String name,
      Set<String> from,
      List<String> via,
      String to,
      Map<String, Set<Party>> by,
      boolean reasonRequired,
      boolean resumes,
      Intake intake) {

    /** An action that moves the Task to a fixed state and has no body but a reason. */
    public Action(
        String name,
        Set<String> from,
        List<String> via,
        String to,
        Map<String, Set<Party>> by,
        boolean reasonRequired) {
      this(name, from, via, to, by, reasonRequired, false, null);
    }
  }

  /**
   * The record an action takes in: its body, of the record flow {@code flow}, whose fields named in
   * {@code fill} the gateway sets from the rendered instance (record field → instance field).
   */
  public record Intake(String flow, Map<String, String> fill) {}

  private final String noun;
  private final String doc;
  private final Set<String> states;
  private final Map<String, Set<String>> next;
  private final Map<String, Action> actions;

  /**
   * @param noun what the workflow calls one instance, in refusals ("referral")
   * @param doc where the table is explained to people, named in refusals
   * @throws IllegalArgumentException when the table contradicts itself (an unknown state, an action
   *     whose from-state cannot reach its target through the table)
   */
  public StateTable(
      String noun,
      String doc,
      Set<String> states,
      Map<String, Set<String>> next,
      Map<String, Action> actions) {
    this.noun = noun;
    this.doc = doc;
    this.states = Set.copyOf(new LinkedHashSet<>(states));
    this.next = Map.copyOf(new LinkedHashMap<>(next));
    this.actions = Map.copyOf(new LinkedHashMap<>(actions));
    check();
  }

  private void check() {
    next.forEach(
        (from, tos) -> {
          requireState("transitions", from);
          tos.forEach(to -> requireState("transitions." + from, to));
        });
    for (Action action : actions.values()) {
      String at = "actions." + action.name();
      if (action.resumes()) {
        for (String from : action.from()) {
          requireState(at + ".from", from);
          if (!next.containsKey(from)) {
            throw new IllegalArgumentException(
                at + ".from: " + from + " is final, there is nothing to resume");
          }
        }
        continue;
      }
      requireState(at + ".to", action.to());
      action.via().forEach(v -> requireState(at + ".via", v));
      for (String from : action.from()) {
        requireState(at + ".from", from);
        if (route(from, action).isEmpty()) {
          throw new IllegalArgumentException(
              at + ".from: " + from + " cannot reach " + action.to() + " through the transitions");
        }
      }
    }
  }

  private void requireState(String at, String state) {
    if (!states.contains(state)) {
      throw new IllegalArgumentException(at + ": " + state + " is not one of the states");
    }
  }

  public Set<String> states() {
    return states;
  }

  public Map<String, Action> actions() {
    return actions;
  }

  /** Whether one step from {@code from} to {@code to} is legal. */
  public boolean allowed(String from, String to) {
    return from != null && next.getOrDefault(from, Set.of()).contains(to);
  }

  /** Whether no change leaves this state. */
  public boolean isFinal(String state) {
    return states.contains(state) && !next.containsKey(state);
  }

  /** Whether an action name is one of the API's. */
  public boolean isAction(String action) {
    return actions.containsKey(action);
  }

  /**
   * The Task states an action writes, in order, from the current state: its target alone when that
   * step is legal, or through one of its {@code via} states.
   *
   * @throws GatewayException {@link ErrorCode#ILLEGAL_TRANSITION} (409) naming {@code status} when
   *     the action cannot be taken in this state
   */
  public List<String> steps(String current, String action) {
    return steps(current, action, null);
  }

  /**
   * The same, for any action: one that resumes goes back to {@code previous}, the state the Task
   * was in before the current one, if that step is in the table.
   *
   * @throws GatewayException {@link ErrorCode#ILLEGAL_TRANSITION} (409) naming {@code status} when
   *     the action cannot be taken in this state
   */
  public List<String> steps(String current, String action, String previous) {
    Action a = actions.get(action);
    if (a.resumes()) {
      if (!a.from().contains(current) || previous == null || !allowed(current, previous)) {
        throw illegal(current, previous == null ? "the state before it" : previous);
      }
      return List.of(previous);
    }
    List<String> route = a.from().contains(current) ? route(current, a) : List.of();
    if (route.isEmpty()) {
      throw illegal(current, a.to());
    }
    return route;
  }

  private List<String> route(String from, Action action) {
    if (allowed(from, action.to())) {
      return List.of(action.to());
    }
    for (String via : action.via()) {
      if (allowed(from, via) && allowed(via, action.to())) {
        List<String> route = new ArrayList<>();
        route.add(via);
        route.add(action.to());
        return List.copyOf(route);
      }
    }
    return List.of();
  }

  /**
   * @throws GatewayException {@link ErrorCode#ILLEGAL_TRANSITION} unless one step is legal
   */
  public void requireAllowed(String from, String to) {
    if (!allowed(from, to)) {
      throw illegal(from, to);
    }
  }

  /** Whether {@code party} may take {@code action} on an instance going {@code direction}. */
  public boolean mayAct(String action, String direction, Party party) {
    return actions.get(action).by().getOrDefault(direction, Set.of()).contains(party);
  }

  GatewayException illegal(String from, String to) {
    return GatewayException.of(
        ErrorCode.ILLEGAL_TRANSITION,
        "status",
        "status: a "
            + noun
            + "'s change from "
            + (from == null ? "no status" : from)
            + " to "
            + to
            + " is not allowed (see the state table in "
            + doc
            + ").");
  }
}
