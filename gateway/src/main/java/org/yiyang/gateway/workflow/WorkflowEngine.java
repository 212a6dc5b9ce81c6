package org.yiyang.gateway.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.ProducerTemplate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.flow.FlowSteps;
import org.yiyang.gateway.flow.RecordKeys;
import org.yiyang.gateway.flow.record.RecordFlow;
import org.yiyang.gateway.flow.record.RecordIntake;
import org.yiyang.gateway.flow.resident.ResidentIntake;
import org.yiyang.gateway.security.Caller;
import org.yiyang.gateway.security.Role;
import org.yiyang.gateway.security.Tenancy;
import org.yiyang.gateway.workflow.StateTable.Party;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.RegionalValidator;

/**
 * What the parties of a stateful workflow do through the API, for every workflow alike: read an
 * instance, take an action on it, and (through the workflow's intake record flow) create one. The
 * acting party is the caller's organization (its access token, ADR 0050): the facility or the
 * hospital the instance concerns; anyone else gets the answer a missing instance gets. An action is
 * checked against the descriptor's state table and written as one or two versioned Task updates.
 * Actions are not journaled: they depend on the state they were decided on, so they succeed now or
 * fail now (ADR 0040).
 */
@Component
public class WorkflowEngine {

  /** Exchange headers of the workflow routes. */
  public static final String WORKFLOW = "yyWorkflow";

  public static final String INSTANCE_ID = "yyWorkflowInstanceId";
  public static final String ACTION = "yyWorkflowAction";
  public static final String FACILITY_CODE = "yyFacilityCode";
  public static final String RECORD_NO = "yyWorkflowRecordNo";
  public static final String LIST_STATE = "yyWorkflowListState";
  public static final String LIST_SINCE = "yyWorkflowListSince";
  public static final String LIST_PAGE = "yyWorkflowListPage";
  public static final String LIST_SIZE = "yyWorkflowListSize";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Workflows workflows;
  private final WorkflowStores stores;
  private final FlowSteps steps;
  private final RegionalValidator validator;
  private final RequestStatus requestStatus;
  private final ProducerTemplate producer;

  public WorkflowEngine(
      Workflows workflows,
      WorkflowStores stores,
      FlowSteps steps,
      RegionalValidator validator,
      RequestStatus requestStatus,
      ProducerTemplate producer) {
    this.producer = producer;
    this.workflows = workflows;
    this.stores = stores;
    this.steps = steps;
    this.validator = validator;
    this.requestStatus = requestStatus;
  }

  /** Whether an action name is one of this workflow's (others are paths the API does not have). */
  public boolean isAction(String workflow, String action) {
    return workflows.byName(workflow).table().isAction(action);
  }

  /** {@code GET /api/v1/<path>/{id}}: the instance rendered for one of its parties. */
  public ApiResponse read(
      @Header(WORKFLOW) String workflow,
      @Header(INSTANCE_ID) String id,
      @Header(Tenancy.CALLER) Caller caller) {
    WorkflowDescriptor w = workflows.byName(workflow);
    JsonNode json = render(w, requireInstance(w, id));
    requireParty(w, json, caller);
    return ApiResponse.of(200, json, "ok");
  }

  /**
   * {@code GET /api/v1/<path>/{facilityCode}/{recordNo}}: a facility's instance by its own number,
   * answered like {@link #read}.
   */
  public ApiResponse readByNumber(
      @Header(WORKFLOW) String workflow,
      @Header(FACILITY_CODE) String facilityCode,
      @Header(RECORD_NO) String recordNo,
      @Header(Tenancy.CALLER) Caller caller) {
    WorkflowDescriptor w = workflows.byName(workflow);
    RecordKeys.requireFacilityCode(facilityCode);
    RecordKeys.requireRecordNo(w.recordNoField(), recordNo, w.recordNoMaxLength());
    Tenancy.requireOwnOrMissing(caller, facilityCode, () -> numberNotFound(w));
    String id =
        stores.of(workflow).idByNumber(facilityCode, recordNo).orElseThrow(() -> numberNotFound(w));
    return read(workflow, id, caller);
  }

  /**
   * {@code POST /api/v1/<path>/{id}/{action}}: checks who may take the action and in which state,
   * takes in the record an action carries (its descriptor's {@code intake}: checked, mapped,
   * journaled and delivered like any record, with the fields {@code fill} names set from the
   * instance), moves the Task on with {@code If-Match} on the version read, brings the request in
   * line, and answers the instance as it is now. A record that is refused, or only accepted for
   * later delivery (202), is answered as such and the Task does not move.
   */
  public ApiResponse act(
      @Header(WORKFLOW) String workflow,
      @Header(INSTANCE_ID) String id,
      @Header(Tenancy.CALLER) Caller caller,
      @Header(ACTION) String action,
      @Header(ResidentIntake.CORRELATION_ID) String correlationId,
      @Header(RecordIntake.IDEMPOTENCY_KEY) String idempotencyKey,
      byte[] body) {
    WorkflowDescriptor w = workflows.byName(workflow);
    StateTable table = w.table();
    StateTable.Action a = table.actions().get(action);
    String reason = a.intake() == null ? reason(w, action, body) : null;
    JsonNode record = a.intake() == null ? null : steps.parseJson(body);
    Bundle read = requireInstance(w, id);
    JsonNode json = render(w, read);
    requireParty(w, json, caller);
    String direction = w.direction(json);
    Party party = caller.is(Role.FACILITY) ? Party.FACILITY : Party.HOSPITAL;
    if (!table.mayAct(action, direction, party)) {
      throw GatewayException.of(
          ErrorCode.OTHER_PARTYS_ACTION,
          "action",
          w.directions().get(direction).otherPartysAction());
    }
    Task task =
        WorkflowStore.currentTask(read)
            .orElseThrow(
                () ->
                    GatewayException.of(
                        ErrorCode.ILLEGAL_TRANSITION,
                        "status",
                        "status: the " + w.noun() + " has no Task, so its state cannot change."));
    String current = task.hasStatus() ? task.getStatus().toCode() : null;
    List<String> route =
        table.steps(current, action, a.resumes() ? previousState(read, current) : null);
    if (a.intake() != null) {
      ApiResponse taken =
          takeIn(a.intake(), (ObjectNode) record, json, caller, correlationId, idempotencyKey);
      if (taken.status() != 200 && taken.status() != 201) {
        return taken;
      }
    }
    String target = route.get(route.size() - 1);
    String version = task.getMeta().getVersionId();
    for (String step : route) {
      task.setStatus(TaskStatus.fromCode(step));
      task.setLastModified(new Date());
      if (a.resumes()) {
        // The reason it was held (more material needed) no longer holds.
        task.setStatusReason(null);
      }
      if (step.equals(target) && reason != null) {
        task.setStatusReason(new CodeableConcept().setText(reason));
      }
      requireValidTask(task);
      version = stores.of(workflow).update(task, version);
    }
    // The request follows its Task (issue 26): completed, revoked.
    requestStatus.follow(task);
    return ApiResponse.of(200, render(w, requireInstance(w, id)), action);
  }

  /**
   * The state a Task was in before its current one: the status of the newest of its versions (the
   * read's history entries) whose status differs from the current one; null when the read has no
   * such version.
   */
  static String previousState(Bundle read, String current) {
    List<Task> versions = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : read.getEntry()) {
      if (entry.getResource() instanceof Task t
          && entry.getFullUrl() != null
          && entry.getFullUrl().contains(WorkflowStore.HISTORY_SEGMENT)
          && t.getMeta().getVersionId() != null
          && t.getMeta().getVersionId().matches("^[0-9]{1,9}$")) {
        versions.add(t);
      }
    }
    versions.sort(
        Comparator.comparingInt((Task t) -> Integer.parseInt(t.getMeta().getVersionId()))
            .reversed());
    for (Task version : versions) {
      String status = version.hasStatus() ? version.getStatus().toCode() : null;
      if (status != null && !status.equals(current)) {
        return status;
      }
    }
    return null;
  }

  /**
   * The action's record, through its record flow's intake route, as the caller: the fields the
   * descriptor fills are the instance's, whatever the body said.
   */
  private ApiResponse takeIn(
      StateTable.Intake intake,
      ObjectNode record,
      JsonNode instance,
      Caller caller,
      String correlationId,
      String idempotencyKey) {
    intake
        .fill()
        .forEach(
            (field, from) -> {
              JsonNode value = instance.get(from);
              if (value == null || value.isNull()) {
                record.remove(field);
              } else {
                record.set(field, value.deepCopy());
              }
            });
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(record);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("A parsed record cannot be written back", e);
    }
    Exchange taken =
        producer.send(
            RecordFlow.toFhirEndpoint(intake.flow()),
            ex -> {
              ex.getMessage().setBody(bytes);
              ex.getMessage().setHeader(Tenancy.CALLER, caller);
              ex.getMessage().setHeader(ResidentIntake.CORRELATION_ID, correlationId);
              if (idempotencyKey != null) {
                ex.getMessage().setHeader(RecordIntake.IDEMPOTENCY_KEY, idempotencyKey);
              }
            });
    if (taken.getException() instanceof RuntimeException e) {
      throw e;
    }
    if (taken.getException() != null) {
      throw new IllegalStateException(taken.getException());
    }
    return (ApiResponse) taken.getMessage().getBody();
  }

  /**
   * {@code GET /api/v1/<path>?state=&since=&page=&size=}: the caller's own instances, the most
   * recently changed first, as their Tasks say them (no clinical content): id, number, resident,
   * state, last change and link. Parameters are checked and named when wrong (400 GW-1003).
   */
  public ApiResponse list(
      @Header(WORKFLOW) String workflow,
      @Header(Tenancy.CALLER) Caller caller,
      @Header(LIST_STATE) String state,
      @Header(LIST_SINCE) String since,
      @Header(LIST_PAGE) String page,
      @Header(LIST_SIZE) String size) {
    WorkflowDescriptor w = workflows.byName(workflow);
    if (state != null && !w.table().states().contains(state)) {
      throw GatewayException.of(
          ErrorCode.INVALID_VALUE,
          "state",
          "state: must be one of "
              + String.join(", ", new java.util.TreeSet<>(w.table().states())));
    }
    Instant from = null;
    if (since != null) {
      try {
        from = OffsetDateTime.parse(since).toInstant();
      } catch (DateTimeParseException e) {
        throw GatewayException.of(
            ErrorCode.INVALID_VALUE,
            "since",
            "since: must be a date-time with offset, e.g. 2025-06-01T00:00:00+08:00");
      }
    }
    int pageNo = number("page", page, 0, 0, 10_000);
    int pageSize = number("size", size, 20, 1, 100);
    if (caller == null || caller.uscc() == null) {
      throw GatewayException.of(ErrorCode.FORBIDDEN, "", "Only a facility lists its own.");
    }
    WorkflowStore.Page found =
        stores.of(workflow).list(caller.uscc(), state, from, pageNo * pageSize, pageSize);
    ObjectNode answer = JSON.createObjectNode();
    answer.put("total", found.total());
    answer.put("page", pageNo);
    answer.put("size", pageSize);
    var items = answer.putArray(w.path());
    for (WorkflowStore.Listed i : found.instances()) {
      ObjectNode item = items.addObject();
      item.put(w.idField(), i.id());
      if (i.recordNo() != null) {
        item.put(w.recordNoField(), i.recordNo());
      }
      if (i.residentNo() != null) {
        item.put("residentNo", i.residentNo());
      }
      item.put("status", i.status());
      item.put("lastModified", i.lastModified());
      item.put("link", w.instancePath(i.id()));
    }
    return ApiResponse.of(200, answer, "ok");
  }

  private static int number(String name, String value, int absent, int min, int max) {
    if (value == null) {
      return absent;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // named below
    }
    throw GatewayException.of(
        ErrorCode.INVALID_VALUE,
        name,
        name + ": must be a whole number from " + min + " to " + max);
  }

  /**
   * Before a new instance is taken in: the API creates only the directions the calling party
   * creates (a facility sends up-referrals; down-referrals come from the hospital, on the FHIR
   * server). A body that is not a JSON object is left to the intake's own checks, which name the
   * error.
   */
  public void requireCreatable(@Header(WORKFLOW) String workflow, JsonNode body) {
    refuseNotCreatedHere(workflows.byName(workflow), body);
  }

  static void refuseNotCreatedHere(WorkflowDescriptor w, JsonNode body) {
    if (body == null || !body.isObject()) {
      return;
    }
    WorkflowDescriptor.Direction direction =
        w.directions().get(body.path(w.directionField()).asText());
    if (direction != null && direction.notCreatedHere() != null) {
      throw GatewayException.of(
          ErrorCode.INVALID_VALUE, w.directionField(), direction.notCreatedHere());
    }
  }

  /**
   * After the intake answered 201 (or 200 on a resend): the answer names the new instance ({@code
   * <idField>}, {@code record}) and {@code Location} points at it, the id of its request resource.
   * Any other answer (202 accepted for later, a refusal) is passed on unchanged.
   */
  public ApiResponse located(@Header(WORKFLOW) String workflow, ApiResponse answer) {
    return locate(workflows.byName(workflow), answer);
  }

  static ApiResponse locate(WorkflowDescriptor w, ApiResponse answer) {
    if ((answer.status() != 200 && answer.status() != 201)
        || !(answer.body() instanceof ObjectNode body)) {
      return answer;
    }
    String prefix = w.requestResource() + "/";
    String id = null;
    for (JsonNode resource : body.path("resources")) {
      String url = resource.asText();
      if (url.startsWith(prefix)) {
        id = url.substring(prefix.length());
      }
    }
    if (id == null) {
      return answer;
    }
    String location = w.instancePath(id);
    body.put(w.idField(), id);
    body.put("record", location);
    return answer.withHeader("Location", location);
  }

  private JsonNode render(WorkflowDescriptor w, Bundle read) {
    return steps.mapFromFhir(w.readMapping(), read);
  }

  private Bundle requireInstance(WorkflowDescriptor w, String id) {
    return stores.of(w.name()).read(id).orElseThrow(() -> notFound(w));
  }

  private static GatewayException notFound(WorkflowDescriptor w) {
    return GatewayException.of(
        ErrorCode.NOT_FOUND, w.idField(), "No " + w.noun() + " has this " + w.idField() + ".");
  }

  private static GatewayException numberNotFound(WorkflowDescriptor w) {
    return GatewayException.of(
        ErrorCode.NOT_FOUND,
        w.recordNoField(),
        "No " + w.noun() + " with this facility code and " + w.recordNoField() + " is registered.");
  }

  /**
   * Only the parties may read an instance or act on it: the facility and the hospital its caller
   * acts for. To anyone else it does not exist (ADR 0050: the same answer as a missing one).
   */
  private static void requireParty(WorkflowDescriptor w, JsonNode rendered, Caller caller) {
    String party =
        caller != null && caller.is(Role.HOSPITAL)
            ? rendered.path(w.hospitalField()).asText()
            : rendered.path(w.facilityField()).asText();
    if (caller == null || !caller.actsFor(party)) {
      throw notFound(w);
    }
  }

  /**
   * The action's body: empty, or a JSON object with at most {@code reason} (1–500 characters),
   * which the state table may require.
   */
  private String reason(WorkflowDescriptor w, String action, byte[] body) {
    String reason = null;
    if (body != null && body.length > 0) {
      JsonNode json = steps.parseJson(body);
      var names = json.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!name.equals("reason")) {
          throw GatewayException.of(
              ErrorCode.UNKNOWN_FIELD,
              name,
              name + ": is not a field of a " + w.noun() + " action");
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
    if (reason == null && w.table().actions().get(action).reasonRequired()) {
      throw GatewayException.of(
          ErrorCode.REQUIRED_FIELD,
          "reason",
          "reason: is required to " + action + " a " + w.noun());
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
