package org.yiyang.gateway.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;

/**
 * The two steps the referral workflow adds to its intake record route, as the referral API answered
 * before they moved out of the controller: a down-referral is refused naming {@code direction}, and
 * a created (or resent) referral is named in the answer and in {@code Location}.
 */
class WorkflowEngineAnswersTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final WorkflowDescriptor referral =
      Workflows.load().stream()
          .filter(w -> w.name().equals(Workflows.REFERRAL))
          .findFirst()
          .orElseThrow();

  @Test
  void theApiCreatesUpReferralsOnly() throws Exception {
    WorkflowEngine.refuseNotCreatedHere(referral, JSON.readTree("{\"direction\":\"up\"}"));
    WorkflowEngine.refuseNotCreatedHere(referral, JSON.readTree("{\"referralNo\":\"R1\"}"));
    WorkflowEngine.refuseNotCreatedHere(referral, JSON.readTree("[1]"));
    assertThatThrownBy(
            () ->
                WorkflowEngine.refuseNotCreatedHere(
                    referral, JSON.readTree("{\"direction\":\"down\"}")))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE);
              assertThat(e.issues().get(0).field()).isEqualTo("direction");
              assertThat(e.issues().get(0).message())
                  .isEqualTo(
                      "direction: a facility sends up-referrals; down-referrals come from the"
                          + " hospital.");
            });
  }

  @Test
  void aCreatedReferralIsNamedAndLocated() throws Exception {
    ObjectNode body =
        (ObjectNode)
            JSON.readTree(
                "{\"outcome\":\"created\",\"resources\":[\"Patient/p1\",\"ServiceRequest/sr1\","
                    + "\"Task/t1\"]}");
    ApiResponse answer =
        WorkflowEngine.locate(
            referral, ApiResponse.of(201, body, "created").withHeader("Location", "/x"));
    assertThat(answer.headers()).containsEntry("Location", "/api/v1/referrals/sr1");
    assertThat(((ObjectNode) answer.body()).path("referralId").asText()).isEqualTo("sr1");
    assertThat(((ObjectNode) answer.body()).path("record").asText())
        .isEqualTo("/api/v1/referrals/sr1");
  }

  @Test
  void otherAnswersPassUnchanged() throws Exception {
    ObjectNode accepted = (ObjectNode) JSON.readTree("{\"outcome\":\"accepted\"}");
    ApiResponse later = ApiResponse.of(202, accepted, "accepted");
    assertThat(WorkflowEngine.locate(referral, later)).isSameAs(later);
    ObjectNode noRequest = (ObjectNode) JSON.readTree("{\"resources\":[\"Task/t1\"]}");
    ApiResponse odd = ApiResponse.of(201, noRequest, "created");
    assertThat(WorkflowEngine.locate(referral, odd)).isSameAs(odd);
    assertThat(noRequest.has("referralId")).isFalse();
  }
}
