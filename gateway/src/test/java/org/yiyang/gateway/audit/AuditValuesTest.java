package org.yiyang.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.yiyang.gateway.security.Keyring;
import org.yiyang.gateway.security.Role;

/**
 * What may enter an audit row: ids as they are, anything that could name a person as a pseudonym.
 */
class AuditValuesTest {

  private static final Keyring KEYRING = Keyring.parseForTest(Keyring.generate());

  @Test
  void idsAreKeptAndPersonalLookingValuesBecomeKeyedPseudonyms() {
    assertThat(AuditValues.safeId(KEYRING, "A2025-0001")).isEqualTo("A2025-0001");
    assertThat(AuditValues.safeId(KEYRING, "c-2f1e0a8e-3c1d-4b7e-9d55-0b7a1c2d3e4f"))
        .isEqualTo("c-2f1e0a8e-3c1d-4b7e-9d55-0b7a1c2d3e4f");
    assertThat(AuditValues.safeId(KEYRING, "52330300MJ8712345N")).isEqualTo("52330300MJ8712345N");
    for (String personal :
        new String[] {"330302194305120024", "13800000000", "王秀英", "R 0001", "a".repeat(65)}) {
      String kept = AuditValues.safeId(KEYRING, personal);
      assertThat(kept).startsWith("~").hasSize(33).doesNotContain(personal);
      assertThat(kept).isEqualTo(AuditValues.safeId(KEYRING, personal));
    }
    // Machine-made ids keep a long run of digits they hold by chance; an all-digit one does not.
    assertThat(AuditValues.safeId(KEYRING, "res-1d5ba7ed98c779900394138106a37470"))
        .isEqualTo("res-1d5ba7ed98c779900394138106a37470");
    assertThat(AuditValues.safeId(KEYRING, "2f1e0a8e-3c1d-4b7e-9d55-204718365920"))
        .isEqualTo("2f1e0a8e-3c1d-4b7e-9d55-204718365920");
    assertThat(AuditValues.safeId(KEYRING, "33030219430512002413800000000123")).startsWith("~");
    assertThat(AuditValues.safeId(KEYRING, "x-33030219430512002413800000000123")).startsWith("~");
    assertThat(AuditValues.safeId(KEYRING, null)).isNull();
    assertThat(AuditValues.resident(KEYRING, "52330300MJ8712345N", "R0001"))
        .isEqualTo(KEYRING.pseudonym("52330300MJ8712345N|R0001"))
        .hasSize(32);
  }

  @Test
  void aCorrelationIdThatCouldBeAnIdNumberIsReplaced() {
    assertThat(AuditValues.correlationId("drill-D-00012-1")).isEqualTo("drill-D-00012-1");
    assertThat(AuditValues.correlationId("330302194305120024")).isNotEqualTo("330302194305120024");
    assertThat(AuditValues.correlationId("tel-13800000000")).doesNotContain("13800000000");
    assertThat(AuditValues.correlationId("has space")).hasSize(36);
    assertThat(AuditValues.correlationId("2f1e0a8e-3c1d-4b7e-9d55-204718365920"))
        .isEqualTo("2f1e0a8e-3c1d-4b7e-9d55-204718365920");
    assertThat(AuditValues.correlationId(null)).hasSize(36);
    assertThat(AuditValues.correlationIdOrNull("330302194305120024")).isNull();
  }

  @Test
  void outcomeClassesAndPurposes() {
    assertThat(AuditValues.outcome(200, false)).isEqualTo(AuditRecord.SUCCESS);
    assertThat(AuditValues.outcome(401, false)).isEqualTo(AuditRecord.REFUSED);
    assertThat(AuditValues.outcome(403, false)).isEqualTo(AuditRecord.REFUSED);
    assertThat(AuditValues.outcome(429, false)).isEqualTo(AuditRecord.REFUSED);
    assertThat(AuditValues.outcome(400, true)).isEqualTo(AuditRecord.REFUSED);
    assertThat(AuditValues.outcome(400, false)).isEqualTo(AuditRecord.REJECTED);
    assertThat(AuditValues.outcome(404, false)).isEqualTo(AuditRecord.REJECTED);
    assertThat(AuditValues.outcome(503, false)).isEqualTo(AuditRecord.ERROR);
    assertThat(AuditValues.purpose(Role.FACILITY)).isEqualTo("TREAT");
    assertThat(AuditValues.purpose(Role.HOSPITAL)).isEqualTo("TREAT");
    assertThat(AuditValues.purpose(Role.OPERATOR)).isEqualTo("HOPERAT");
    assertThat(AuditValues.purpose(Role.AUDITOR)).isEqualTo("HCOMPL");
    assertThat(AuditValues.purpose(Role.SUPERVISOR)).isEqualTo("HPRGRP");
    assertThat(AuditValues.purpose(null)).isNull();
  }

  @Test
  void theMacIsChosenByConfiguration() {
    Binder binder =
        new Binder(new MapConfigurationPropertySource(Map.of("gateway.audit.mac", "HMAC-SM3")));
    assertThat(binder.bind("gateway.audit", AuditProperties.class).get().mac())
        .isEqualTo(AuditMac.HMAC_SM3);
  }
}
