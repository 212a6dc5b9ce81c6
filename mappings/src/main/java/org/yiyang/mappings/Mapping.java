package org.yiyang.mappings;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.yiyang.profiles.ErrorCode;

/**
 * One compiled mapping: the JSON Schema of its input and its JSONata expression. Immutable and safe
 * for concurrent use (see docs/adr/0020-jsonata-mapping-engine.md: each evaluation runs in its own
 * JSONata frame).
 */
public final class Mapping {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String id;
  private final Direction direction;
  private final SourceSchema schema;
  private final Jsonata expression;
  private final String schemaResource;

  Mapping(
      String id,
      Direction direction,
      SourceSchema schema,
      Jsonata expression,
      String schemaResource) {
    this.id = id;
    this.direction = direction;
    this.schema = schema;
    this.expression = expression;
    this.schemaResource = schemaResource;
  }

  /**
   * Where its source schema is on the class path, e.g. {@code
   * mappings/to-fhir/resident-to-patient/source.schema.json} (a flow kept in one folder has it
   * under {@code mappings/flows/<flow>/}).
   */
  public String sourceSchemaResource() {
    return schemaResource;
  }

  /** The folder name, e.g. {@code resident-to-patient}. */
  public String id() {
    return id;
  }

  public Direction direction() {
    return direction;
  }

  /**
   * Checks {@code input} against the mapping's source schema and business rules.
   *
   * @return every issue, ordered by field; empty when the input may be mapped
   */
  /**
   * Whether the records this mapping takes carry attachments in base64 (its schema uses {@code
   * x-attachments}): the gateway allows such records a larger body.
   */
  public boolean carriesAttachments() {
    return schema.carriesAttachments();
  }

  public List<SourceIssue> checkSource(JsonNode input) {
    return schema.check(input);
  }

  /**
   * Throws when {@link #checkSource} finds issues.
   *
   * @throws MappingException with the first issue's code and all issues
   */
  public void requireValidSource(JsonNode input) {
    List<SourceIssue> issues = checkSource(input);
    if (!issues.isEmpty()) {
      throw new MappingException(issues.get(0).code(), issues);
    }
  }

  /**
   * Maps an input that passed {@link #checkSource}. Null values and empty arrays or objects are
   * dropped from the result (FHIR JSON allows none of them).
   *
   * @throws MappingException GW-2001 for a code without translation, GW-9002 when the mapping
   *     itself fails on this input
   */
  public JsonNode apply(JsonNode input) {
    Object data = JSON.convertValue(input, Object.class);
    Object result;
    try {
      // A fresh frame per call: the expression's own environment is shared and never written.
      result = expression.evaluate(data, expression.createFrame());
    } catch (RuntimeException e) {
      throw translate(e);
    }
    if (!(result instanceof Map<?, ?>)) {
      throw MappingException.of(
          ErrorCode.MAPPING_DEFINITION, "", "mapping " + id + " produced no JSON object");
    }
    JsonNode output = JSON.valueToTree(result);
    prune(output);
    return output;
  }

  /** {@link #requireValidSource} then {@link #apply}. */
  public JsonNode checkAndApply(JsonNode input) {
    requireValidSource(input);
    return apply(input);
  }

  private MappingException translate(RuntimeException error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof MappingException mapping) {
        return mapping;
      }
    }
    String detail;
    if (error instanceof JException jex) {
      // The error code and position only: JSONata messages may quote input values.
      detail = "JSONata error " + jex.getError() + " at position " + jex.getLocation();
    } else {
      detail = error.getClass().getSimpleName();
    }
    return new MappingException(
        ErrorCode.MAPPING_DEFINITION,
        List.of(
            new SourceIssue(
                ErrorCode.MAPPING_DEFINITION, "", "mapping " + id + " failed: " + detail)),
        error);
  }

  /** Removes nulls and empty containers, depth first; true when {@code node} ends up empty. */
  static boolean prune(JsonNode node) {
    if (node instanceof ObjectNode object) {
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        JsonNode value = fields.next().getValue();
        if (value.isNull() || prune(value)) {
          fields.remove();
        }
      }
      return object.isEmpty();
    }
    if (node instanceof ArrayNode array) {
      Iterator<JsonNode> items = array.elements();
      while (items.hasNext()) {
        JsonNode value = items.next();
        if (value.isNull() || prune(value)) {
          items.remove();
        }
      }
      return array.isEmpty();
    }
    return false;
  }

  @Override
  public String toString() {
    return direction.folder() + "/" + id;
  }
}
