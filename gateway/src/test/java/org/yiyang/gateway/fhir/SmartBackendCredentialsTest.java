package org.yiyang.gateway.fhir;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.gateway.security.Keyring;

/**
 * SMART Backend Services towards an external FHIR server, against WireMock: each client assertion
 * is checked as the platform would check it, the token is reused until it expires, and a 401 gets
 * exactly one renewal and one retry.
 */
class SmartBackendCredentialsTest {

  @RegisterExtension
  static WireMockExtension platform =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final ECKey key =
      (ECKey) Keyring.parseForTest(Keyring.generate()).signingKeys().getKeys().get(0);

  @Test
  void eachAssertionIsWhatSmartAsksAndTheTokenIsReusedUntilItExpires() throws Exception {
    platform.stubFor(
        post(urlPathEqualTo("/auth/token"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"access_token\":\"t-1\",\"token_type\":\"bearer\",\"expires_in\":300}")));
    SmartBackendCredentials credentials = credentials();
    assertThat(credentials.bearerToken()).contains("t-1");
    assertThat(credentials.bearerToken()).contains("t-1");
    platform.verify(1, postRequestedFor(urlPathEqualTo("/auth/token")));
    credentials.refresh();
    assertThat(credentials.bearerToken()).contains("t-1");

    List<LoggedRequest> requests =
        platform.findAll(postRequestedFor(urlPathEqualTo("/auth/token")));
    assertThat(requests).hasSize(2);
    Set<String> jtis = new HashSet<>();
    for (LoggedRequest request : requests) {
      Map<String, String> form = form(request.getBodyAsString());
      assertThat(form.get("grant_type")).isEqualTo("client_credentials");
      assertThat(form.get("client_assertion_type"))
          .isEqualTo("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
      assertThat(form.get("scope")).isEqualTo("system/*.rs system/*.cu");
      assertThat(request.getHeader("Authorization")).isNull();
      SignedJWT assertion = SignedJWT.parse(form.get("client_assertion"));
      assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES384);
      assertThat(assertion.getHeader().getKeyID()).isEqualTo(key.getKeyID());
      assertThat(assertion.verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();
      var claims = assertion.getJWTClaimsSet();
      assertThat(claims.getIssuer()).isEqualTo("gateway-at-platform");
      assertThat(claims.getSubject()).isEqualTo("gateway-at-platform");
      assertThat(claims.getAudience()).containsExactly(platform.baseUrl() + "/auth/token");
      assertThat(claims.getExpirationTime().toInstant())
          .isAfter(Instant.now())
          .isBefore(Instant.now().plus(Duration.ofMinutes(5)));
      assertThat(claims.getJWTID()).isNotBlank();
      jtis.add(claims.getJWTID());
    }
    assertThat(jtis).as("a fresh jti each time").hasSize(2);
  }

  @Test
  void a401IsRetriedOnceWithARenewedToken() throws Exception {
    platform.stubFor(
        post(urlPathEqualTo("/auth/token"))
            .inScenario("tokens")
            .whenScenarioStateIs(STARTED)
            .willReturn(token("stale"))
            .willSetStateTo("second"));
    platform.stubFor(
        post(urlPathEqualTo("/auth/token"))
            .inScenario("tokens")
            .whenScenarioStateIs("second")
            .willReturn(token("fresh")));
    platform.stubFor(
        get(urlPathEqualTo("/fhir/metadata"))
            .withHeader("Authorization", equalTo("Bearer stale"))
            .willReturn(aResponse().withStatus(401)));
    platform.stubFor(
        get(urlPathEqualTo("/fhir/metadata"))
            .withHeader("Authorization", equalTo("Bearer fresh"))
            .willReturn(aResponse().withStatus(200).withBody("{}")));
    try (CloseableHttpClient http =
        AuthenticatedHttpClient.build(
            credentials(), Duration.ofSeconds(2), Duration.ofSeconds(2), 2, 2)) {
      int status =
          http.execute(new HttpGet(platform.baseUrl() + "/fhir/metadata"))
              .getStatusLine()
              .getStatusCode();
      assertThat(status).isEqualTo(200);
    }
    platform.verify(2, getRequestedFor(urlPathEqualTo("/fhir/metadata")));
    platform.verify(2, postRequestedFor(urlPathEqualTo("/auth/token")));
  }

  @Test
  void aSecond401IsNotRetriedAgain() throws Exception {
    platform.stubFor(post(urlPathEqualTo("/auth/token")).willReturn(token("refused")));
    platform.stubFor(get(urlPathEqualTo("/fhir/metadata")).willReturn(aResponse().withStatus(401)));
    try (CloseableHttpClient http =
        AuthenticatedHttpClient.build(
            credentials(), Duration.ofSeconds(2), Duration.ofSeconds(2), 2, 2)) {
      int status =
          http.execute(new HttpGet(platform.baseUrl() + "/fhir/metadata"))
              .getStatusLine()
              .getStatusCode();
      assertThat(status).isEqualTo(401);
    }
    platform.verify(2, getRequestedFor(urlPathEqualTo("/fhir/metadata")));
  }

  private SmartBackendCredentials credentials() {
    return new SmartBackendCredentials(
        new GatewayProperties.Auth(
            platform.baseUrl() + "/auth/token", "gateway-at-platform", "system/*.rs system/*.cu"),
        key);
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder token(String t) {
    return aResponse()
        .withHeader("Content-Type", "application/json")
        .withBody("{\"access_token\":\"" + t + "\",\"token_type\":\"bearer\",\"expires_in\":300}");
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      String[] kv = pair.split("=", 2);
      form.put(
          URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    return form;
  }
}
