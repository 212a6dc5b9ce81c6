package org.yiyang.gateway.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.profiles.Canonical;

/**
 * Describes a referral Task by its parties, for a referral the facility mapping cannot read: every
 * Organization among the Task's requester and owner with a USCC identifier is a facility it
 * concerns (only those with a webhook get anything).
 */
class TaskPartiesDescriber {

  private final FhirServer fhir;

  TaskPartiesDescriber(FhirServer fhir) {
    this.fhir = fhir;
  }

  /** The referral {@code referralId} carried by {@code task}, told by the Task's parties. */
  ReferralDescriber.Described describe(String referralId, Task task) {
    List<String> facilities = new ArrayList<>();
    for (Reference party : List.of(task.getRequester(), task.getOwner())) {
      uscc(party).filter(code -> !facilities.contains(code)).ifPresent(facilities::add);
    }
    return new ReferralDescriber.Described(referralId, facilities, null);
  }

  private Optional<String> uscc(Reference party) {
    if (party == null) {
      return Optional.empty();
    }
    if (party.hasIdentifier() && Canonical.SID_USCC.equals(party.getIdentifier().getSystem())) {
      return Optional.ofNullable(party.getIdentifier().getValue());
    }
    var id = party.getReferenceElement();
    if (!"Organization".equals(id.getResourceType()) || !id.hasIdPart() || id.isAbsolute()) {
      return Optional.empty();
    }
    Organization org =
        fhir.client().read().resource(Organization.class).withId(id.getIdPart()).execute();
    return org.getIdentifier().stream()
        .filter(i -> Canonical.SID_USCC.equals(i.getSystem()))
        .map(Identifier::getValue)
        .findFirst();
  }
}
