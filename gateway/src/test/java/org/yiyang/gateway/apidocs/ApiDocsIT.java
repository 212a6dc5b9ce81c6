package org.yiyang.gateway.apidocs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yiyang.gateway.GatewayClient.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.yiyang.gateway.GatewayClient;
import org.yiyang.gateway.flow.record.RecordFlow;
import org.yiyang.gateway.flow.record.RecordFlows;
import org.yiyang.gateway.workflow.Workflows;
import org.yiyang.profiles.ErrorCode;

/**
 * The OpenAPI document and the code agree both ways (issue 21): every handler Spring serves (but
 * the error page, the FHIR server's wake-up call and the docs themselves) is documented with its
 * method and path; every documented operation is served by a handler; every mapping's sample is
 * valid against the schema documented for it; docs/api.http calls only documented operations, and
 * all of them. The document and its page are open, with no token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiDocsIT {

  static final Path dataDir = GatewayClient.tempDir("apidocs-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
  }

  @LocalServerPort int port;

  /** The collection of the flow defined only under src/test/flows. */
  private static final String TEST_ONLY_FLOW_PATH = "hearing-screenings";

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  @Autowired RecordFlows records;
  @Autowired Workflows workflows;
  @Autowired org.yiyang.mappings.MappingCatalog catalog;

  private JsonNode document;

  @BeforeAll
  void fetchTheDocumentWithoutAToken() throws Exception {
    HttpResponse<String> answer =
        new GatewayClient(port, dataDir).anonymous().get(ApiDocs.DOCUMENT);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    document = JSON.readTree(answer.body());
  }

  @Test
  void theDocumentIsOpenApi31WithTheGatewaysOAuth2AndItsPageIsOpen() throws Exception {
    assertThat(document.path("openapi").asText()).startsWith("3.1");
    JsonNode scheme = document.at("/components/securitySchemes/" + ApiDocs.SECURITY_SCHEME);
    assertThat(scheme.path("type").asText()).isEqualTo("oauth2");
    assertThat(scheme.at("/flows/clientCredentials/tokenUrl").asText()).isEqualTo("/oauth2/token");
    assertThat(document.at("/security/0").has(ApiDocs.SECURITY_SCHEME)).isTrue();

    GatewayClient anonymous = new GatewayClient(port, dataDir).anonymous();
    HttpResponse<String> page = anonymous.get(ApiDocs.PAGE);
    String location = page.headers().firstValue("Location").orElse(null);
    if (page.statusCode() / 100 == 3) {
      assertThat(location).isNotNull();
      page = anonymous.get(location.replaceFirst("^https?://[^/]+", ""));
    }
    assertThat(page.statusCode()).as("%s via %s", ApiDocs.PAGE, location).isEqualTo(200);
    assertThat(page.body()).containsIgnoringCase("swagger-ui");
  }

  @Test
  void errorsAreOperationOutcomesWithTheGatewaysCodes() {
    JsonNode codes =
        document.at(
            "/components/schemas/OperationOutcome/properties/issue/items/properties/details"
                + "/properties/coding/items/properties/code/enum");
    Set<String> documented = new TreeSet<>();
    codes.forEach(c -> documented.add(c.asText()));
    Set<String> known = new TreeSet<>();
    for (ErrorCode c : ErrorCode.values()) {
      known.add(c.code());
    }
    assertThat(documented).isEqualTo(known);
    int errors = 0;
    for (Operation op : operations()) {
      JsonNode responses = op.node().path("responses");
      for (String status : List.of("401", "403", "429")) {
        assertThat(
                responses.at("/" + status + "/content/application~1fhir+json/schema/$ref").asText())
            .as("%s %s", op, status)
            .isEqualTo("#/components/schemas/OperationOutcome");
        errors++;
      }
    }
    assertThat(errors).isGreaterThan(0);
  }

  /** Both ways: handlers → document, document → handlers. */
  @Test
  void everyHandlerIsDocumentedAndEveryDocumentedOperationIsServed() throws Exception {
    Set<String> documented = new TreeSet<>();
    for (Operation op : operations()) {
      documented.add(op.method() + " " + op.path());
    }
    List<String> missing = new ArrayList<>();
    int handlers = 0;
    Set<String> routes = new TreeSet<>();
    for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mappings.getHandlerMethods().entrySet()) {
      if (infrastructure(e.getValue(), e.getKey())) {
        continue;
      }
      handlers++;
      for (String pattern : e.getKey().getPathPatternsCondition().getPatternValues()) {
        for (RequestMethod method : e.getKey().getMethodsCondition().getMethods()) {
          for (String path : expand(pattern)) {
            routes.add(method.name() + " " + path);
            if (!documented.contains(method.name() + " " + path)) {
              missing.add(method.name() + " " + path + " (" + e.getValue() + ")");
            }
          }
        }
      }
    }
    assertThat(missing).as("handlers missing from the document").isEmpty();

    List<String> unserved = new ArrayList<>();
    for (String op : documented) {
      String method = op.substring(0, op.indexOf(' '));
      String path = op.substring(op.indexOf(' ') + 1);
      assertThat(path).startsWith("/api/v1/").doesNotStartWith("/api/v1/fhir");
      MockHttpServletRequest request =
          new MockHttpServletRequest(method, path.replaceAll("\\{[^}]+}", "x1"));
      ServletRequestPathUtils.parseAndCache(request);
      HandlerExecutionChain chain;
      try {
        chain = mappings.getHandler(request);
      } catch (Exception notServed) {
        chain = null;
      }
      if (chain == null
          || !(chain.getHandler() instanceof HandlerMethod h)
          || infrastructure(h, null)) {
        unserved.add(op);
      }
    }
    assertThat(unserved).as("documented but not served").isEmpty();
    assertThat(documented).isEqualTo(routes);
    System.out.printf(
        "OpenAPI check: %d handlers documented as %d operations on %d paths%n",
        handlers, documented.size(), document.path("paths").size());
  }

  @Test
  void everySampleIsValidAgainstItsDocumentedSchema() throws Exception {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    Resource[] samples =
        new PathMatchingResourcePatternResolver()
            .getResources("classpath*:mappings/**/to-fhir/*/sample.json");
    Set<String> bodies = new TreeSet<>();
    for (Operation op : operations()) {
      String ref = op.node().at("/requestBody/content/application~1json/schema/$ref").asText();
      if (!ref.isEmpty()) {
        bodies.add(ref.substring(ref.lastIndexOf('/') + 1));
      }
    }
    int validated = 0;
    for (Resource sample : samples) {
      String url = sample.getURL().toString();
      String mapping = url.replaceAll(".*/to-fhir/([^/]+)/sample\\.json$", "$1");
      JsonNode schema = document.at("/components/schemas/" + mapping);
      assertThat(schema.isMissingNode()).as("schema of " + mapping).isFalse();
      assertThat(bodies).as("a request body is " + mapping).contains(mapping);
      JsonNode source = ApiDocs.sourceSchema(catalog.get(mapping));
      assertThat(fieldNames(schema.path("properties")))
          .as(mapping)
          .isEqualTo(fieldNames(source.path("properties")));
      assertThat(fieldValues(schema.path("required")))
          .as(mapping)
          .isEqualTo(fieldValues(source.path("required")));
      assertThat(schema.path("additionalProperties"))
          .isEqualTo(source.path("additionalProperties"));
      JsonSchema validator = factory.getSchema(schema);
      Set<ValidationMessage> errors;
      try (var in = sample.getInputStream()) {
        errors = validator.validate(JSON.readTree(in));
      }
      assertThat(errors).as(mapping).isEmpty();
      // And the schema is not vacuous: a record with an unknown field is invalid.
      JsonNode wrong = ApiDocs.sample(catalog.get(mapping)).deepCopy();
      ((com.fasterxml.jackson.databind.node.ObjectNode) wrong).put("notAField", "x");
      assertThat(validator.validate(wrong)).as(mapping).isNotEmpty();
      validated++;
    }
    assertThat(validated).isEqualTo(bodies.size());
    System.out.printf("OpenAPI check: %d samples validated%n", validated);
  }

  /** docs/api.http calls documented operations only, and every one of them at least once. */
  @Test
  void theHttpCollectionCallsExactlyTheDocumentedOperations() throws Exception {
    Path file = docs().resolve("api.http");
    String text = Files.readString(file);
    Pattern line = Pattern.compile("(?m)^(GET|POST|PUT|DELETE|PATCH) \\{\\{base}}(/[^?\\s]*)");
    Matcher m = line.matcher(text);
    Set<String> called = new TreeSet<>();
    List<String> undocumented = new ArrayList<>();
    List<Operation> operations = operations();
    String tokenUrl =
        document
            .at("/components/securitySchemes/" + ApiDocs.SECURITY_SCHEME)
            .at("/flows/clientCredentials/tokenUrl")
            .asText();
    while (m.find()) {
      String method = m.group(1);
      String path = m.group(2);
      if (method.equals("POST") && path.equals(tokenUrl)) {
        // The token request: the security scheme's, not an operation.
        continue;
      }
      List<Operation> candidates =
          operations.stream()
              .filter(op -> op.method().equals(method))
              .filter(op -> path.matches(op.path().replaceAll("\\{[^}]+}", "[^/]+")))
              .toList();
      // As Spring does: a literal path before a template, fewer variables first.
      Operation match =
          candidates.stream()
              .min((a, b) -> Integer.compare(variables(a.path()), variables(b.path())))
              .orElse(null);
      if (match == null) {
        undocumented.add(method + " " + path);
      } else {
        called.add(match.method() + " " + match.path());
      }
    }
    assertThat(undocumented).as("calls in api.http that the document does not have").isEmpty();
    Set<String> all = new TreeSet<>();
    operations.forEach(op -> all.add(op.method() + " " + op.path()));
    all.removeAll(called);
    // The test-only flow (src/test/flows, FolderOnlyRecordFlowIT) is served here, not shipped.
    all.removeIf(op -> op.contains("/" + TEST_ONLY_FLOW_PATH));
    assertThat(all).as("documented operations api.http never calls").isEmpty();
  }

  record Operation(String method, String path, JsonNode node) {}

  private List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> p = paths.next();
      for (String method : List.of("get", "post", "put", "delete", "patch")) {
        if (p.getValue().has(method)) {
          ops.add(
              new Operation(method.toUpperCase(Locale.ROOT), p.getKey(), p.getValue().get(method)));
        }
      }
    }
    assertThat(ops).isNotEmpty();
    return ops;
  }

  /** The collection handler is written out per record flow in the document. */
  private List<String> expand(String pattern) {
    if (!pattern.contains("{collection}")) {
      return List.of(pattern);
    }
    List<String> paths = new ArrayList<>();
    for (RecordFlow flow : records.all()) {
      String path = pattern.replace("{collection}", flow.path());
      // A workflow's own handlers (referrals, consultations) serve its intake flow's paths; the
      // document has them under their names.
      if (workflows.all().stream().noneMatch(w -> w.path().equals(flow.path()))) {
        paths.add(path);
      }
    }
    return paths;
  }

  /**
   * Not part of the facility API: the servlet error page, the FHIR server's wake-up call, and the
   * document and page themselves (springdoc's handlers).
   */
  private static boolean infrastructure(HandlerMethod handler, RequestMappingInfo info) {
    if (handler.getBeanType().getName().startsWith("org.springdoc.")) {
      return true;
    }
    if (info == null) {
      return handler.getBeanType().getSimpleName().equals("GatewayErrorController")
          || handler.getBeanType().getSimpleName().equals("FhirNotificationController");
    }
    return info.getPathPatternsCondition().getPatternValues().stream()
        .anyMatch(p -> p.equals("/error") || p.startsWith("/api/v1/fhir/notifications"));
  }

  private static int variables(String path) {
    return path.split("\\{", -1).length - 1;
  }

  private static Set<String> fieldValues(JsonNode array) {
    Set<String> values = new TreeSet<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static Path docs() {
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.isDirectory(here.resolve("docs"))) {
      here = here.getParent();
    }
    assertThat(here).isNotNull();
    return here.resolve("docs");
  }
}
