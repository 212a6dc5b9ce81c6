package org.yiyang.gateway.flow.referral;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.camel.Header;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.flow.FlowSteps;
import org.yiyang.gateway.security.Caller;
import org.yiyang.gateway.security.Role;
import org.yiyang.gateway.security.Tenancy;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.RegionalValidator;

/**
 * What the parties do with a referral through the API: read it, and accept, reject, complete or
 * cancel it. The acting party is the caller's organization (its access token, ADR 0050): the
 * facility or the hospital the referral concerns; anyone else gets the answer a missing referral
 * gets. Each action is one or two versioned Task updates checked against {@link ReferralStates}.
 * Actions are not journaled: they depend on the state they were decided on, so they succeed now or
 * fail now (ADR 0040).
 */
@Component
public class ReferralActions {

  /** Exchange headers of the referral routes. */
  public static final String REFERRAL_ID = "yyReferralId";

  public static final String ACTION = "yyReferralAction";
  public static final String FACILITY_CODE = "yyFacilityCode";
  public static final String REFERRAL_NO = "yyReferralNo";

  /** The actions of the API and the status each one leads to. */
  static final Map<String, TaskStatus> TARGETS =
      Map.of(
          "accept", TaskStatus.ACCEPTED,
          "reject", TaskStatus.REJECTED,
          "complete", TaskStatus.COMPLETED,
          "cancel", TaskStatus.CANCELLED);

  private final ReferralStore store;
  private final ReferralReader reader;
  private final FlowSteps steps;
  private final RegionalValidator validator;
  private final ReferralRequestStatus requestStatus;

  public ReferralActions(
      ReferralStore store,
      ReferralReader reader,
      FlowSteps steps,
      RegionalValidator validator,
      ReferralRequestStatus requestStatus) {
    this.store = store;
    this.reader = reader;
    this.steps = steps;
    this.validator = validator;
    this.requestStatus = requestStatus;
  }

  /** Whether an action name is one of the API's. */
  public static boolean isAction(String action) {
    return TARGETS.containsKey(action);
  }

  /** {@code GET /api/v1/referrals/{id}}: the referral in facility form, for one of its parties. */
  public ApiResponse read(
      @Header(REFERRAL_ID) String referralId, @Header(Tenancy.CALLER) Caller caller) {
    Bundle read = requireReferral(referralId);
    JsonNode json = reader.toFacilityJson(read);
    requireParty(json, caller);
    return ApiResponse.of(200, json, "ok");
  }

  /**
   * {@code POST /api/v1/referrals/{id}/{action}}: moves the Task on, with {@code If-Match} on the
   * version read, and answers the referral as it is now.
   */
  public ApiResponse act(
      @Header(REFERRAL_ID) String referralId,
      @Header(Tenancy.CALLER) Caller caller,
      @Header(ACTION) String action,
      byte[] body) {
    String reason = reason(action, body);
    Bundle read = requireReferral(referralId);
    JsonNode json = reader.toFacilityJson(read);
    requireParty(json, caller);
    boolean up = !"down".equals(json.path("direction").asText());
    requireOwnStep(up, caller.is(Role.FACILITY), action);
    Task task =
        ReferralStore.currentTask(read)
            .orElseThrow(
                () ->
                    GatewayException.of(
                        ErrorCode.ILLEGAL_TRANSITION,
                        "status",
                        "status: the referral has no Task, so its state cannot change."));
    TaskStatus target = TARGETS.get(action);
    String version = task.getMeta().getVersionId();
    for (TaskStatus step : ReferralStates.steps(task.getStatus(), target)) {
      task.setStatus(step);
      task.setLastModified(new Date());
      if (step == target && reason != null) {
        task.setStatusReason(new CodeableConcept().setText(reason));
      }
      requireValidTask(task);
      version = store.update(task, version);
    }
    // The request follows its Task (issue 26): completed, revoked.
    requestStatus.follow(task);
    Bundle now = requireReferral(referralId);
    return ApiResponse.of(200, reader.toFacilityJson(now), action);
  }

  /**
   * {@code GET /api/v1/referrals/{facilityCode}/{referralNo}}: an up-referral by the facility's own
   * number, answered like {@link #read}.
   */
  public ApiResponse readByNumber(
      @Header(FACILITY_CODE) String facilityCode,
      @Header(REFERRAL_NO) String referralNo,
      @Header(Tenancy.CALLER) Caller caller) {
    org.yiyang.gateway.flow.RecordKeys.requireFacilityCode(facilityCode);
    org.yiyang.gateway.flow.RecordKeys.requireRecordNo("referralNo", referralNo, 32);
    Tenancy.requireOwnOrMissing(caller, facilityCode, ReferralActions::numberNotFound);
    String id =
        store.idByNumber(facilityCode, referralNo).orElseThrow(ReferralActions::numberNotFound);
    return read(id, caller);
  }

  private static GatewayException numberNotFound() {
    return GatewayException.of(
        ErrorCode.NOT_FOUND,
        "referralNo",
        "No referral with this facility code and referralNo is registered.");
  }

  private static GatewayException notFound() {
    return GatewayException.of(
        ErrorCode.NOT_FOUND, "referralId", "No referral has this referralId.");
  }

  private Bundle requireReferral(String referralId) {
    return store.read(referralId).orElseThrow(ReferralActions::notFound);
  }

  /**
   * Only the parties may read a referral or act on it: the facility ({@code facilityCode}) and the
   * hospital ({@code hospitalCode}) its caller acts for. To anyone else it does not exist (ADR
   * 0050: the same answer as a missing referral).
   */
  private static void requireParty(JsonNode referral, Caller caller) {
    String party =
        caller != null && caller.is(Role.HOSPITAL)
            ? referral.path("hospitalCode").asText()
            : referral.path("facilityCode").asText();
    if (caller == null || !caller.actsFor(party)) {
      throw notFound();
    }
  }

  /**
   * Whose step an action is: on an up-referral the facility cancels and the hospital accepts,
   * rejects and completes; on a down-referral the facility accepts, rejects, completes (or cancels)
   * and the hospital cancels.
   */
  private static void requireOwnStep(boolean up, boolean facility, String action) {
    boolean cancel = "cancel".equals(action);
    boolean allowed = facility ? (!up || cancel) : (up ? !cancel : cancel);
    if (!allowed) {
      throw GatewayException.of(
          ErrorCode.OTHER_PARTYS_ACTION,
          "action",
          up
              ? "action: on an up-referral the receiving hospital accepts, rejects and completes;"
                  + " the referring facility can only cancel it."
              : "action: on a down-referral the receiving facility accepts, rejects and completes;"
                  + " the referring hospital can only cancel it.");
    }
  }

  /**
   * The action's body: empty, or a JSON object with at most {@code reason} (1–500 characters),
   * which a rejection requires.
   */
  private String reason(String action, byte[] body) {
    String reason = null;
    if (body != null && body.length > 0) {
      JsonNode json = steps.parseJson(body);
      var names = json.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!name.equals("reason")) {
          throw GatewayException.of(
              ErrorCode.UNKNOWN_FIELD, name, name + ": is not a field of a referral action");
        }
      }
      JsonNode value = json.get("reason");
      if (value != null) {
        if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > 500) {
          throw GatewayException.of(
              ErrorCode.INVALID_VALUE, "reason", "reason: must be a text of 1 to 500 characters");
        }
        reason = value.asText();
      }
    }
    if (reason == null && "reject".equals(action)) {
      throw GatewayException.of(
          ErrorCode.REQUIRED_FIELD, "reason", "reason: is required to reject a referral");
    }
    return reason;
  }

  private void requireValidTask(Task task) {
    List<RegionalValidator.ValidationIssue> errors = validator.errors(task);
    if (!errors.isEmpty()) {
      throw new GatewayException(
          ErrorCode.PROFILE_VIOLATION,
          errors.stream()
              .map(
                  i ->
                      new GatewayException.Issue(
                          ErrorCode.PROFILE_VIOLATION, i.location(), i.message()))
              .toList());
    }
  }
}
