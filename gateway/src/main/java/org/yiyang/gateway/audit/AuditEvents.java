package org.yiyang.gateway.audit;

import java.util.Date;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;
import org.yiyang.profiles.Canonical;

/**
 * The audit trail as FHIR R4 AuditEvents, after IHE Basic Audit Log Patterns (BALP): a RESTful
 * interaction ({@code rest} + the FHIR interaction), or a client's authentication at the token
 * endpoint (DICOM {@code 110114}/{@code 110122}), or a webhook push (DICOM {@code 110106}); the
 * client as Source Role agent (requestor), the gateway as Destination; the object, the resident's
 * pseudonym as Patient entity, the facility, the correlation id ({@code XrequestId}), the journal
 * message, and the row's place in the chain. Built with HAPI's model, encoded by HAPI.
 */
@Component
public class AuditEvents {

  static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
  static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
  static final String INTERACTION = "http://hl7.org/fhir/restful-interaction";
  static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
  static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
  static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
  static final String PURPOSE = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
  static final String BALP_ENTITY =
      "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";

  /** Identifier systems of the gateway's own things (not published in the package). */
  static final String SID_CLIENT = Canonical.BASE + "/sid/gateway-client";

  static final String SID_PSEUDONYM = Canonical.BASE + "/sid/audit-resident-pseudonym";
  static final String SID_MESSAGE = Canonical.BASE + "/sid/gateway-journal-message";
  static final String SID_OBJECT = Canonical.BASE + "/sid/gateway-object";
  static final String CS_ROLE = Canonical.BASE + "/CodeSystem/gateway-role";
  static final String CS_INTERACTION = Canonical.BASE + "/CodeSystem/gateway-audit-interaction";

  private static final Set<String> REST_INTERACTIONS =
      Set.of(
          "read",
          "vread",
          "update",
          "patch",
          "delete",
          "history",
          "history-instance",
          "history-type",
          "history-system",
          "create",
          "search",
          "search-type",
          "search-system",
          "capabilities",
          "transaction",
          "batch",
          "operation");

  /** A Bundle (collection) of the rows, in chain order. */
  public Bundle bundle(List<AuditEntry> entries) {
    Bundle bundle = new Bundle();
    bundle.setType(Bundle.BundleType.COLLECTION);
    for (AuditEntry e : entries) {
      // A stable identity per row: derived from its MAC, unique to the row.
      String uuid =
          java.util
              .UUID
              .nameUUIDFromBytes(
                  ("yiyang-audit|" + e.seq() + "|" + e.mac())
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8))
              .toString();
      bundle.addEntry().setFullUrl("urn:uuid:" + uuid).setResource(event(e));
    }
    return bundle;
  }

  /** One row as an AuditEvent. */
  public AuditEvent event(AuditEntry e) {
    AuditRecord r = e.record();
    AuditEvent event = new AuditEvent();
    event.setId("audit-" + e.seq());
    String interaction = restInteraction(r.interaction());
    if ("token".equals(r.interaction())) {
      event.setType(new Coding(DCM, "110114", "User Authentication"));
      event.addSubtype(new Coding(DCM, "110122", "Login"));
    } else if (AuditRecord.WEBHOOK.equals(r.kind())) {
      event.setType(new Coding(DCM, "110106", "Export"));
      event.addSubtype(new Coding(CS_INTERACTION, r.interaction(), null));
    } else {
      event.setType(new Coding(EVENT_TYPE, "rest", "Restful Operation"));
      if (interaction != null) {
        event.addSubtype(new Coding(INTERACTION, interaction, null));
      } else if (r.interaction() != null) {
        event.addSubtype(new Coding(CS_INTERACTION, r.interaction(), null));
      }
    }
    event.setAction(action(r.interaction()));
    event.setRecorded(Date.from(e.recordedAt()));
    event.setOutcome(outcome(r));
    event.setOutcomeDesc(outcomeDescription(r));
    if (r.purpose() != null) {
      event.addPurposeOfEvent(new CodeableConcept(new Coding(PURPOSE, r.purpose(), null)));
    }

    // Who: the client (requestor), its organization, and the side that served the request.
    boolean outbound = !AuditRecord.REQUEST.equals(r.kind());
    AuditEventAgentComponent client = event.addAgent();
    client.setType(new CodeableConcept(new Coding(DCM, "110153", "Source Role ID")));
    client.setRequestor(true);
    if (r.clientId() != null) {
      client.setWho(
          new Reference()
              .setIdentifier(new Identifier().setSystem(SID_CLIENT).setValue(r.clientId())));
    }
    if (r.role() != null) {
      client.addRole(new CodeableConcept(new Coding(CS_ROLE, r.role(), null)));
    }
    if (r.sourceAddress() != null) {
      client.getNetwork().setAddress(r.sourceAddress()).setType(AuditEventAgentNetworkType._2);
    }
    if (r.purpose() != null) {
      client.addPurposeOfUse(new CodeableConcept(new Coding(PURPOSE, r.purpose(), null)));
    }
    if (r.organization() != null) {
      AuditEventAgentComponent organization = event.addAgent();
      organization.setRequestor(false);
      organization.setWho(
          new Reference()
              .setType("Organization")
              .setIdentifier(
                  new Identifier().setSystem(Canonical.SID_USCC).setValue(r.organization())));
    }
    AuditEventAgentComponent server = event.addAgent();
    server.setType(new CodeableConcept(new Coding(DCM, "110152", "Destination Role ID")));
    server.setRequestor(false);
    server.setWho(
        new Reference()
            .setDisplay(
                outbound
                    ? (AuditRecord.WEBHOOK.equals(r.kind())
                        ? "facility webhook"
                        : "regional FHIR server")
                    : "Yiyang Gateway " + e.observer()));
    event
        .getSource()
        .setSite("Yiyang Gateway")
        .setObserver(new Reference().setDisplay(e.observer()))
        .addType(new Coding(SOURCE_TYPE, "4", "Application Server"));

    // What: the object, the resident, the facility, the correlation, the message, the chain link.
    if (r.entityType() != null || r.entityId() != null) {
      AuditEventEntityComponent object = event.addEntity();
      object.setType(new Coding(ENTITY_TYPE, "2", "System Object"));
      object.setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
      object.setName(r.entityType());
      if (r.entityId() != null) {
        object.setWhat(
            new Reference()
                .setIdentifier(new Identifier().setSystem(SID_OBJECT).setValue(r.entityId())));
      }
      if (r.route() != null) {
        object
            .addDetail()
            .setType("route")
            .setValue(new org.hl7.fhir.r4.model.StringType(r.route()));
      }
    } else if (r.route() != null) {
      AuditEventEntityComponent object = event.addEntity();
      object.setType(new Coding(ENTITY_TYPE, "2", "System Object"));
      object.addDetail().setType("route").setValue(new org.hl7.fhir.r4.model.StringType(r.route()));
    }
    if (r.subject() != null) {
      AuditEventEntityComponent patient = event.addEntity();
      patient.setType(new Coding(ENTITY_TYPE, "1", "Person"));
      patient.setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
      patient.setWhat(
          new Reference()
              .setType("Patient")
              .setIdentifier(new Identifier().setSystem(SID_PSEUDONYM).setValue(r.subject())));
    }
    if (r.facility() != null) {
      AuditEventEntityComponent facility = event.addEntity();
      facility.setType(new Coding(ENTITY_TYPE, "3", "Organization"));
      facility.setWhat(
          new Reference()
              .setType("Organization")
              .setIdentifier(
                  new Identifier().setSystem(Canonical.SID_USCC).setValue(r.facility())));
    }
    if (r.correlationId() != null) {
      AuditEventEntityComponent correlation = event.addEntity();
      correlation.setType(new Coding(BALP_ENTITY, "XrequestId", "X-Request-Id"));
      correlation.setWhat(
          new Reference().setIdentifier(new Identifier().setValue(r.correlationId())));
    }
    if (r.messageId() != null) {
      AuditEventEntityComponent message = event.addEntity();
      message.setType(new Coding(ENTITY_TYPE, "2", "System Object"));
      message.setRole(new Coding(OBJECT_ROLE, "3", "Report"));
      message.setName("journal message");
      message.setWhat(
          new Reference()
              .setIdentifier(new Identifier().setSystem(SID_MESSAGE).setValue(r.messageId())));
    }
    AuditEventEntityComponent link = event.addEntity();
    link.setType(new Coding(ENTITY_TYPE, "4", "Other"));
    link.setName("audit chain");
    link.addDetail()
        .setType("seq")
        .setValue(new org.hl7.fhir.r4.model.StringType(String.valueOf(e.seq())));
    link.addDetail()
        .setType("algorithm")
        .setValue(new org.hl7.fhir.r4.model.StringType(e.macAlgorithm()));
    link.addDetail().setType("prevMac").setValue(new org.hl7.fhir.r4.model.StringType(e.prevMac()));
    link.addDetail().setType("mac").setValue(new org.hl7.fhir.r4.model.StringType(e.mac()));
    return event;
  }

  /** The FHIR restful interaction an audit interaction is, if it is one. */
  static String restInteraction(String interaction) {
    if (interaction == null) {
      return null;
    }
    if (interaction.equals("metadata")) {
      return "capabilities";
    }
    if (interaction.startsWith("extended-operation")) {
      return "operation";
    }
    return REST_INTERACTIONS.contains(interaction) ? interaction : null;
  }

  static AuditEventAction action(String interaction) {
    if (interaction == null) {
      return AuditEventAction.E;
    }
    return switch (interaction) {
      case "create" -> AuditEventAction.C;
      case "read",
          "vread",
          "search",
          "search-type",
          "search-system",
          "history",
          "history-instance",
          "history-type",
          "history-system",
          "metadata",
          "capabilities" ->
          AuditEventAction.R;
      case "update", "patch" -> AuditEventAction.U;
      case "delete" -> AuditEventAction.D;
      default -> AuditEventAction.E;
    };
  }

  static AuditEventOutcome outcome(AuditRecord r) {
    return switch (r.outcome()) {
      case AuditRecord.SUCCESS -> AuditEventOutcome._0;
      case AuditRecord.REFUSED, AuditRecord.REJECTED -> AuditEventOutcome._4;
      case AuditRecord.FAILED ->
          "dead".equals(r.detail()) ? AuditEventOutcome._8 : AuditEventOutcome._4;
      default -> AuditEventOutcome._8;
    };
  }

  private static String outcomeDescription(AuditRecord r) {
    StringBuilder d = new StringBuilder(r.outcome());
    if (r.status() != null) {
      d.append(" HTTP ").append(r.status());
    }
    if (r.errorCode() != null) {
      d.append(' ').append(r.errorCode());
    }
    if (r.detail() != null) {
      d.append(": ").append(r.detail());
    }
    return d.toString();
  }
}
