package org.yiyang.gateway.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Task;

/** What a notification needs to know of the referral a changed Task carries. */
public interface ReferralDescriber {

  /**
   * @param referralId the referral's id (its ServiceRequest's id)
   * @param facilityCodes the USCC of each eldercare facility the referral concerns
   * @param referral the referral in facility JSON as it stands now, to find the facilities; null
   *     when it cannot be read. Never sent: notifications are thin (ADR 0054)
   */
  record Described(String referralId, List<String> facilityCodes, JsonNode referral) {}

  /**
   * Describes the referral of a Task version; empty when the Task is not a referral's (no local
   * {@code ServiceRequest} in focus).
   *
   * @throws RuntimeException when the FHIR server cannot be reached; the poll is tried again
   */
  Optional<Described> describe(Task task);
}
