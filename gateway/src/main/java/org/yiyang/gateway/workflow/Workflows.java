package org.yiyang.gateway.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.flow.record.RecordFlows;
import org.yiyang.mappings.Direction;
import org.yiyang.mappings.MappingCatalog;

/**
 * The stateful workflows the gateway serves: one per descriptor {@code
 * mappings/workflows/<name>/workflow.json} on the class path, each checked against {@code
 * mappings/workflow.schema.json} (the JSON Schema engine that checks facility records) and then for
 * consistency, at start-up, so a broken state table stops the gateway naming the file and the field
 * instead of answering wrongly later. Like record flows (ADR 0057), a jar or a test's resources can
 * add one.
 */
@Component
public class Workflows {

  static final String PATTERN = "classpath*:mappings/workflows/*/workflow.json";
  static final String SCHEMA = "mappings/workflow.schema.json";

  /** Referral (issue 6): the workflow Java names, for the referral API and its notifications. */
  public static final String REFERRAL = "referral";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<WorkflowDescriptor> all;

  public Workflows(RecordFlows recordFlows, MappingCatalog catalog) {
    this.all = checked(load());
    for (WorkflowDescriptor w : all) {
      String file = "mappings/workflows/" + w.name() + "/workflow.json";
      if (recordFlows.all().stream().noneMatch(f -> f.name().equals(w.intake()))) {
        throw new IllegalStateException(file + ": intake: no record flow " + w.intake());
      }
      for (StateTable.Action action : w.table().actions().values()) {
        if (action.intake() != null
            && recordFlows.all().stream().noneMatch(f -> f.name().equals(action.intake().flow()))) {
          throw new IllegalStateException(
              file
                  + ": actions."
                  + action.name()
                  + ".intake.flow: no record flow "
                  + action.intake().flow());
        }
      }
      if (!catalog.ids().contains(w.readMapping())
          || catalog.get(w.readMapping()).direction() != Direction.FROM_FHIR) {
        throw new IllegalStateException(file + ": read: no from-FHIR mapping " + w.readMapping());
      }
    }
  }

  /** A descriptor shipped with the gateway, read and checked alone (tests, tools). */
  public static WorkflowDescriptor shipped(String name) {
    return load().stream()
        .filter(w -> w.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no workflow " + name));
  }

  /** The rules across descriptors: referral is there, no two share a path. */
  static List<WorkflowDescriptor> checked(List<WorkflowDescriptor> all) {
    if (all.stream().noneMatch(w -> w.name().equals(REFERRAL))) {
      throw new IllegalStateException(
          "No workflow referral: mappings/workflows/referral/workflow.json is missing");
    }
    for (WorkflowDescriptor w : all) {
      if (all.stream().filter(o -> o.path().equals(w.path())).count() > 1) {
        throw new IllegalStateException("Two workflows have the path " + w.path());
      }
    }
    return List.copyOf(all);
  }

  public List<WorkflowDescriptor> all() {
    return all;
  }

  /** The workflow of this name; Java only ever names existing ones (checked at start-up). */
  public WorkflowDescriptor byName(String name) {
    return all.stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
  }

  /** The workflow a record flow takes new instances in for, if any. */
  public Optional<WorkflowDescriptor> byIntake(String recordFlow) {
    return all.stream().filter(w -> w.intake().equals(recordFlow)).findFirst();
  }

  /** Reads and checks every descriptor on the class path. */
  static List<WorkflowDescriptor> load() {
    try {
      JsonSchema schema = schema();
      Resource[] found = new PathMatchingResourcePatternResolver().getResources(PATTERN);
      List<WorkflowDescriptor> out = new ArrayList<>();
      for (Resource resource : found) {
        String file = "mappings/workflows/" + folder(resource) + "/workflow.json";
        try (InputStream in = resource.getInputStream()) {
          out.add(parse(file, schema, JSON.readTree(in)));
        }
      }
      out.sort(Comparator.comparing(WorkflowDescriptor::name));
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("Workflow descriptors cannot be read", e);
    }
  }

  static JsonSchema schema() throws IOException {
    try (InputStream in = Workflows.class.getClassLoader().getResourceAsStream(SCHEMA)) {
      if (in == null) {
        throw new IllegalStateException(SCHEMA + " is missing");
      }
      JsonSchema schema =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
              .getSchema(
                  JSON.readTree(in),
                  SchemaValidatorsConfig.builder()
                      .formatAssertionsEnabled(true)
                      .failFast(false)
                      .build());
      schema.initializeValidators();
      return schema;
    }
  }

  /**
   * One descriptor: the schema first, then the rules across its fields.
   *
   * @throws IllegalStateException naming the file, the field and the rule
   */
  static WorkflowDescriptor parse(String file, JsonSchema schema, JsonNode json) {
    Set<ValidationMessage> problems = schema.validate(json);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          file
              + ": "
              + problems.stream()
                  .map(m -> m.getInstanceLocation() + ": " + m.getMessage())
                  .sorted()
                  .toList());
    }
    WorkflowDescriptor d = WorkflowDescriptor.of(file, json);
    if (!file.equals("mappings/workflows/" + d.name() + "/workflow.json")) {
      throw new IllegalStateException(file + ": name: must be the folder's name");
    }
    return d;
  }

  private static String folder(Resource resource) throws IOException {
    String url = resource.getURL().toString();
    String[] parts = url.split("/");
    return parts[parts.length - 2];
  }
}
