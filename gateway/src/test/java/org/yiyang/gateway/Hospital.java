package org.yiyang.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yiyang.gateway.GatewayClient.JSON;
import static org.yiyang.gateway.GatewayClient.enc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A hospital in the workflow integration tests: it works directly on the gateway's FHIR server, as
 * a hospital would (moves referral and consultation Tasks on, writes down-referrals to a facility's
 * resident R0001, asks for more material, writes its consultation report).
 */
public record Hospital(GatewayClient gateway, String hospitalCode, String facilityCode) {

  private static final String USCC = "https://fhir.yiyang.org/sid/cn-uscc";

  /** The hospital moves the Task on, as it would on the FHIR server (optionally with outputs). */
  public void movesTask(String referralId, String status, List<String> outputs) throws Exception {
    ObjectNode task =
        (ObjectNode)
            gateway
                .fhir("GET", "Task?focus=ServiceRequest/" + referralId, null)
                .at("/entry/0/resource");
    task.put("status", status);
    task.put("lastModified", java.time.OffsetDateTime.now().toString());
    if (outputs != null) {
      var array = task.putArray("output");
      for (String reference : outputs) {
        ObjectNode output = array.addObject();
        output.putObject("type").put("text", "就诊");
        output.putObject("valueReference").put("reference", reference);
      }
    }
    gateway.fhir("PUT", "Task/" + task.path("id").asText(), task);
  }

  private static final String WORKFLOW_TASK = "https://fhir.yiyang.org/CodeSystem/workflow-task";

  /**
   * The hospital puts a consultation on hold and says what material it needs (a Task input of type
   * material-requested), as the consultation Task profile asks.
   */
  public void asksForMaterial(String requestId, String what) throws Exception {
    ObjectNode task =
        (ObjectNode)
            gateway
                .fhir("GET", "Task?focus=ServiceRequest/" + requestId, null)
                .at("/entry/0/resource");
    task.put("status", "on-hold");
    task.putObject("statusReason").put("text", "需补充资料");
    task.put("lastModified", java.time.OffsetDateTime.now().toString());
    ObjectNode input = task.withArray("input").addObject();
    input
        .putObject("type")
        .putArray("coding")
        .addObject()
        .put("system", WORKFLOW_TASK)
        .put("code", "material-requested");
    input.put("valueString", what);
    gateway.fhir("PUT", "Task/" + task.path("id").asText(), task);
  }

  /**
   * The hospital writes its consultation report (a DiagnosticReport based on the request, with its
   * conclusion) and completes the Task with the report as output. Answers the report's id.
   */
  public String completesWithReport(String requestId, String conclusion) throws Exception {
    ObjectNode task =
        (ObjectNode)
            gateway
                .fhir("GET", "Task?focus=ServiceRequest/" + requestId, null)
                .at("/entry/0/resource");
    ObjectNode report = JSON.createObjectNode();
    report.put("resourceType", "DiagnosticReport");
    report
        .putObject("meta")
        .putArray("profile")
        .add("https://fhir.yiyang.org/StructureDefinition/yy-diagnostic-report");
    report.putArray("basedOn").addObject().put("reference", "ServiceRequest/" + requestId);
    report.put("status", "final");
    report
        .putObject("code")
        .putArray("coding")
        .addObject()
        .put("system", "https://fhir.yiyang.org/CodeSystem/report-type")
        .put("code", "consultation");
    report.putObject("subject").put("reference", task.at("/for/reference").asText());
    report.put("effectiveDateTime", java.time.OffsetDateTime.now().toString());
    report.put("issued", java.time.OffsetDateTime.now().toString());
    report
        .putArray("performer")
        .addObject()
        .put("reference", "Organization/" + organization(hospitalCode, "hospital"));
    report.put("conclusion", conclusion);
    String id = gateway.fhir("POST", "DiagnosticReport", report).path("id").asText();
    task.put("status", "completed");
    task.put("lastModified", java.time.OffsetDateTime.now().toString());
    ObjectNode output = task.withArray("output").addObject();
    output
        .putObject("type")
        .putArray("coding")
        .addObject()
        .put("system", WORKFLOW_TASK)
        .put("code", "consultation-report");
    output.putObject("valueReference").put("reference", "DiagnosticReport/" + id);
    gateway.fhir("PUT", "Task/" + task.path("id").asText(), task);
    return id;
  }

  /**
   * The hospital treats the referred resident and completes the referral with its Encounter (the
   * Task goes in-progress, then completed with the Encounter as output). Answers the Encounter id.
   */
  public String completesWithEncounter(String referralId) throws Exception {
    String encounter =
        gateway
            .fhir(
                "POST",
                "Encounter",
                JSON.readTree(
                    "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"system\":"
                        + "\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"IMP\"}}"))
            .path("id")
            .asText();
    movesTask(referralId, "in-progress", null);
    movesTask(referralId, "completed", List.of("Encounter/" + encounter));
    return encounter;
  }

  /**
   * A down-referral of the facility's resident R0001 as the hospital writes it on the FHIR server:
   * ServiceRequest + Task in one transaction; with {@code withOutputs} the Task also carries the
   * hospital stay's Encounter, discharge summary and care plan. Answers the referral id.
   */
  public String createsDownReferral(String number, boolean withOutputs) throws Exception {
    String patient =
        gateway
            .fhir(
                "GET",
                "Patient?identifier="
                    + enc("https://fhir.yiyang.org/sid/resident-no/" + facilityCode + "|R0001"),
                null)
            .at("/entry/0/resource/id")
            .asText();
    assertThat(patient).isNotEmpty();
    String hospital = organization(hospitalCode, "hospital");
    String facility = organization(facilityCode, "eldercare-facility");
    String outputs = "";
    if (withOutputs) {
      String encounter =
          created(
              "Encounter",
              "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"system\":"
                  + "\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"IMP\"},"
                  + "\"subject\":{\"reference\":\"Patient/"
                  + patient
                  + "\"}}");
      String summary =
          created(
              "DocumentReference",
              "{\"resourceType\":\"DocumentReference\",\"status\":\"current\",\"subject\":"
                  + "{\"reference\":\"Patient/"
                  + patient
                  + "\"},\"content\":[{\"attachment\":{\"contentType\":\"application/pdf\","
                  + "\"url\":\"https://hospital.example.org/discharge/1.pdf\"}}]}");
      String carePlan =
          created(
              "CarePlan",
              "{\"resourceType\":\"CarePlan\",\"status\":\"active\",\"intent\":\"plan\","
                  + "\"subject\":{\"reference\":\"Patient/"
                  + patient
                  + "\"}}");
      outputs =
          """
          ,
             "output": [
               {"type": {"text": "住院"}, "valueReference": {"reference": "Encounter/%1$s"}},
               {"type": {"text": "出院小结"}, "valueReference": {"reference": "DocumentReference/%2$s"}},
               {"type": {"text": "照护计划"}, "valueReference": {"reference": "CarePlan/%3$s"}}]\
          """
              .formatted(encounter, summary, carePlan);
    }
    String bundle =
        """
        {"resourceType": "Bundle", "type": "transaction", "entry": [
          {"fullUrl": "urn:uuid:11111111-1111-4111-8111-111111111111",
           "resource": {"resourceType": "ServiceRequest",
             "meta": {"profile": ["https://fhir.yiyang.org/StructureDefinition/yy-service-request-referral"]},
             "identifier": [{"system": "https://hospital.example.org/referral", "value": "%1$s"}],
             "status": "active", "intent": "order",
             "category": [{"coding": [{"system": "https://fhir.yiyang.org/CodeSystem/referral-type", "code": "down-referral"}]}],
             "priority": "routine", "code": {"text": "康复护理"},
             "subject": {"reference": "Patient/%2$s"}, "authoredOn": "2025-06-10T09:00:00+08:00",
             "requester": {"reference": "Organization/%3$s"}, "performer": [{"reference": "Organization/%4$s"}],
             "reasonCode": [{"text": "脑梗死恢复期，需康复训练与护理"}]},
           "request": {"method": "POST", "url": "ServiceRequest"}},
          {"fullUrl": "urn:uuid:22222222-2222-4222-8222-222222222222",
           "resource": {"resourceType": "Task",
             "meta": {"profile": ["https://fhir.yiyang.org/StructureDefinition/yy-task-referral"]},
             "status": "requested", "intent": "order",
             "code": {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]},
             "focus": {"reference": "urn:uuid:11111111-1111-4111-8111-111111111111"},
             "for": {"reference": "Patient/%2$s"}, "authoredOn": "2025-06-10T09:00:00+08:00",
             "lastModified": "2025-06-10T09:00:00+08:00",
             "requester": {"reference": "Organization/%3$s"}, "owner": {"reference": "Organization/%4$s"}%5$s},
           "request": {"method": "POST", "url": "Task"}}]}
        """
            .formatted(number, patient, hospital, facility, outputs);
    JsonNode response = gateway.fhir("POST", "", JSON.readTree(bundle));
    String location = response.at("/entry/0/response/location").asText();
    assertThat(location).startsWith("ServiceRequest/");
    return location.split("/")[1];
  }

  /** The id of the Organization with this USCC on the FHIR server, created if it is not there. */
  public String organization(String uscc, String type) throws Exception {
    JsonNode found = gateway.fhir("GET", "Organization?identifier=" + enc(USCC + "|" + uscc), null);
    if (found.path("entry").size() > 0) {
      return found.at("/entry/0/resource/id").asText();
    }
    return created(
        "Organization",
        "{\"resourceType\":\"Organization\",\"identifier\":[{\"system\":\""
            + USCC
            + "\",\"value\":\""
            + uscc
            + "\"}],\"active\":true,\"type\":[{\"coding\":[{\"system\":"
            + "\"https://fhir.yiyang.org/CodeSystem/organization-type\",\"code\":\""
            + type
            + "\"}]}]}");
  }

  private String created(String type, String json) throws Exception {
    return gateway.fhir("POST", type, JSON.readTree(json)).path("id").asText();
  }
}
