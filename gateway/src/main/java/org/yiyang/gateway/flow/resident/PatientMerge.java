package org.yiyang.gateway.flow.resident;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.yiyang.profiles.Canonical;

/**
 * Writes a facility's resident record into a Patient the regional platform already holds (ADR
 * 0052), instead of replacing it. The record owns what it defines: its official name, its mobile
 * phone, its home address, its emergency contacts, marital status, gender, birth date, the
 * package's extensions and its own identifiers. Everything else the Patient carries (other names,
 * phones and addresses, other identifiers, another organization's {@code managingOrganization},
 * photos, links…) is kept.
 *
 * <p>On the resident's own Patient the owned elements are replaced as the record states them (a
 * phone the facility no longer sends is removed). When linking a Patient that is not yet the
 * resident's, an owned element the record leaves out is kept: the platform's data is not removed by
 * a record that says nothing about it.
 */
final class PatientMerge {

  private PatientMerge() {}

  /**
   * The Patient to write: {@code current} (as read, with its id) updated with {@code incoming} (the
   * mapped resident record).
   *
   * @param link {@code current} is not yet this resident's Patient: resident numbers of ended stays
   *     become {@code use = old}, and the Patient becomes active again
   */
  static Patient merge(Patient current, Patient incoming, boolean link) {
    Patient out = current.copy();
    out.setIdElement(current.getIdElement().toUnqualifiedVersionless());
    if (out.hasText() && out.getText().getStatus() == Narrative.NarrativeStatus.GENERATED) {
      // A narrative generated from the old content would now contradict it.
      out.setText(null);
    }
    out.setIdentifier(identifiers(current, incoming, link));
    out.setExtension(
        concat(incoming.getExtension(), keep(current.getExtension(), e -> !isPackage(e))));
    out.setName(
        concat(
            incoming.getName(),
            keep(current.getName(), n -> n.getUse() != HumanName.NameUse.OFFICIAL)));

    boolean replacePhone = !link || incoming.hasTelecom();
    List<String> phones = incoming.getTelecom().stream().map(ContactPoint::getValue).toList();
    out.setTelecom(
        concat(
            incoming.getTelecom(),
            keep(
                current.getTelecom(),
                t ->
                    !phones.contains(t.getValue())
                        && !(replacePhone
                            && t.getSystem() == ContactPoint.ContactPointSystem.PHONE
                            && t.getUse() == ContactPoint.ContactPointUse.MOBILE))));

    boolean replaceHome = !link || incoming.hasAddress();
    out.setAddress(
        concat(
            incoming.getAddress(),
            keep(
                current.getAddress(),
                a -> !(replaceHome && a.getUse() == Address.AddressUse.HOME))));

    if (!link || incoming.hasContact()) {
      out.setContact(incoming.getContact());
    }
    if (!link || incoming.hasMaritalStatus()) {
      out.setMaritalStatus(incoming.getMaritalStatus());
    }
    out.setGenderElement(incoming.getGenderElement());
    out.setBirthDateElement(incoming.getBirthDateElement());

    // active and deceased[x] belong to the stay flow (ADR 0021): a re-sent record leaves them; a
    // new stay (a link) makes the Patient's record active again.
    if (link || !current.hasActive()) {
      out.setActive(true);
    }
    // Another organization's management (a community health centre's Patient) is kept.
    if (!current.hasManagingOrganization()
        || managedByAResidentsFacility(current, current.getManagingOrganization())) {
      out.setManagingOrganization(incoming.getManagingOrganization());
    }
    return out;
  }

  /**
   * The record's identifiers first, then the Patient's others. An identifier the record carries
   * replaces the same one (same kind, same value: the citizen ID under its former URI becomes the
   * OID); on the resident's own Patient a national identifier of the same kind with another value
   * is a correction and is replaced too. When linking, other resident numbers become old.
   */
  private static List<Identifier> identifiers(Patient current, Patient incoming, boolean link) {
    List<Identifier> kept = new ArrayList<>();
    for (Identifier theirs : current.getIdentifier()) {
      boolean replaced =
          incoming.getIdentifier().stream().anyMatch(mine -> same(mine, theirs, !link));
      if (replaced) {
        continue;
      }
      Identifier copy = theirs.copy();
      if (link
          && PatientResolver.isResidentNumber(copy)
          && copy.getUse() != Identifier.IdentifierUse.OLD) {
        copy.setUse(Identifier.IdentifierUse.OLD);
      }
      kept.add(copy);
    }
    return concat(incoming.getIdentifier(), kept);
  }

  private static boolean same(Identifier mine, Identifier theirs, boolean corrections) {
    PatientResolver.MatchedBy kind = PatientResolver.nationalKind(mine.getSystem());
    if (kind != null && kind == PatientResolver.nationalKind(theirs.getSystem())) {
      return corrections || mine.getValue().equals(theirs.getValue());
    }
    return mine.getSystem() != null
        && mine.getSystem().equals(theirs.getSystem())
        && mine.getValue() != null
        && mine.getValue().equals(theirs.getValue());
  }

  /**
   * Whether the Patient's managing organization is a facility one of its resident numbers belongs
   * to: then the gateway set it, and the current facility takes it over.
   */
  private static boolean managedByAResidentsFacility(Patient current, Reference managing) {
    if (!managing.hasIdentifier()
        || !Canonical.SID_USCC.equals(managing.getIdentifier().getSystem())) {
      return false;
    }
    String system = Canonical.residentNoSystem(managing.getIdentifier().getValue());
    return current.getIdentifier().stream().anyMatch(i -> system.equals(i.getSystem()));
  }

  private static boolean isPackage(Extension e) {
    return e.getUrl() != null && e.getUrl().startsWith(Canonical.SD);
  }

  private static <T extends org.hl7.fhir.r4.model.Base> List<T> keep(
      List<T> items, Predicate<T> keep) {
    List<T> out = new ArrayList<>();
    for (T item : items) {
      if (keep.test(item)) {
        @SuppressWarnings("unchecked")
        T copy = (T) item.copy();
        out.add(copy);
      }
    }
    return out;
  }

  private static <T> List<T> concat(List<T> first, List<T> then) {
    List<T> out = new ArrayList<>(first);
    out.addAll(then);
    return out;
  }
}
