package org.yiyang.gateway.flow.resident;

import ca.uhn.fhir.rest.gclient.TokenClientParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.fhir.FhirServer;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ErrorCode;

/**
 * Finds a resident's Patient on the regional FHIR server, for every flow (ADR 0052): by the
 * facility's resident number, and for a registration also by every national identifier the record
 * carries (citizen ID under its OID and under the package's former URI, health record number,
 * health card number), in one OR search. Decides whether a registration updates the resident's own
 * Patient, links a Patient the platform already holds, creates one, or conflicts.
 */
@Component
public class PatientResolver {

  /** How a Patient was found: the kind of identifier, never its value. */
  public enum MatchedBy {
    RESIDENT_NO("resident-no"),
    CITIZEN_ID("citizen-id"),
    HEALTH_RECORD_NO("health-record-no"),
    HEALTH_CARD_NO("health-card-no");

    private final String code;

    MatchedBy(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /** What a registration does. */
  public sealed interface Resolution {}

  /** No Patient holds the resident or the person: create one (conditional create). */
  public record Create() implements Resolution {}

  /**
   * Write into this existing Patient. {@code link}: it is not yet this resident's: a platform's
   * Patient, or the Patient of a stay that ended (whose resident numbers become {@code use = old}).
   */
  public record Update(Patient current, boolean link, MatchedBy matchedBy) implements Resolution {}

  /** The registration cannot be written; 409 with this message, naming {@code idCardNo}. */
  public record Conflict(String message) implements Resolution {}

  private final FhirServer fhir;

  public PatientResolver(FhirServer fhir) {
    this.fhir = fhir;
  }

  /** The resident's Patient, by the facility's resident number. */
  public Optional<Patient> byResidentNo(String facilityCode, String residentNo) {
    return search(
            List.of(new Coding(Canonical.residentNoSystem(facilityCode), residentNo, null)), false)
        .stream()
        .findFirst();
  }

  /**
   * The id of the resident's Patient, for a record that refers to it; 404 naming {@code residentNo}
   * when the platform holds none (a record never references a Patient that does not exist).
   */
  public String requirePatientId(String facilityCode, String residentNo) {
    return search(
            List.of(new Coding(Canonical.residentNoSystem(facilityCode), residentNo, null)), true)
        .stream()
        .findFirst()
        .map(p -> p.getIdElement().getIdPart())
        .orElseThrow(
            () ->
                GatewayException.of(
                    ErrorCode.NOT_FOUND,
                    "residentNo",
                    "No resident with this facility code and resident number is registered on the"
                        + " regional platform; register the resident with POST /api/v1/residents"
                        + " first."));
  }

  /** What registering {@code incoming} (the mapped Patient of a resident record) must do. */
  public Resolution forRegistration(Patient incoming, String facilityCode, String residentNo) {
    String ownSystem = Canonical.residentNoSystem(facilityCode);
    List<Coding> codings = new ArrayList<>();
    codings.add(new Coding(ownSystem, residentNo, null));
    for (Identifier id : incoming.getIdentifier()) {
      MatchedBy kind = nationalKind(id.getSystem());
      if (kind == null || !id.hasValue()) {
        continue;
      }
      codings.add(new Coding(id.getSystem(), id.getValue(), null));
      if (kind == MatchedBy.CITIZEN_ID) {
        codings.add(new Coding(Canonical.SID_CITIZEN_ID_ALIAS, id.getValue(), null));
      }
    }
    List<Patient> candidates = search(codings, true);
    String citizenId = valueOf(incoming, MatchedBy.CITIZEN_ID);

    List<Patient> own = candidates.stream().filter(p -> holds(p, ownSystem, residentNo)).toList();
    if (own.size() > 1) {
      return new Conflict(
          "idCardNo: more than one Patient on the regional platform carries this resident number;"
              + " they must be merged on the platform before the resident can be updated.");
    }
    List<Patient> others = candidates.stream().filter(p -> !own.contains(p)).toList();
    List<Patient> heldByOthers =
        others.stream().filter(p -> heldByAnotherResident(p, ownSystem, residentNo)).toList();
    if (!heldByOthers.isEmpty()) {
      return new Conflict(
          "idCardNo: this person is registered as another resident (another facility, or another"
              + " resident number of this facility) who is still in care or deceased; one person"
              + " has one resident record at a time. End that stay first (POST"
              + " /api/v1/stay-events with a discharge or transfer), or correct the record.");
    }
    if (!own.isEmpty()) {
      return new Update(own.get(0), false, MatchedBy.RESIDENT_NO);
    }
    if (others.isEmpty()) {
      return new Create();
    }
    if (others.size() > 1) {
      return new Conflict(
          "idCardNo: the regional platform holds "
              + others.size()
              + " Patients for this person's identifiers; they must be merged on the platform"
              + " before the resident can be registered.");
    }
    Patient found = others.get(0);
    String theirs = citizenIdOf(found);
    if (citizenId != null && theirs != null && !theirs.equals(citizenId)) {
      return new Conflict(
          "idCardNo: the health record or health card number belongs to a Patient with another"
              + " citizen ID number on the regional platform; check the record's identifiers.");
    }
    if (found.hasDeceased() && !isFalse(found.getDeceased())) {
      return new Conflict(
          "idCardNo: the regional platform records this person as deceased; check the record.");
    }
    return new Update(found, true, matchedBy(found, incoming));
  }

  /** The kind of a national identifier system (former URI included); null for any other. */
  static MatchedBy nationalKind(String system) {
    if (Canonical.SID_CITIZEN_ID.equals(system) || Canonical.SID_CITIZEN_ID_ALIAS.equals(system)) {
      return MatchedBy.CITIZEN_ID;
    }
    if (Canonical.SID_HEALTH_RECORD_NO.equals(system)) {
      return MatchedBy.HEALTH_RECORD_NO;
    }
    if (Canonical.SID_HEALTH_CARD_NO.equals(system)) {
      return MatchedBy.HEALTH_CARD_NO;
    }
    return null;
  }

  /** Whether a Patient carries this resident number (in any use). */
  static boolean holds(Patient p, String residentSystem, String residentNo) {
    return p.getIdentifier().stream()
        .anyMatch(i -> residentSystem.equals(i.getSystem()) && residentNo.equals(i.getValue()));
  }

  /**
   * Whether a Patient is another resident's record still in force: it carries a current resident
   * number (not {@code use = old}) other than this one, and is active or deceased (ADR 0021: a stay
   * that ended leaves the Patient inactive and alive).
   */
  static boolean heldByAnotherResident(Patient p, String residentSystem, String residentNo) {
    boolean otherCurrentNumber =
        p.getIdentifier().stream()
            .filter(PatientResolver::isResidentNumber)
            .filter(i -> i.getUse() != Identifier.IdentifierUse.OLD)
            .anyMatch(
                i -> !(residentSystem.equals(i.getSystem()) && residentNo.equals(i.getValue())));
    if (!otherCurrentNumber) {
      return false;
    }
    boolean deceased = p.hasDeceased() && !isFalse(p.getDeceased());
    return !p.hasActive() || p.getActive() || deceased;
  }

  /** Whether a Patient carries no resident number at all: the platform's own Patient. */
  static boolean heldByNoResident(Patient p) {
    return p.getIdentifier().stream().noneMatch(PatientResolver::isResidentNumber);
  }

  static boolean isResidentNumber(Identifier i) {
    return i.getSystem() != null && i.getSystem().startsWith(Canonical.RESIDENT_NO_SYSTEM_PREFIX);
  }

  private static boolean isFalse(org.hl7.fhir.r4.model.Type deceased) {
    return deceased instanceof org.hl7.fhir.r4.model.BooleanType b && !b.booleanValue();
  }

  private static String valueOf(Patient p, MatchedBy kind) {
    return p.getIdentifier().stream()
        .filter(i -> nationalKind(i.getSystem()) == kind)
        .map(Identifier::getValue)
        .findFirst()
        .orElse(null);
  }

  private static String citizenIdOf(Patient p) {
    return valueOf(p, MatchedBy.CITIZEN_ID);
  }

  /** The first national identifier of the record that the found Patient carries too. */
  private static MatchedBy matchedBy(Patient found, Patient incoming) {
    for (Identifier mine : incoming.getIdentifier()) {
      MatchedBy kind = nationalKind(mine.getSystem());
      if (kind != null
          && found.getIdentifier().stream()
              .anyMatch(
                  i ->
                      nationalKind(i.getSystem()) == kind
                          && mine.getValue().equals(i.getValue()))) {
        return kind;
      }
    }
    return MatchedBy.CITIZEN_ID;
  }

  /**
   * Patients carrying any of these identifiers; no cache, since a write may be a moment old, and
   * not stored by the server (the query holds a citizen ID, ADR 0051).
   */
  private List<Patient> search(List<Coding> identifiers, boolean all) {
    Bundle found =
        fhir.client()
            .search()
            .forResource(Patient.class)
            .where(
                new TokenClientParam("identifier")
                    .exactly()
                    .codings(identifiers.toArray(new Coding[0])))
            .count(all ? 50 : 1)
            .returnBundle(Bundle.class)
            .cacheControl(FhirServer.NO_STORE)
            .execute();
    return found.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(Patient.class::isInstance)
        .map(Patient.class::cast)
        .toList();
  }
}
