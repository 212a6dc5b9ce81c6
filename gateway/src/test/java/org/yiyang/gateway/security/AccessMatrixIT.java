package org.yiyang.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yiyang.gateway.GatewayClient.FACILITY;
import static org.yiyang.gateway.GatewayClient.HOSPITAL;
import static org.yiyang.gateway.GatewayClient.JSON;
import static org.yiyang.gateway.GatewayClient.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.yiyang.gateway.GatewayClient;

/**
 * Every mapped route × every role × own, other and missing objects (ADR 0050). The routes come from
 * Spring's handler mappings, so a new endpoint that is missing from {@link #RULES} fails the build;
 * a refused call is checked to have run nothing (no Camel exchange, no journal entry); another
 * facility's object is checked to answer byte for byte as a missing one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixIT extends SharedGateway {

  /** Another facility, with a resident, a record, a message, a referral and a webhook. */
  static final String OTHER = "52331000MJ9876543W";

  /** A valid USCC no one has registered anything under. */
  static final String NOBODY = "91330300MA2H8K9Y2E";

  /** Who may call each route: the expected rules, written down independently of the code. */
  static final Map<String, Set<String>> RULES = new LinkedHashMap<>();

  static {
    Set<String> facility = Set.of("facility");
    Set<String> facilityOrHospital = Set.of("facility", "hospital");
    Set<String> facilityOrOperator = Set.of("facility", "operator");
    Set<String> operator = Set.of("operator");
    RULES.put("POST /api/v1/residents", facility);
    RULES.put("GET /api/v1/residents/{facilityCode}/{residentNo}", facility);
    RULES.put("GET /api/v1/residents/{facilityCode}/{residentNo}/summary", facility);
    RULES.put("POST /api/v1/{collection}", facility);
    RULES.put("GET /api/v1/{collection}/{facilityCode}/{recordNo}", facility);
    RULES.put("POST /api/v1/referrals", facility);
    RULES.put("GET /api/v1/referrals/{referralId}", facilityOrHospital);
    RULES.put("GET /api/v1/referrals/{facilityCode}/{referralNo}", facility);
    RULES.put("POST /api/v1/referrals/{referralId}/{action}", facilityOrHospital);
    // Remote consultations: the facility's, for its own; the hospital works on /fhir (issue 20).
    RULES.put("POST /api/v1/consultations", facility);
    RULES.put("GET /api/v1/consultations", facility);
    RULES.put("GET /api/v1/consultations/{consultationId}", facility);
    RULES.put("GET /api/v1/consultations/{facilityCode}/{consultationNo}", facility);
    RULES.put("POST /api/v1/consultations/{consultationId}/{action}", facility);
    RULES.put("GET /api/v1/messages", facilityOrOperator);
    RULES.put("GET /api/v1/messages/{id}", facilityOrOperator);
    RULES.put("POST /api/v1/messages/{id}/replay", facilityOrOperator);
    RULES.put("POST /api/v1/messages/replay", facilityOrOperator);
    RULES.put("PUT /api/v1/admin/webhooks/{facilityCode}", facilityOrOperator);
    RULES.put("GET /api/v1/admin/webhooks/{facilityCode}", facilityOrOperator);
    RULES.put("DELETE /api/v1/admin/webhooks/{facilityCode}", facilityOrOperator);
    RULES.put("POST /api/v1/admin/clients", operator);
    RULES.put("GET /api/v1/admin/clients", operator);
    RULES.put("GET /api/v1/admin/clients/{clientId}", operator);
    RULES.put("POST /api/v1/admin/clients/{clientId}/rotate", operator);
    RULES.put("DELETE /api/v1/admin/clients/{clientId}", operator);
    // Mapped always, served only under the sandbox profile: off, an allowed role gets 404.
    RULES.put("POST /api/v1/sandbox/elders", facilityOrOperator);
    // The audit trail: auditors only, read-only (ADR 0055).
    RULES.put("GET /api/v1/admin/audit", Set.of("auditor"));
    RULES.put("GET /api/v1/admin/audit/verify", Set.of("auditor"));
    RULES.put("GET /api/v1/admin/audit/export", Set.of("auditor"));
    // The FHIR server's wake-up call: its own chain, its own secret (see the wake-up test).
    RULES.put("POST /api/v1/fhir/notifications", Set.of("notifier"));
    RULES.put("PUT /api/v1/fhir/notifications", Set.of("notifier"));
    RULES.put("POST /api/v1/fhir/notifications/**", Set.of("notifier"));
    RULES.put("PUT /api/v1/fhir/notifications/**", Set.of("notifier"));
    // The servlet container's error page: only ever reached by an error dispatch.
    RULES.put("* /error", Set.of("*"));
    // The API's OpenAPI document and its Swagger UI page (springdoc's handlers): open (issue 18).
    Set<String> anyone = Set.of("anyone");
    RULES.put("GET /api/v1/openapi.json", anyone);
    RULES.put("GET /api/v1/openapi.json.yaml", anyone);
    RULES.put("GET /api/v1/openapi.json/swagger-config", anyone);
    RULES.put("GET /api/v1/docs", anyone);
  }

  static final List<String> ROLES =
      List.of("anonymous", "facility", "hospital", "operator", "auditor", "supervisor", "monitor");

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  @Autowired CamelContext camel;

  private final AtomicLong exchanges = new AtomicLong();
  private GatewayClient own;
  private GatewayClient other;
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> missingValues = new LinkedHashMap<>();

  @BeforeAll
  void objectsOfTwoFacilities() throws Exception {
    camel
        .getManagementStrategy()
        .addEventNotifier(
            new EventNotifierSupport() {
              @Override
              public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeCreatedEvent) {
                  exchanges.incrementAndGet();
                }
              }
            });
    own = new GatewayClient(port, dataDir);
    other = own.asFacility(OTHER);
    for (GatewayClient facility : List.of(own, other)) {
      String code = facility == own ? FACILITY : OTHER;
      ObjectNode resident = sample("resident-to-patient");
      resident.put("facilityCode", code);
      if (facility == other) {
        resident.put("idCardNo", "330302194305120067");
      }
      HttpResponse<String> registered = facility.post("/api/v1/residents", resident.toString());
      assertThat(registered.statusCode()).as(registered.body()).isIn(200, 201);
      ObjectNode assessment = sample("assessment-to-observations");
      assessment.put("facilityCode", code);
      assertThat(facility.post("/api/v1/assessments", assessment.toString()).statusCode())
          .isIn(200, 201);
    }
    ObjectNode referral = sample("referral-to-servicerequest");
    referral.put("facilityCode", OTHER);
    HttpResponse<String> sent = other.post("/api/v1/referrals", referral.toString());
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
    String otherMessage = sent.headers().firstValue("X-Message-Id").orElseThrow();
    String otherReferral = JSON.readTree(sent.body()).path("referralId").asText();
    ObjectNode consultation = sample("consultation-to-servicerequest");
    consultation.put("facilityCode", OTHER);
    HttpResponse<String> asked = other.post("/api/v1/consultations", consultation.toString());
    assertThat(asked.statusCode()).as(asked.body()).isEqualTo(201);
    String otherConsultation = JSON.readTree(asked.body()).path("consultationId").asText();
    HttpResponse<String> hook =
        other.send(
            "PUT",
            "/api/v1/admin/webhooks/" + OTHER,
            "{\"url\":\"https://facility.example/hook\",\"secret\":\"whsec_0123456789abcdef0123456789\"}",
            null);
    assertThat(hook.statusCode()).as(hook.body()).isEqualTo(201);
    String client = own.registerClient("supervisor", null).clientId();

    values.put("facilityCode", OTHER);
    values.put("residentNo", "R0001");
    values.put("collection", "assessments");
    values.put("recordNo", sample("assessment-to-observations").path("assessmentNo").asText());
    values.put("referralId", otherReferral);
    values.put("referralNo", referral.path("referralNo").asText());
    values.put("action", "cancel");
    values.put("consultationId", otherConsultation);
    values.put("consultationNo", consultation.path("consultationNo").asText());
    values.put("id", otherMessage);
    values.put("clientId", client);
    missingValues.putAll(values);
    missingValues.put("facilityCode", NOBODY);
    missingValues.put("referralId", "ref-0123456789abcdef0123456789abcdef");
    missingValues.put("consultationId", "con-0123456789abcdef0123456789abcdef");
    missingValues.put("id", "00000000-0000-4000-8000-000000000000");
  }

  /** Every route Spring serves is in {@link #RULES}, and none is in it that is not served. */
  @Test
  void everyRouteHasAnExpectedRuleAndEveryHandlerDeclaresOne() {
    Set<String> served = new TreeSet<>();
    for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mappings.getHandlerMethods().entrySet()) {
      assertThat(AccessRules.declared(e.getValue()))
          .as("%s declares an access rule", e.getValue())
          .isTrue();
      served.addAll(routes(e.getKey()));
    }
    assertThat(served).isEqualTo(new TreeSet<>(RULES.keySet()));
  }

  /**
   * Each route, each role: anonymous 401, a role the rule does not name 403 — and nothing ran — a
   * role it names gets past authorization.
   */
  @Test
  void eachRoleGetsExactlyWhatItsRuleGrants() throws Exception {
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (Map.Entry<String, Set<String>> rule : RULES.entrySet()) {
      if (rule.getKey().contains("/fhir/notifications") || rule.getKey().equals("* /error")) {
        continue;
      }
      for (String role : ROLES) {
        HttpResponse<String> answer = call(rule.getKey(), missingValues, as(role));
        checked++;
        boolean allowed = rule.getValue().contains(role);
        int status = answer.statusCode();
        String code = code(answer);
        if (rule.getValue().contains("anyone")) {
          if (status >= 400) {
            failures.add(rule.getKey() + " " + role + " refused an open path: " + status);
          }
        } else if (role.equals("anonymous")) {
          if (status != 401 || !"GW-1030".equals(code)) {
            failures.add(rule.getKey() + " anonymous: " + status + " " + code);
          }
        } else if (!allowed && (status != 403 || !"GW-1031".equals(code))) {
          failures.add(rule.getKey() + " " + role + ": " + status + " " + code);
        } else if (allowed && (status == 401 || "GW-1031".equals(code))) {
          failures.add(rule.getKey() + " " + role + " refused: " + status + " " + code);
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(checked).isEqualTo((RULES.size() - 5) * ROLES.size());
  }

  /** A refused call runs no route and journals nothing. */
  @Test
  void aRefusedCallRunsNothing() throws Exception {
    long journaled = total();
    for (Map.Entry<String, Set<String>> rule : RULES.entrySet()) {
      if (!rule.getKey().startsWith("POST /api/v1/residents")
          && !rule.getKey().startsWith("POST /api/v1/{collection}")
          && !rule.getKey().startsWith("POST /api/v1/referrals")
          && !rule.getKey().startsWith("POST /api/v1/consultations")
          && !rule.getKey().startsWith("GET /api/v1/residents")) {
        continue;
      }
      for (String role :
          List.of("anonymous", "hospital", "operator", "auditor", "supervisor", "monitor")) {
        if (rule.getValue().contains(role)) {
          continue;
        }
        long before = exchanges.get();
        HttpResponse<String> answer = call(rule.getKey(), values, as(role));
        assertThat(answer.statusCode()).as(rule.getKey() + " " + role).isIn(401, 403);
        assertThat(exchanges.get())
            .as(rule.getKey() + " " + role + " ran a route")
            .isEqualTo(before);
      }
    }
    assertThat(total()).as("nothing was journaled").isEqualTo(journaled);
  }

  /**
   * To a facility, every object of another facility answers exactly as a missing one: same status,
   * same body. The other facility's own calls show the objects exist.
   */
  @Test
  void anotherFacilitysObjectAnswersExactlyAsAMissingOne() throws Exception {
    List<String> objectRoutes =
        List.of(
            "GET /api/v1/residents/{facilityCode}/{residentNo}",
            "GET /api/v1/residents/{facilityCode}/{residentNo}/summary",
            "GET /api/v1/{collection}/{facilityCode}/{recordNo}",
            "GET /api/v1/referrals/{referralId}",
            "GET /api/v1/referrals/{facilityCode}/{referralNo}",
            "POST /api/v1/referrals/{referralId}/{action}",
            "GET /api/v1/consultations/{consultationId}",
            "GET /api/v1/consultations/{facilityCode}/{consultationNo}",
            "POST /api/v1/consultations/{consultationId}/{action}",
            "GET /api/v1/messages/{id}",
            "POST /api/v1/messages/{id}/replay",
            "GET /api/v1/admin/webhooks/{facilityCode}",
            "PUT /api/v1/admin/webhooks/{facilityCode}",
            "DELETE /api/v1/admin/webhooks/{facilityCode}");
    for (String route : objectRoutes) {
      HttpResponse<String> theirs = call(route, values, own);
      HttpResponse<String> missing = call(route, missingValues, own);
      assertThat(theirs.statusCode()).as(route + ": " + theirs.body()).isEqualTo(404);
      assertThat(theirs.statusCode()).as(route).isEqualTo(missing.statusCode());
      assertThat(theirs.body()).as(route).isEqualTo(missing.body());
      if (route.startsWith("GET")) {
        HttpResponse<String> owner = call(route, values, other);
        assertThat(owner.statusCode()).as(route + " for its owner: " + owner.body()).isEqualTo(200);
      }
    }
    // A facility's list of consultations holds its own only.
    JsonNode consultations = json(own.get("/api/v1/consultations"));
    assertThat(consultations.path("consultations"))
        .noneSatisfy(
            c ->
                assertThat(c.path("consultationId").asText())
                    .isEqualTo(values.get("consultationId")));
    assertThat(json(other.get("/api/v1/consultations")).path("consultations"))
        .anySatisfy(
            c ->
                assertThat(c.path("consultationId").asText())
                    .isEqualTo(values.get("consultationId")));
    // Listing: another facility's messages are an empty list, as for a facility with none.
    JsonNode theirs = json(own.get("/api/v1/messages?facility=" + OTHER));
    JsonNode nobody = json(own.get("/api/v1/messages?facility=" + NOBODY));
    assertThat(theirs).isEqualTo(nobody);
    assertThat(theirs.path("total").asLong()).isZero();
    assertThat(json(own.get("/api/v1/messages")).path("messages"))
        .allSatisfy(m -> assertThat(m.path("facility").asText()).isEqualTo(FACILITY));
    // A facility writes its own records only.
    ObjectNode resident = sample("resident-to-patient");
    resident.put("facilityCode", OTHER);
    HttpResponse<String> write = own.post("/api/v1/residents", resident.toString());
    assertThat(write.statusCode()).isEqualTo(403);
    GatewayClient.assertOutcome(write, "GW-1021", "facilityCode");
  }

  /**
   * A hospital reads and acts on the referrals addressed to it; another hospital cannot see them.
   */
  @Test
  void aHospitalSeesTheReferralsAddressedToItOnly() throws Exception {
    String path = "/api/v1/referrals/" + values.get("referralId");
    assertThat(own.asHospital(HOSPITAL).get(path).statusCode()).isEqualTo(200);
    HttpResponse<String> stranger = own.asHospital("123303024705006265").get(path);
    HttpResponse<String> missing =
        own.asHospital("123303024705006265")
            .get("/api/v1/referrals/" + missingValues.get("referralId"));
    assertThat(stranger.statusCode()).isEqualTo(404);
    assertThat(stranger.body()).isEqualTo(missing.body());
  }

  private GatewayClient as(String role) {
    return switch (role) {
      case "anonymous" -> own.anonymous();
      case "facility" -> own;
      case "hospital" -> own.asHospital(HOSPITAL);
      default -> own.as(role);
    };
  }

  private HttpResponse<String> call(String route, Map<String, String> with, GatewayClient caller)
      throws Exception {
    String method = route.substring(0, route.indexOf(' '));
    String path = route.substring(route.indexOf(' ') + 1);
    for (Map.Entry<String, String> v : with.entrySet()) {
      path = path.replace("{" + v.getKey() + "}", v.getValue());
    }
    String body = null;
    if (method.equals("POST") || method.equals("PUT")) {
      body =
          switch (path) {
            case "/api/v1/residents" -> sample("resident-to-patient").toString();
            case "/api/v1/assessments" -> sample("assessment-to-observations").toString();
            case "/api/v1/referrals" -> sample("referral-to-servicerequest").toString();
            case "/api/v1/consultations" -> sample("consultation-to-servicerequest").toString();
            case "/api/v1/admin/clients" ->
                "{\"clientName\":\"x\",\"role\":\"auditor\",\"auth\":\"client_secret_basic\"}";
            default ->
                path.startsWith("/api/v1/admin/webhooks")
                    ? "{\"url\":\"https://facility.example/h\",\"secret\":\"whsec_0123456789abcdef0123456789\"}"
                    : null;
          };
    }
    HttpRequest.Builder request =
        caller
            .request(path)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return caller.send(request.build());
  }

  private long total() throws Exception {
    return json(own.as("operator").get("/api/v1/messages?size=1")).path("total").asLong();
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static String code(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body()).at("/issue/0/details/coding/0/code").asText(null);
    } catch (Exception notJson) {
      return null;
    }
  }

  private static List<String> routes(RequestMappingInfo info) {
    Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
    List<String> routes = new ArrayList<>();
    for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
      if (methods.isEmpty()) {
        routes.add("* " + pattern);
      }
      for (RequestMethod method : methods) {
        routes.add(method.name() + " " + pattern);
      }
    }
    return routes;
  }
}
