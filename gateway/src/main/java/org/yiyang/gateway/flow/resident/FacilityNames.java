package org.yiyang.gateway.flow.resident;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.profiles.Canonical;

/**
 * Keeps a facility's Organization named as its records say (issue 26). The records create the
 * Organization on first use by a conditional create, which never touches an existing one, so a
 * facility first registered without a name (or renamed since) would keep the old name; after the
 * transaction, a name that differs is written with {@code If-Match}. Only the facility's own
 * Organization follows its records, never another organization a record names.
 */
@Component
public class FacilityNames {

  private static final Logger log = LoggerFactory.getLogger(FacilityNames.class);

  private final FhirServer fhir;

  /** Organization id → the name it is known to carry, so that most records cost no read. */
  private final Map<String, String> confirmed = new ConcurrentHashMap<>();

  public FacilityNames(FhirServer fhir) {
    this.fhir = fhir;
  }

  /**
   * After a transaction: the facility's Organization carries the name the record stated. A failure
   * here is logged and left to the next record: the record itself is delivered.
   */
  public void follow(Bundle sent, Bundle response, String facilityCode) {
    for (int i = 0; i < sent.getEntry().size() && i < response.getEntry().size(); i++) {
      Bundle.BundleEntryComponent entry = sent.getEntry().get(i);
      if (!(entry.getResource() instanceof Organization org)
          || !org.hasName()
          || !isFacility(org, facilityCode)) {
        continue;
      }
      var result = response.getEntry().get(i).getResponse();
      if (result.getLocation() == null) {
        continue;
      }
      String id = new org.hl7.fhir.r4.model.IdType(result.getLocation()).getIdPart();
      String name = org.getName();
      if (result.getStatus() != null && result.getStatus().startsWith("201")) {
        confirmed.put(id, name);
        continue;
      }
      if (name.equals(confirmed.get(id))) {
        continue;
      }
      try {
        Organization current =
            fhir.client()
                .read()
                .resource(Organization.class)
                .withId(id)
                .cacheControl(FhirServer.NO_CACHE)
                .execute();
        if (!name.equals(current.getName())) {
          current.setName(name);
          fhir.client()
              .update()
              .resource(current)
              .withId(current.getIdElement().toUnqualifiedVersionless())
              .withAdditionalHeader(
                  "If-Match", "W/\"" + current.getIdElement().getVersionIdPart() + "\"")
              .execute();
          log.info("Facility organization Organization/{} renamed from its records", id);
        }
        confirmed.put(id, name);
      } catch (BaseServerResponseException e) {
        log.warn(
            "Facility organization Organization/{} not renamed ({}); the next record tries again",
            id,
            e.getClass().getSimpleName());
      }
    }
  }

  private static boolean isFacility(Organization org, String facilityCode) {
    for (Identifier identifier : org.getIdentifier()) {
      if (Canonical.SID_USCC.equals(identifier.getSystem())
          && facilityCode.equals(identifier.getValue())) {
        return true;
      }
    }
    return false;
  }
}
