package org.yiyang.gateway.notify;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.gateway.flow.referral.ReferralReader;
import org.yiyang.mappings.MappingException;

/**
 * The facility a changed Task's referral concerns, found by reading the referral as the facility
 * reads it ({@link ReferralReader}, the same JSON as {@code GET /api/v1/referrals/{id}}); none of
 * it is sent (notifications are thin, ADR 0054). A referral the mapping cannot read (e.g. written
 * by a hospital without the regional profile) is told by its Task's parties rather than not at all.
 */
@Component
public class ReferralFacts implements ReferralDescriber {

  private static final Logger log = LoggerFactory.getLogger(ReferralFacts.class);

  private final ReferralReader reader;
  private final TaskPartiesDescriber parties;

  public ReferralFacts(ReferralReader reader, FhirServer fhir) {
    this.reader = reader;
    this.parties = new TaskPartiesDescriber(fhir);
  }

  @Override
  public Optional<Described> describe(Task task) {
    Optional<String> referralId = ReferralReader.referralIdOf(task);
    if (referralId.isEmpty()) {
      return Optional.empty();
    }
    try {
      Optional<JsonNode> referral = reader.read(referralId.get());
      String facility = referral.map(json -> json.path("facilityCode").asText("")).orElse("");
      if (!facility.isEmpty()) {
        return Optional.of(new Described(referralId.get(), List.of(facility), referral.get()));
      }
    } catch (FhirClientConnectionException e) {
      throw e;
    } catch (MappingException | GatewayException e) {
      log.warn(
          "Referral {}: not readable in facility form ({}); notifying by the Task's parties",
          referralId.get(),
          e.getClass().getSimpleName());
    }
    return Optional.of(parties.describe(referralId.get(), task));
  }
}
