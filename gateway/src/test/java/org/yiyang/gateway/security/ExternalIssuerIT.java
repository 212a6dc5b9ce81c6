package org.yiyang.gateway.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;

/**
 * Tokens of an external issuer (a Keycloak realm, here WireMock serving its discovery document and
 * keys) are accepted when {@code gateway.security.issuer-uri} names it, with the role and USCC in
 * the configured claims; the same checks apply as to the gateway's own tokens.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExternalIssuerIT {

  @RegisterExtension
  static WireMockExtension keycloak =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final RSAKey KEY = generate();
  static Path dataDir = GatewayClient.tempDir("external-issuer-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    GatewayClient.embeddedServer(registry, () -> dataDir);
    registry.add("gateway.security.issuer-uri", ExternalIssuerIT::issuer);
    registry.add("gateway.security.external.role-claim", () -> "yiyang_role");
    registry.add("gateway.security.external.uscc-claim", () -> "org_uscc");
    registry.add("gateway.security.external.audience", () -> "yiyang-gateway-region");
  }

  @LocalServerPort int port;

  static String issuer() {
    return keycloak.baseUrl() + "/realms/region";
  }

  /** The realm's discovery document and keys (WireMock forgets its stubs before each test). */
  @org.junit.jupiter.api.BeforeEach
  void realm() {
    String issuer = issuer();
    keycloak.stubFor(
        get(urlPathEqualTo("/realms/region/.well-known/openid-configuration"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"issuer\":\""
                            + issuer
                            + "\",\"jwks_uri\":\""
                            + issuer
                            + "/protocol/openid-connect/certs\",\"subject_types_supported\":[\"public\"]}")));
    keycloak.stubFor(
        get(urlPathEqualTo("/realms/region/protocol/openid-connect/certs"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(new JWKSet(KEY.toPublicJWK()).toString())));
  }

  @Test
  void anUnreachableRealmRefusesItsTokensWith401NotA500() throws Exception {
    keycloak.resetAll();
    GatewayClient gateway = new GatewayClient(port, dataDir);
    HttpResponse<String> refused = call(gateway, token(c -> {}));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
    GatewayClient.assertOutcome(refused, "GW-1030", "Authorization");
    realm();
    assertThat(call(gateway, token(c -> {})).statusCode()).as("once it is back").isEqualTo(200);
  }

  @Test
  void theRealmsTokensAreAcceptedAndCheckedLikeOurOwn() throws Exception {
    GatewayClient gateway = new GatewayClient(port, dataDir);
    assertThat(call(gateway, token(c -> {})).statusCode()).isEqualTo(200);
    assertThat(call(gateway, token(c -> c.audience("account"))).statusCode()).isEqualTo(401);
    assertThat(call(gateway, token(c -> c.claim("yiyang_role", "gateway"))).statusCode())
        .isEqualTo(401);
    assertThat(call(gateway, token(c -> c.expirationTime(null))).statusCode()).isEqualTo(401);
    assertThat(call(gateway, token(c -> c.claim("org_uscc", null))).statusCode()).isEqualTo(401);
    HttpResponse<String> wrongRole = call(gateway, token(c -> c.claim("yiyang_role", "auditor")));
    assertThat(wrongRole.statusCode()).isEqualTo(403);
    // The gateway's own tokens keep working beside the realm's.
    assertThat(gateway.get("/api/v1/messages?size=1").statusCode()).isEqualTo(200);
  }

  private static HttpResponse<String> call(GatewayClient gateway, String token) throws Exception {
    return gateway.send(
        HttpRequest.newBuilder(gateway.uri("/api/v1/messages?size=1"))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build());
  }

  private static String token(Consumer<JWTClaimsSet.Builder> change) throws Exception {
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(keycloak.baseUrl() + "/realms/region")
            .subject(UUID.randomUUID().toString())
            .audience(List.of("yiyang-gateway-region"))
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(300)))
            .claim("azp", "facility-system-a")
            .claim("yiyang_role", "facility")
            .claim("org_uscc", GatewayClient.FACILITY)
            .claim("realm_access", Map.of("roles", List.of("offline_access")));
    change.accept(claims);
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).build(),
            claims.build());
    jwt.sign(new RSASSASigner(KEY));
    return jwt.serialize();
  }

  private static RSAKey generate() {
    try {
      return new RSAKeyGenerator(2048).keyID("realm-key").generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
