package org.yiyang.gateway.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.yiyang.gateway.workflow.StateTable.Party;

/**
 * One stateful workflow, as its descriptor {@code mappings/workflows/<name>/workflow.json} states
 * it (shape: {@code mappings/workflow.schema.json}). Everything that differs between referral and
 * the workflows after it is here; the engine, the store's versioned Task updates and the change
 * feed are shared.
 *
 * @param path the API path segment ({@code /api/v1/<path>})
 * @param noun what one instance is called in answers ("referral")
 * @param intake the record flow that takes a new instance in (checked, mapped, journaled)
 * @param readMapping the from-FHIR mapping that renders an instance for its parties
 * @param categoryCodes a request is one of this workflow's when it has one of these categories
 * @param includes the includes (and {@code revIncludes} the reverse includes) of the one search
 *     that reads an instance: everything the read mapping renders
 * @param idField the answer's field carrying the instance id (the request resource's id)
 * @param facilityField the rendered field naming the facility party (its USCC)
 * @param hospitalField the rendered field naming the hospital party
 * @param directionField the rendered field carrying the direction; absent or unknown means {@code
 *     defaultDirection}
 * @param related resources other than the Task whose changes are told too (ADR 0062)
 */
public record WorkflowDescriptor(
    String name,
    String path,
    String noun,
    String intake,
    String readMapping,
    String requestResource,
    String categorySystem,
    Set<String> categoryCodes,
    List<String> includes,
    List<String> revIncludes,
    String idField,
    String recordNoField,
    int recordNoMaxLength,
    String taskCodeSystem,
    String taskCode,
    String facilityField,
    String hospitalField,
    String directionField,
    String defaultDirection,
    Map<String, Direction> directions,
    StateTable table,
    String createdEvent,
    String statusChangedEvent,
    List<WorkflowChanges.Related> related) {

  /**
   * One direction an instance may go.
   *
   * @param createdBy the party that creates instances going this way
   * @param otherPartysAction the refusal when a party takes the other one's action
   * @param notCreatedHere the refusal when the API is asked to create one (null: never asked)
   */
  public record Direction(Party createdBy, String otherPartysAction, String notCreatedHere) {}

  /** The API path of one instance, e.g. {@code /api/v1/referrals/{id}}. */
  public String instancePath(String id) {
    return "/api/v1/" + path + "/" + id;
  }

  /** The direction of a rendered instance. */
  public String direction(JsonNode rendered) {
    String value = rendered.path(directionField).asText();
    return directions.containsKey(value) ? value : defaultDirection;
  }

  /**
   * Reads a descriptor that has passed the schema and checks what the schema cannot: states are
   * Task statuses, the table is consistent, every action's directions exist.
   *
   * @throws IllegalStateException naming the file and the field
   */
  static WorkflowDescriptor of(String file, JsonNode d) {
    try {
      Set<String> states = new LinkedHashSet<>();
      Set<String> taskStatuses = new LinkedHashSet<>();
      for (TaskStatus s : EnumSet.complementOf(EnumSet.of(TaskStatus.NULL))) {
        taskStatuses.add(s.toCode());
      }
      for (JsonNode s : d.path("states")) {
        if (!taskStatuses.contains(s.asText())) {
          throw new IllegalArgumentException("states: " + s.asText() + " is not a Task status");
        }
        states.add(s.asText());
      }
      Map<String, Set<String>> next = new LinkedHashMap<>();
      d.path("transitions").properties().forEach(e -> next.put(e.getKey(), texts(e.getValue())));
      Map<String, Direction> directions = new LinkedHashMap<>();
      d.path("directions")
          .path("values")
          .properties()
          .forEach(
              e ->
                  directions.put(
                      e.getKey(),
                      new Direction(
                          Party.of(e.getValue().path("createdBy").asText()),
                          e.getValue().path("otherPartysAction").asText(),
                          e.getValue().path("notCreatedHere").asText(null))));
      String defaultDirection = d.path("directions").path("default").asText();
      if (!directions.containsKey(defaultDirection)) {
        throw new IllegalArgumentException(
            "directions.default: " + defaultDirection + " is not one of directions.values");
      }
      Map<String, StateTable.Action> actions = new LinkedHashMap<>();
      d.path("actions")
          .properties()
          .forEach(
              e -> {
                JsonNode a = e.getValue();
                Map<String, Set<Party>> by = new LinkedHashMap<>();
                a.path("by")
                    .properties()
                    .forEach(
                        b -> {
                          if (!directions.containsKey(b.getKey())) {
                            throw new IllegalArgumentException(
                                "actions."
                                    + e.getKey()
                                    + ".by: "
                                    + b.getKey()
                                    + " is not one of directions.values");
                          }
                          Set<Party> parties = EnumSet.noneOf(Party.class);
                          b.getValue().forEach(p -> parties.add(Party.of(p.asText())));
                          by.put(b.getKey(), parties);
                        });
                StateTable.Intake intake = null;
                if (a.has("intake")) {
                  Map<String, String> fill = new LinkedHashMap<>();
                  a.path("intake")
                      .path("fill")
                      .properties()
                      .forEach(f -> fill.put(f.getKey(), f.getValue().asText()));
                  intake =
                      new StateTable.Intake(
                          a.path("intake").path("flow").asText(), Map.copyOf(fill));
                }
                actions.put(
                    e.getKey(),
                    new StateTable.Action(
                        e.getKey(),
                        texts(a.path("from")),
                        List.copyOf(texts(a.path("via"))),
                        a.path("to").asText(null),
                        by,
                        "required".equals(a.path("reason").asText()),
                        a.path("resume").asBoolean(false),
                        intake));
              });
      String noun = d.path("noun").asText();
      StateTable table =
          new StateTable(noun, d.path("stateTableDoc").asText(), states, next, actions);
      JsonNode request = d.path("request");
      List<WorkflowChanges.Related> related = related(d.path("related"));
      for (WorkflowChanges.Related r : related) {
        if (r.event().equals(d.path("events").path("created").asText())
            || r.event().equals(d.path("events").path("statusChanged").asText())) {
          throw new IllegalArgumentException(
              "related: " + r.event() + " is already one of the events");
        }
      }
      return new WorkflowDescriptor(
          d.path("name").asText(),
          d.path("path").asText(),
          noun,
          d.path("intake").asText(),
          d.path("read").asText(),
          request.path("resource").asText(),
          request.path("category").path("system").asText(),
          Set.copyOf(texts(request.path("category").path("codes"))),
          List.copyOf(texts(request.path("include"))),
          List.copyOf(texts(request.path("revInclude"))),
          request.path("idField").asText(),
          request.path("recordNoField").asText(),
          request.path("recordNoMaxLength").asInt(),
          d.path("task").path("codeSystem").asText(),
          d.path("task").path("code").asText(),
          d.path("parties").path("facility").asText(),
          d.path("parties").path("hospital").asText(),
          d.path("directions").path("field").asText(),
          defaultDirection,
          Map.copyOf(directions),
          table,
          d.path("events").path("created").asText(),
          d.path("events").path("statusChanged").asText(),
          related);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(file + ": " + e.getMessage(), e);
    }
  }

  private static List<WorkflowChanges.Related> related(JsonNode array) {
    List<WorkflowChanges.Related> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode r = array.get(i);
      Map<String, String> values = new LinkedHashMap<>();
      r.path("values").properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
      String event = r.path("event").asText();
      for (WorkflowChanges.Related earlier : out) {
        if (earlier.event().equals(event)) {
          throw new IllegalArgumentException(
              "related[" + i + "].event: " + event + " is named twice");
        }
      }
      out.add(
          new WorkflowChanges.Related(
              r.path("resource").asText(),
              r.path("select").path("param").asText(),
              r.path("select").path("system").asText(),
              r.path("select").path("code").asText(),
              r.path("request").asText(),
              event,
              r.path("field").asText(),
              Collections.unmodifiableMap(values),
              texts(r.path("quiet"))));
    }
    return List.copyOf(out);
  }

  private static Set<String> texts(JsonNode array) {
    Set<String> out = new LinkedHashSet<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
