package org.yiyang.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A /fhir path becomes a pattern and variables; the raw path (and its ids) never a route. */
class AuditRoutesTest {

  @Test
  void fhirPathsByShape() {
    assertThat(AuditRoutes.fhir("")).isEqualTo(new AuditRoutes.Route("/fhir", Map.of()));
    assertThat(AuditRoutes.fhir("/metadata").pattern()).isEqualTo("/fhir/metadata");
    assertThat(AuditRoutes.fhir("/Patient"))
        .isEqualTo(new AuditRoutes.Route("/fhir/{type}", Map.of("type", "Patient")));
    assertThat(AuditRoutes.fhir("/Patient/330302194305120024"))
        .isEqualTo(
            new AuditRoutes.Route(
                "/fhir/{type}/{id}", Map.of("type", "Patient", "id", "330302194305120024")));
    assertThat(AuditRoutes.fhir("/Patient/abc/_history/2").pattern())
        .isEqualTo("/fhir/{type}/{id}/_history/{vid}");
    assertThat(AuditRoutes.fhir("/Patient/_search").pattern()).isEqualTo("/fhir/{type}/_search");
    assertThat(AuditRoutes.fhir("/Patient/$validate").pattern())
        .isEqualTo("/fhir/{type}/$validate");
    assertThat(AuditRoutes.fhir("/$expunge").pattern()).isEqualTo("/fhir/$expunge");
    assertThat(AuditRoutes.fhir("/王秀英").pattern()).isEqualTo("/fhir/**");
    assertThat(AuditRoutes.fhir("/a/b/c/d/e").pattern()).isEqualTo("/fhir/**");
  }

  @Test
  void interactionsByMethodAndRoute() {
    assertThat(AuditTrail.fhirInteraction("GET", "/fhir/{type}")).isEqualTo("search-type");
    assertThat(AuditTrail.fhirInteraction("GET", "/fhir/{type}/{id}")).isEqualTo("read");
    assertThat(AuditTrail.fhirInteraction("DELETE", "/fhir/{type}/{id}")).isEqualTo("delete");
    assertThat(AuditTrail.fhirInteraction("POST", "/fhir")).isEqualTo("transaction");
    assertThat(AuditTrail.fhirInteraction("POST", "/fhir/$expunge"))
        .isEqualTo("extended-operation");
    assertThat(AuditTrail.interaction("POST", "/api/v1/residents", Map.of())).isEqualTo("create");
    assertThat(
            AuditTrail.interaction(
                "GET",
                "/api/v1/residents/{facilityCode}/{residentNo}",
                Map.of("facilityCode", "x", "residentNo", "y")))
        .isEqualTo("read");
    assertThat(AuditTrail.interaction("GET", "/api/v1/messages", Map.of())).isEqualTo("search");
    assertThat(
            AuditTrail.interaction(
                "POST",
                "/api/v1/referrals/{referralId}/{action}",
                Map.of("referralId", "r", "action", "cancel")))
        .isEqualTo("operation");
    assertThat(AuditTrail.interaction("POST", "/oauth2/token", Map.of())).isEqualTo("token");
    assertThat(AuditTrail.interaction("POST", "/api/v1/fhir/notifications", Map.of()))
        .isEqualTo("notify");
  }
}
