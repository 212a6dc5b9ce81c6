package org.yiyang.gateway.flow.resident;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.yiyang.profiles.Canonical;

/** What a resident record keeps and replaces of a Patient the platform holds (ADR 0052). */
class PatientMergeTest {

  private static final String FACILITY = "52330300MJ8712345N";
  private static final String OTHER = "52330300MJ8754321M";

  /** The mapped record: official name, mobile phone, home address, identifiers, extensions. */
  private static Patient record() {
    Patient p = new Patient();
    p.addExtension(Canonical.EXT_GB_SEX, new Coding(Canonical.CS_GB_SEX, "2", null));
    p.addIdentifier()
        .setUse(Identifier.IdentifierUse.OFFICIAL)
        .setSystem(Canonical.SID_CITIZEN_ID)
        .setValue("330302194305120024");
    p.addIdentifier()
        .setUse(Identifier.IdentifierUse.USUAL)
        .setSystem(Canonical.residentNoSystem(FACILITY))
        .setValue("R0001");
    p.addName().setUse(HumanName.NameUse.OFFICIAL).setText("王秀英");
    p.addTelecom()
        .setSystem(ContactPoint.ContactPointSystem.PHONE)
        .setUse(ContactPoint.ContactPointUse.MOBILE)
        .setRank(1)
        .setValue("13800000000");
    p.addAddress().setUse(Address.AddressUse.HOME).setText("温州市鹿城区");
    p.setManagingOrganization(
        new Reference("urn:uuid:facility")
            .setIdentifier(new Identifier().setSystem(Canonical.SID_USCC).setValue(FACILITY)));
    p.setActive(true);
    return p;
  }

  /** A community health centre's Patient: base R4, the citizen ID under the former URI. */
  private static Patient communityHealthCentres() {
    Patient p = new Patient();
    p.setId("Patient/77/_history/3");
    p.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString("<div>x</div>");
    p.addExtension("https://chc.example/ext", new Coding("https://chc.example", "a", null));
    p.addExtension(Canonical.EXT_GB_SEX, new Coding(Canonical.CS_GB_SEX_ALIAS, "2", null));
    p.addIdentifier().setSystem(Canonical.SID_CITIZEN_ID_ALIAS).setValue("330302194305120024");
    p.addIdentifier().setSystem("https://chc.example/no").setValue("C17");
    p.addName().setFamily("王").addGiven("秀英");
    p.addName().setUse(HumanName.NameUse.OFFICIAL).setText("王秀瑛");
    p.addTelecom()
        .setSystem(ContactPoint.ContactPointSystem.PHONE)
        .setUse(ContactPoint.ContactPointUse.HOME)
        .setValue("0577-88001234");
    p.addTelecom()
        .setSystem(ContactPoint.ContactPointSystem.PHONE)
        .setUse(ContactPoint.ContactPointUse.MOBILE)
        .setValue("13911112222");
    p.addAddress().setUse(Address.AddressUse.WORK).setText("某单位");
    p.setManagingOrganization(new Reference("Organization/chc"));
    return p;
  }

  @Test
  void linkingAddsTheRecordAndKeepsThePlatformsOwnData() {
    Patient merged = PatientMerge.merge(communityHealthCentres(), record(), true);

    assertThat(merged.getIdElement().getValue()).isEqualTo("Patient/77");
    assertThat(merged.hasText()).as("a generated narrative of the old content goes").isFalse();
    // The citizen ID once, under the OID; the centre's own number kept; the resident number added.
    assertThat(merged.getIdentifier())
        .extracting(Identifier::getSystem)
        .containsExactly(
            Canonical.SID_CITIZEN_ID,
            Canonical.residentNoSystem(FACILITY),
            "https://chc.example/no");
    // The package's extensions are the record's; another's extension stays.
    assertThat(merged.getExtension())
        .extracting(e -> e.getUrl())
        .containsExactly(Canonical.EXT_GB_SEX, "https://chc.example/ext");
    assertThat(((Coding) merged.getExtensionByUrl(Canonical.EXT_GB_SEX).getValue()).getSystem())
        .isEqualTo(Canonical.CS_GB_SEX);
    // The record's official name replaces the official one; the name without use stays.
    assertThat(merged.getName()).hasSize(2);
    assertThat(merged.getName().get(0).getText()).isEqualTo("王秀英");
    assertThat(merged.getName().get(1).getFamily()).isEqualTo("王");
    // The record's mobile phone replaces the mobile one; the home phone stays.
    assertThat(merged.getTelecom())
        .extracting(ContactPoint::getValue)
        .containsExactly("13800000000", "0577-88001234");
    assertThat(merged.getAddress())
        .extracting(Address::getUse)
        .containsExactly(Address.AddressUse.HOME, Address.AddressUse.WORK);
    // Another organization manages it: that stays.
    assertThat(merged.getManagingOrganization().getReference()).isEqualTo("Organization/chc");
    assertThat(merged.getActive()).isTrue();
  }

  @Test
  void linkingLeavesWhatTheRecordDoesNotSay() {
    Patient silent = record();
    silent.setTelecom(null);
    silent.setAddress(null);
    Patient merged = PatientMerge.merge(communityHealthCentres(), silent, true);
    assertThat(merged.getTelecom())
        .extracting(ContactPoint::getValue)
        .containsExactly("0577-88001234", "13911112222");
    assertThat(merged.getAddress()).hasSize(1);
  }

  @Test
  void linkingTheSamePersonAfterAStayEndedMarksTheEarlierNumberOld() {
    Patient ended = record();
    ended.setId("Patient/5/_history/2");
    ended.setIdentifier(null);
    ended.addIdentifier().setSystem(Canonical.SID_CITIZEN_ID).setValue("330302194305120024");
    ended
        .addIdentifier()
        .setUse(Identifier.IdentifierUse.USUAL)
        .setSystem(Canonical.residentNoSystem(OTHER))
        .setValue("B-7");
    ended.setActive(false);
    ended.setManagingOrganization(
        new Reference("Organization/other")
            .setIdentifier(new Identifier().setSystem(Canonical.SID_USCC).setValue(OTHER)));

    Patient merged = PatientMerge.merge(ended, record(), true);

    assertThat(merged.getIdentifier())
        .filteredOn(i -> Canonical.residentNoSystem(OTHER).equals(i.getSystem()))
        .singleElement()
        .satisfies(i -> assertThat(i.getUse()).isEqualTo(Identifier.IdentifierUse.OLD));
    assertThat(merged.getActive()).as("a new stay").isTrue();
    // The earlier facility was the gateway's setting: the current facility takes it over.
    assertThat(merged.getManagingOrganization().getIdentifier().getValue()).isEqualTo(FACILITY);
  }

  @Test
  void theResidentsOwnPatientTakesTheRecordAsItIsAndKeepsItsStayState() {
    Patient own = record();
    own.setId("Patient/9/_history/4");
    own.setActive(false);
    own.setDeceased(new org.hl7.fhir.r4.model.DateTimeType("2025-06-30"));
    Patient resend = record();
    resend.setTelecom(null);
    resend.getIdentifierFirstRep().setValue("330302194305120083");

    Patient merged = PatientMerge.merge(own, resend, false);

    assertThat(merged.hasTelecom()).as("a phone the record no longer sends").isFalse();
    assertThat(merged.getIdentifier())
        .filteredOn(i -> Canonical.SID_CITIZEN_ID.equals(i.getSystem()))
        .singleElement()
        .satisfies(
            i -> assertThat(i.getValue()).as("a corrected ID").isEqualTo("330302194305120083"));
    assertThat(merged.getActive()).isFalse();
    assertThat(merged.hasDeceased()).isTrue();
  }

  @Test
  void anotherResidentsPatientIsHeldWhileInCareOrDeceasedOnly() {
    String mine = Canonical.residentNoSystem(FACILITY);
    Patient other = record();
    other.getIdentifier().get(1).setSystem(Canonical.residentNoSystem(OTHER));
    assertThat(PatientResolver.heldByAnotherResident(other, mine, "R0001")).isTrue();
    other.setActive(false);
    assertThat(PatientResolver.heldByAnotherResident(other, mine, "R0001")).isFalse();
    other.setDeceased(new org.hl7.fhir.r4.model.BooleanType(true));
    assertThat(PatientResolver.heldByAnotherResident(other, mine, "R0001")).isTrue();
    Patient platforms = communityHealthCentres();
    assertThat(PatientResolver.heldByAnotherResident(platforms, mine, "R0001")).isFalse();
    Patient sameFacilityOtherNumber = record();
    sameFacilityOtherNumber.getIdentifier().get(1).setValue("R0002");
    assertThat(PatientResolver.heldByAnotherResident(sameFacilityOtherNumber, mine, "R0001"))
        .isTrue();
  }
}
