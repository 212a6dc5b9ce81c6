package org.yiyang.gateway.apidocs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.OAuthFlow;
import io.swagger.v3.oas.models.security.OAuthFlows;
import io.swagger.v3.oas.models.security.Scopes;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.yiyang.gateway.flow.record.RecordFlow;
import org.yiyang.gateway.flow.record.RecordFlows;
import org.yiyang.mappings.Mapping;
import org.yiyang.mappings.MappingCatalog;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ErrorCode;

/**
 * The facility API's OpenAPI 3.1 document (issue 21), served open at {@link #DOCUMENT} with Swagger
 * UI at {@link #PAGE}. springdoc reads the paths, methods and parameters from the controllers; this
 * customizer adds what the code cannot say: each record's body is the JSON Schema its mapping
 * checks ({@code mappings/to-fhir/<id>/source.schema.json}, loaded here, so the document and the
 * gateway share one source of truth), errors are OperationOutcomes with the gateway's codes, and
 * the security scheme is the gateway's OAuth2 client credentials. The collection handler {@code
 * /api/v1/{collection}} is written out per record flow, as vendors call it. {@code /fhir} (the FHIR
 * server, described by its own CapabilityStatement) and the FHIR server's wake-up call stay out.
 */
@Configuration
public class ApiDocs {

  public static final String DOCUMENT = "/api/v1/openapi.json";
  public static final String PAGE = "/api/v1/docs";
  public static final String SECURITY_SCHEME = "gateway";
  public static final String OPERATION_OUTCOME = "OperationOutcome";

  /** The resident flow is not a record flow; its mapping is named by its route. */
  static final String RESIDENTS = "/api/v1/residents";

  static final String RESIDENT_MAPPING = "resident-to-patient";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FHIR_JSON = "application/fhir+json";
  private static final String APPLICATION_JSON = "application/json";

  @Bean
  public OpenApiCustomizer gatewayApi(RecordFlows records, MappingCatalog catalog) {
    return api -> customize(api, records, catalog);
  }

  /** Which to-FHIR mapping's source schema is the body of a POST to each path. */
  static Map<String, String> bodies(RecordFlows records) {
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put(RESIDENTS, RESIDENT_MAPPING);
    for (RecordFlow flow : records.all()) {
      bodies.put("/api/v1/" + flow.path(), flow.toFhirMapping());
    }
    return bodies;
  }

  static void customize(OpenAPI api, RecordFlows records, MappingCatalog catalog) {
    api.info(
        new Info()
            .title("Yiyang Gateway facility API")
            .version("v1")
            .description(
                "Eldercare facility systems send records as JSON and read them back; every error"
                    + " is a FHIR OperationOutcome carrying a gateway code (GW-xxxx). Tokens:"
                    + " OAuth2 client credentials at /oauth2/token. The FHIR server at /fhir is"
                    + " described by its CapabilityStatement (GET /fhir/metadata)."));
    api.getComponents()
        .addSecuritySchemes(
            SECURITY_SCHEME,
            new SecurityScheme()
                .type(SecurityScheme.Type.OAUTH2)
                .description(
                    "Client credentials: private_key_jwt, or client_secret_basic where the"
                        + " deployment allows it. The token's role and USCC decide what a call"
                        + " may do.")
                .flows(
                    new OAuthFlows()
                        .clientCredentials(
                            new OAuthFlow().tokenUrl("/oauth2/token").scopes(new Scopes()))));
    api.setSecurity(List.of(new SecurityRequirement().addList(SECURITY_SCHEME)));
    api.getComponents().addSchemas(OPERATION_OUTCOME, schema(operationOutcome()));

    Map<String, String> bodies = bodies(records);
    for (String mapping : new java.util.TreeSet<>(bodies.values())) {
      api.getComponents().addSchemas(mapping, schema(sourceSchema(catalog.get(mapping))));
    }
    writeOutCollections(api.getPaths(), records);

    for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
      for (Map.Entry<PathItem.HttpMethod, Operation> op :
          path.getValue().readOperationsMap().entrySet()) {
        describe(
            path.getKey(),
            op.getKey(),
            op.getValue(),
            bodies.get(path.getKey()),
            bodies.get(path.getKey()) == null ? null : catalog.get(bodies.get(path.getKey())));
      }
    }
  }

  /**
   * {@code /api/v1/{collection}} and its read-back become one path per record flow; a path that has
   * a handler of its own (referrals) keeps that handler's operation.
   */
  private static void writeOutCollections(Paths paths, RecordFlows records) {
    PathItem post = paths.remove("/api/v1/{collection}");
    PathItem read = paths.remove("/api/v1/{collection}/{facilityCode}/{recordNo}");
    for (RecordFlow flow : records.all()) {
      String base = "/api/v1/" + flow.path();
      if (post != null && post.getPost() != null) {
        PathItem item = paths.computeIfAbsent(base, p -> new PathItem());
        if (item.getPost() == null) {
          item.setPost(copy(post.getPost(), flow, "send"));
        }
      }
      String readPath = base + "/{facilityCode}/{recordNo}";
      if (read != null && read.getGet() != null && !hasTemplateOf(paths, readPath)) {
        Operation get = copy(read.getGet(), flow, "read");
        get.setDescription(
            "Reads one record back from the FHIR server, in the format it was sent; recordNo is"
                + " the record's "
                + flow.recordNoField()
                + ".");
        paths.addPathItem(readPath, new PathItem().get(get));
      }
    }
  }

  /** Whether a path of the same shape (e.g. /api/v1/referrals/{a}/{b}) is documented already. */
  private static boolean hasTemplateOf(Paths paths, String path) {
    String shape = path.replaceAll("\\{[^}]+}", "{}");
    return paths.keySet().stream().anyMatch(p -> p.replaceAll("\\{[^}]+}", "{}").equals(shape));
  }

  private static Operation copy(Operation template, RecordFlow flow, String verb) {
    List<Parameter> parameters = new ArrayList<>();
    if (template.getParameters() != null) {
      for (Parameter p : template.getParameters()) {
        if (!"collection".equals(p.getName())) {
          parameters.add(p);
        }
      }
    }
    return new Operation()
        .operationId(verb + "_" + flow.name().replace('-', '_'))
        .summary(template.getSummary())
        .description(template.getDescription())
        .tags(template.getTags())
        .parameters(parameters)
        .requestBody(template.getRequestBody())
        .responses(template.getResponses());
  }

  /** Body, answers and headers of one operation. */
  private static void describe(
      String path, PathItem.HttpMethod method, Operation op, String bodyMapping, Mapping body) {
    if (op.getParameters() != null) {
      // OpenAPI ignores a Content-Type header parameter: the body's media type says it.
      op.getParameters()
          .removeIf(p -> "header".equals(p.getIn()) && "Content-Type".equals(p.getName()));
    }
    boolean record = method == PathItem.HttpMethod.POST && bodyMapping != null;
    if (record) {
      op.setRequestBody(
          new RequestBody()
              .required(true)
              .description("One record, as the mapping " + bodyMapping + " takes it in.")
              .content(
                  new Content()
                      .addMediaType(
                          APPLICATION_JSON,
                          new MediaType().schema(ref(bodyMapping)).example(sample(body)))));
    } else if (op.getRequestBody() != null) {
      op.setRequestBody(
          new RequestBody()
              .required(false)
              .description("A JSON object; its fields are listed in docs/api.md.")
              .content(json(new Schema<>().types(java.util.Set.of("object")))));
    }
    ApiResponses answers = new ApiResponses();
    if (record) {
      answers.addApiResponse("201", answer("Created: delivered to the FHIR server as new."));
      answers.addApiResponse("200", answer("Updated, or unchanged on an identical resend."));
      answers.addApiResponse(
          "202",
          answer(
              "Accepted: journaled, delivery goes on; Location and the body's status name the"
                  + " message to poll (GET /api/v1/messages/{id})."));
    } else if (op.getResponses() != null) {
      op.getResponses()
          .forEach(
              (status, r) ->
                  answers.addApiResponse(
                      status, answer(r.getDescription() == null ? "OK" : r.getDescription())));
    }
    boolean hasBody = method == PathItem.HttpMethod.POST || method == PathItem.HttpMethod.PUT;
    if (hasBody) {
      answers.addApiResponse("400", error("The body breaks the format (GW-1xxx)."));
      answers.addApiResponse("413", error("The body is too large (GW-1009)."));
      answers.addApiResponse("415", error("The body is not application/json (GW-1010)."));
    }
    answers.addApiResponse(
        "401", error("No token, or the token was refused (GW-1030); see WWW-Authenticate."));
    answers.addApiResponse(
        "403", error("The token's role or organization may not (GW-1031, GW-1021)."));
    if (path.contains("{")) {
      answers.addApiResponse("404", error("No such object, or another organization's (GW-1011)."));
    }
    if (record) {
      answers.addApiResponse("409", error("The record conflicts with one already registered."));
      answers.addApiResponse(
          "422", error("Mapping, terminology or profile errors (GW-2xxx, GW-3xxx)."));
      answers.addApiResponse(
          "503", error("Backlog full or disk nearly full (GW-9003, GW-9025); see Retry-After."));
    }
    answers.addApiResponse("429", error("Too many requests (GW-1032); see Retry-After."));
    op.setResponses(answers);
  }

  private static ApiResponse answer(String description) {
    return new ApiResponse()
        .description(description)
        .content(json(new Schema<>().types(java.util.Set.of("object"))));
  }

  private static ApiResponse error(String description) {
    return new ApiResponse()
        .description(description)
        .content(
            new Content().addMediaType(FHIR_JSON, new MediaType().schema(ref(OPERATION_OUTCOME))));
  }

  private static Content json(Schema<?> schema) {
    return new Content().addMediaType(APPLICATION_JSON, new MediaType().schema(schema));
  }

  private static Schema<?> ref(String component) {
    return new Schema<>().$ref("#/components/schemas/" + component);
  }

  /** A mapping's source schema, with its local {@code $defs} written in place. */
  static JsonNode sourceSchema(Mapping mapping) {
    ObjectNode schema = (ObjectNode) read("/" + mapping.sourceSchemaResource());
    JsonNode defs = schema.remove("$defs");
    schema.remove("$schema");
    return inline(schema, defs);
  }

  /** The sample beside a mapping's source schema. */
  static JsonNode sample(Mapping mapping) {
    return read(
        "/" + mapping.sourceSchemaResource().replaceAll("source\\.schema\\.json$", "sample.json"));
  }

  private static JsonNode inline(JsonNode node, JsonNode defs) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.asText().startsWith("#/$defs/") && defs != null) {
        return inline(defs.get(ref.asText().substring("#/$defs/".length())).deepCopy(), defs);
      }
      ObjectNode copy = JSON.createObjectNode();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        copy.set(f.getKey(), inline(f.getValue(), defs));
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JSON.createArrayNode();
      node.forEach(n -> copy.add(inline(n, defs)));
      return copy;
    }
    return node;
  }

  /** FHIR's OperationOutcome as the gateway answers it, its codes those of {@link ErrorCode}. */
  static JsonNode operationOutcome() {
    ObjectNode oo = JSON.createObjectNode();
    StringBuilder codes = new StringBuilder("The gateway's codes:");
    ArrayNode codeEnum = JSON.createArrayNode();
    for (ErrorCode code : ErrorCode.values()) {
      codeEnum.add(code.code());
      codes
          .append("\n- ")
          .append(code.code())
          .append(" (HTTP ")
          .append(code.httpStatus())
          .append("): ")
          .append(code.display());
    }
    oo.put("type", "object");
    oo.put("description", "A FHIR R4 OperationOutcome. " + codes);
    oo.putArray("required").add("resourceType").add("issue");
    ObjectNode props = oo.putObject("properties");
    props.putObject("resourceType").put("const", "OperationOutcome");
    ObjectNode issue = props.putObject("issue");
    issue.put("type", "array");
    ObjectNode item = issue.putObject("items");
    item.put("type", "object");
    ObjectNode ip = item.putObject("properties");
    ArrayNode severities = ip.putObject("severity").putArray("enum");
    for (String s : List.of("fatal", "error", "warning", "information")) {
      severities.add(s);
    }
    ip.putObject("code").put("type", "string").put("description", "FHIR IssueType.");
    ObjectNode details = ip.putObject("details");
    details.put("type", "object");
    ObjectNode dp = details.putObject("properties");
    dp.putObject("text")
        .put("type", "string")
        .put("description", "The rule broken; never the value sent.");
    ObjectNode coding = dp.putObject("coding");
    coding.put("type", "array");
    ObjectNode codingItem = coding.putObject("items");
    codingItem.put("type", "object");
    ObjectNode cp = codingItem.putObject("properties");
    cp.putObject("system").put("const", Canonical.CS_ERROR);
    cp.putObject("code").set("enum", codeEnum);
    cp.putObject("display").put("type", "string");
    ObjectNode expression = ip.putObject("expression");
    expression.put("type", "array");
    expression
        .putObject("items")
        .put("type", "string")
        .put("description", "The field, e.g. idCardNo.");
    ip.putObject("diagnostics").put("type", "string");
    return oo;
  }

  private static Schema<?> schema(JsonNode json) {
    return Json31.mapper().convertValue(json, Schema.class);
  }

  private static JsonNode read(String resource) {
    try (InputStream in = ApiDocs.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("No " + resource + " on the class path");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
