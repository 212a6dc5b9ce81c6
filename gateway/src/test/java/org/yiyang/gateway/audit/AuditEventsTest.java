package org.yiyang.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.yiyang.profiles.Fhir;
import org.yiyang.profiles.RegionalValidator;

/** The FHIR export: BALP-like AuditEvents, valid R4, encoded by HAPI. */
class AuditEventsTest {

  private final AuditEvents events = new AuditEvents();

  private static AuditEntry entry(long seq, AuditRecord r) {
    return new AuditEntry(
        seq, Instant.parse("2026-12-01T08:00:00.123456Z"), "gw-1", r, "HMAC-SHA256", "00", "ff");
  }

  @Test
  void aResidentReadBecomesARestReadWithClientPatientAndCorrelation() {
    AuditRecord read =
        AuditRecord.builder(AuditRecord.REQUEST)
            .client("c-1", "facility", "52330300MJ8712345N")
            .sourceAddress("10.0.0.1")
            .action("read", "GET", "/api/v1/residents/{facilityCode}/{residentNo}")
            .entity("residents", null)
            .facility("52330300MJ8712345N")
            .subject("0123456789abcdef0123456789abcdef")
            .result(200, null, null, AuditRecord.SUCCESS)
            .purpose("TREAT")
            .correlation("corr-1", null)
            .build();
    AuditEvent e = events.event(entry(7, read));
    assertThat(e.getIdElement().getIdPart()).isEqualTo("audit-7");
    assertThat(e.getType().getCode()).isEqualTo("rest");
    assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("read");
    assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
    assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
    assertThat(e.getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("TREAT");
    AuditEvent.AuditEventAgentComponent client = e.getAgentFirstRep();
    assertThat(client.getRequestor()).isTrue();
    assertThat(client.getWho().getIdentifier().getValue()).isEqualTo("c-1");
    assertThat(client.getNetwork().getAddress()).isEqualTo("10.0.0.1");
    assertThat(e.getEntity())
        .anySatisfy(
            en -> {
              assertThat(en.getRole().getCode()).isEqualTo("1");
              assertThat(en.getWhat().getIdentifier().getValue())
                  .isEqualTo("0123456789abcdef0123456789abcdef");
            })
        .anySatisfy(
            en -> {
              assertThat(en.getType().getCode()).isEqualTo("XrequestId");
              assertThat(en.getWhat().getIdentifier().getValue()).isEqualTo("corr-1");
            });
  }

  @Test
  void refusalsTokensAndWebhooksHaveTheirOwnTypesAndOutcomes() {
    AuditRecord refused =
        AuditRecord.builder(AuditRecord.REQUEST)
            .client("c-x", null, null)
            .action("token", "POST", "/oauth2/token")
            .result(
                401, "invalid_client", "the assertion's jti was used before", AuditRecord.REFUSED)
            .durationMs(3L)
            .build();
    AuditEvent token = events.event(entry(1, refused));
    assertThat(token.getType().getCode()).isEqualTo("110114");
    assertThat(token.getSubtypeFirstRep().getCode()).isEqualTo("110122");
    assertThat(token.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
    assertThat(token.getOutcomeDesc()).contains("401", "invalid_client", "jti");

    AuditRecord webhook =
        AuditRecord.builder(AuditRecord.WEBHOOK)
            .client("yiyang-gateway", "gateway", null)
            .action("notify", "POST", null)
            .entity("referral.notify", "attempt=3")
            .result(null, "GW-4001", "dead", AuditRecord.FAILED)
            .correlation(null, "11111111-1111-4111-8111-111111111111")
            .build();
    AuditEvent pushed = events.event(entry(2, webhook));
    assertThat(pushed.getType().getCode()).isEqualTo("110106");
    assertThat(pushed.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._8);
    assertThat(pushed.getEntity())
        .anySatisfy(
            en ->
                assertThat(en.getWhat().getIdentifier().getValue())
                    .isEqualTo("11111111-1111-4111-8111-111111111111"));
  }

  @Test
  void theExportIsAValidR4BundleEncodedByHapi() {
    Bundle bundle =
        events.bundle(
            List.of(
                entry(1, AuditDatabases.sample(1)),
                entry(2, AuditDatabases.sample(3)),
                entry(3, AuditDatabases.sample(5))));
    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
    String json = Fhir.r4().newJsonParser().encodeResourceToString(bundle);
    Bundle parsed = Fhir.r4().newJsonParser().parseResource(Bundle.class, json);
    assertThat(parsed.getEntry()).hasSize(3);
    assertThat(RegionalValidator.shared().errors(parsed)).isEmpty();
  }
}
