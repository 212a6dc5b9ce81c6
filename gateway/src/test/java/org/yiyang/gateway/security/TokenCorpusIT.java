package org.yiyang.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yiyang.gateway.GatewayClient.FACILITY;
import static org.yiyang.gateway.GatewayClient.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yiyang.gateway.GatewayClient;

/**
 * The negative token corpus (ADR 0050): access tokens and client assertions that break one rule
 * each, all refused (401) with an OperationOutcome or an RFC 6749 error naming the rule, and never
 * echoing the token. Each corpus starts with a control that passes, so a refusal is the rule's
 * doing, not a broken fixture's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenCorpusIT extends SharedGateway {

  private GatewayClient gateway;
  private ECKey signing;
  private String facilityClient;
  private String revokedClient;
  private RSAKey clientKey;
  private String jwtClient;
  private String revokedJwtClient;

  @BeforeAll
  void clients() throws Exception {
    gateway = new GatewayClient(port, dataDir);
    gateway.token();
    signing =
        (ECKey)
            Keyring.loadOrCreate(dataDir.resolve("secrets").resolve("keyring.json"))
                .signingKeys()
                .getKeys()
                .get(0);
    facilityClient = gateway.registerClient("facility", FACILITY).clientId();
    revokedClient = gateway.registerClient("facility", FACILITY).clientId();
    clientKey =
        new RSAKeyGenerator(2048).keyID("client-key-1").algorithm(JWSAlgorithm.RS384).generate();
    jwtClient = registerJwtClient(clientKey);
    revokedJwtClient = registerJwtClient(clientKey);
    for (String revoked : List.of(revokedClient, revokedJwtClient)) {
      HttpResponse<String> gone =
          gateway
              .as("operator")
              .send(
                  gateway
                      .as("operator")
                      .request("/api/v1/admin/clients/" + revoked)
                      .DELETE()
                      .build());
      assertThat(gone.statusCode()).isEqualTo(204);
    }
  }

  @Test
  void everyBrokenAccessTokenIsRefusedWith401NamingTheRule() throws Exception {
    Map<String, String> corpus = new LinkedHashMap<>();
    corpus.put("not a JWT", "not-a-jwt");
    corpus.put("alg none", new PlainJWT(claims(c -> {}).build()).serialize());
    corpus.put("HS256 keyed with the public key", hs256WithPublicKey(claims(c -> {}).build()));
    corpus.put("unknown kid", sign(claims(c -> {}), otherKey("unknown-kid")));
    corpus.put("right kid, other key", sign(claims(c -> {}), otherKey(signing.getKeyID())));
    corpus.put("RS384 by a key of no one", signRsa(claims(c -> {}), clientKey, signing.getKeyID()));
    corpus.put("expired", sign(claims(c -> c.issueTime(ago(900)).expirationTime(ago(600)))));
    corpus.put("not yet valid", sign(claims(c -> c.notBeforeTime(ahead(600)))));
    corpus.put("wrong issuer", sign(claims(c -> c.issuer("http://issuer.example"))));
    corpus.put("wrong aud", sign(claims(c -> c.audience("another-service"))));
    corpus.put("no aud", sign(claims(c -> c.audience((String) null))));
    corpus.put("no exp", sign(claims(c -> c.expirationTime(null))));
    corpus.put("exp too far (1 h)", sign(claims(c -> c.expirationTime(ahead(3600)))));
    corpus.put("no iat", sign(claims(c -> c.issueTime(null))));
    corpus.put(
        "iat in the future", sign(claims(c -> c.issueTime(ahead(600)).expirationTime(ahead(700)))));
    corpus.put("unknown role", sign(claims(c -> c.claim("role", "superuser"))));
    corpus.put("no role", sign(claims(c -> c.claim("role", null))));
    corpus.put("gateway role claimed", sign(claims(c -> c.claim("role", "gateway"))));
    corpus.put("notifier role claimed", sign(claims(c -> c.claim("role", "notifier"))));
    corpus.put("facility without uscc", sign(claims(c -> c.claim("uscc", null))));
    corpus.put(
        "facility with a bad uscc", sign(claims(c -> c.claim("uscc", "52330300MJ8712345X"))));
    corpus.put("revoked client", sign(claims(c -> c.claim("client_id", revokedClient))));
    corpus.put("unknown client", sign(claims(c -> c.claim("client_id", "c-unknown"))));
    corpus.put("tampered payload", tampered());
    corpus.put("revoked client's real token", revokedClientsToken());

    HttpResponse<String> control = call(sign(claims(c -> {})));
    assertThat(control.statusCode()).as("control: " + control.body()).isEqualTo(200);

    List<String> accepted = new ArrayList<>();
    for (Map.Entry<String, String> c : corpus.entrySet()) {
      HttpResponse<String> answer = call(c.getValue());
      if (answer.statusCode() != 401) {
        accepted.add(c.getKey() + ": " + answer.statusCode());
        continue;
      }
      GatewayClient.assertOutcome(answer, "GW-1030", "Authorization");
      assertThat(answer.headers().firstValue("WWW-Authenticate"))
          .as(c.getKey())
          .hasValueSatisfying(h -> assertThat(h).startsWith("Bearer realm="));
      assertThat(answer.body()).as(c.getKey()).doesNotContain(c.getValue());
      // Audited (ADR 0055): one record, refused, with the rule the answer names; not the token.
      String rule = JSON.readTree(answer.body()).at("/issue/0/diagnostics").asText();
      JsonNode audited = audited(c.getKey(), answer);
      assertThat(audited.at("/outcome/detail").asText()).as(c.getKey()).isEqualTo(rule);
      assertThat(audited.at("/outcome/code").asText()).as(c.getKey()).isEqualTo("GW-1030");
      assertThat(audited.toString()).as(c.getKey()).doesNotContain(c.getValue());
    }
    assertThat(accepted).as("accepted broken tokens").isEmpty();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(25);
  }

  @Test
  void everyBrokenClientAssertionIsRefused() throws Exception {
    String endpoint = GatewayClient.ISSUER + "/oauth2/token";
    HttpResponse<String> control =
        assertion(jwtClient, assertionClaims(jwtClient, endpoint, c -> {}));
    assertThat(control.statusCode()).as("control: " + control.body()).isEqualTo(200);
    JsonNode token = JSON.readTree(control.body());
    assertThat(token.path("expires_in").asInt()).isBetween(1, 300);
    assertThat(
            gateway
                .send(bearer("/api/v1/messages?size=1", token.path("access_token").asText()))
                .statusCode())
        .isEqualTo(200);

    Map<String, HttpResponse<String>> corpus = new LinkedHashMap<>();
    JWTClaimsSet once = assertionClaims(jwtClient, endpoint, c -> {}).build();
    assertThat(post(jwtClient, signRsa(once, clientKey)).statusCode()).isEqualTo(200);
    corpus.put("replayed jti", post(jwtClient, signRsa(once, clientKey)));
    corpus.put(
        "no jti", assertion(jwtClient, assertionClaims(jwtClient, endpoint, c -> c.jwtID(null))));
    corpus.put(
        "exp 10 min ahead",
        assertion(
            jwtClient, assertionClaims(jwtClient, endpoint, c -> c.expirationTime(ahead(600)))));
    corpus.put(
        "no exp",
        assertion(jwtClient, assertionClaims(jwtClient, endpoint, c -> c.expirationTime(null))));
    corpus.put(
        "expired",
        assertion(
            jwtClient, assertionClaims(jwtClient, endpoint, c -> c.expirationTime(ago(120)))));
    corpus.put(
        "wrong aud",
        assertion(jwtClient, assertionClaims(jwtClient, "http://elsewhere/oauth2/token", c -> {})));
    corpus.put(
        "iss is not the client",
        assertion(jwtClient, assertionClaims(jwtClient, endpoint, c -> c.issuer("someone-else"))));
    corpus.put(
        "sub is not the client",
        assertion(jwtClient, assertionClaims(jwtClient, endpoint, c -> c.subject("someone-else"))));
    corpus.put(
        "unregistered key",
        post(
            jwtClient,
            signRsa(
                assertionClaims(jwtClient, endpoint, c -> {}).build(),
                new RSAKeyGenerator(2048).keyID("client-key-1").generate())));
    corpus.put(
        "alg none",
        post(
            jwtClient,
            new PlainJWT(assertionClaims(jwtClient, endpoint, c -> {}).build()).serialize()));
    corpus.put(
        "HS256 with the public key",
        post(jwtClient, hs256(assertionClaims(jwtClient, endpoint, c -> {}).build(), clientKey)));
    corpus.put(
        "revoked client",
        assertion(revokedJwtClient, assertionClaims(revokedJwtClient, endpoint, c -> {})));
    corpus.put(
        "wrong secret",
        gateway.tokenRequest(new GatewayClient.Credentials(facilityClient, "not-the-secret")));
    corpus.put(
        "secret for a private_key_jwt client",
        gateway.tokenRequest(new GatewayClient.Credentials(jwtClient, "anything")));

    List<String> accepted = new ArrayList<>();
    for (Map.Entry<String, HttpResponse<String>> c : corpus.entrySet()) {
      HttpResponse<String> answer = c.getValue();
      if (answer.statusCode() != 401 && answer.statusCode() != 400) {
        accepted.add(c.getKey() + ": " + answer.statusCode() + " " + answer.body());
        continue;
      }
      JsonNode error = JSON.readTree(answer.body());
      assertThat(error.path("error").asText())
          .as(c.getKey())
          .isIn("invalid_client", "invalid_request");
      // RFC 6749 5.2: a client that failed to authenticate is 401, a malformed request 400.
      assertThat(answer.statusCode())
          .as(c.getKey() + ": " + answer.body())
          .isEqualTo("invalid_client".equals(error.path("error").asText()) ? 401 : 400);
      assertThat(answer.body()).doesNotContain("access_token");
      // Audited (ADR 0055): one record, refused, the client it claimed, and the rule.
      JsonNode audited = audited(c.getKey(), answer);
      assertThat(audited.at("/outcome/code").asText())
          .as(c.getKey())
          .isEqualTo(error.path("error").asText());
      if (error.hasNonNull("error_description")) {
        assertThat(audited.at("/outcome/detail").asText())
            .as(c.getKey())
            .isEqualTo(error.path("error_description").asText());
      }
      assertThat(audited.at("/client/id").asText())
          .as(c.getKey())
          .isIn(jwtClient, revokedJwtClient, facilityClient);
      assertThat(audited.at("/action/route").asText()).isEqualTo("/oauth2/token");
    }
    assertThat(accepted).as("accepted broken assertions").isEmpty();
    assertThat(corpus.get("wrong secret").headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic "));
  }

  /**
   * The one audit record of a refused request, found by the correlation id the gateway answered
   * with: refused, the status answered, a rule.
   */
  private JsonNode audited(String name, HttpResponse<String> answer) throws Exception {
    String correlation = answer.headers().firstValue("X-Correlation-Id").orElseThrow();
    HttpResponse<String> found =
        gateway.as("auditor").get("/api/v1/admin/audit?correlation=" + correlation);
    assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
    JsonNode events = JSON.readTree(found.body()).path("events");
    assertThat(events.size()).as(name + ": audit records").isEqualTo(1);
    JsonNode event = events.get(0);
    assertThat(event.at("/outcome/result").asText()).as(name).isEqualTo("refused");
    assertThat(event.at("/outcome/status").asInt()).as(name).isEqualTo(answer.statusCode());
    assertThat(event.at("/outcome/detail").asText()).as(name).isNotBlank();
    return event;
  }

  private String registerJwtClient(RSAKey key) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("clientName", "IT private_key_jwt facility");
    body.put("role", "facility");
    body.put("facilityCode", FACILITY);
    body.put("auth", "private_key_jwt");
    body.set("jwks", JSON.readTree("{\"keys\":[" + key.toPublicJWK().toJSONString() + "]}"));
    HttpResponse<String> created =
        gateway
            .as("operator")
            .send(
                gateway
                    .as("operator")
                    .request("/api/v1/admin/clients")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(JSON.readTree(created.body()).has("clientSecret")).isFalse();
    return JSON.readTree(created.body()).path("clientId").asText();
  }

  private JWTClaimsSet.Builder claims(Consumer<JWTClaimsSet.Builder> change) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder b =
        new JWTClaimsSet.Builder()
            .issuer(GatewayClient.ISSUER)
            .subject(facilityClient)
            .audience("yiyang-gateway")
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(300)))
            .jwtID(UUID.randomUUID().toString())
            .claim("client_id", facilityClient)
            .claim("role", "facility")
            .claim("uscc", FACILITY);
    change.accept(b);
    return b;
  }

  private JWTClaimsSet.Builder assertionClaims(
      String client, String audience, Consumer<JWTClaimsSet.Builder> change) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder b =
        new JWTClaimsSet.Builder()
            .issuer(client)
            .subject(client)
            .audience(audience)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(120)))
            .jwtID(UUID.randomUUID().toString());
    change.accept(b);
    return b;
  }

  private String sign(JWTClaimsSet.Builder claims) throws Exception {
    return sign(claims, signing);
  }

  private static String sign(JWTClaimsSet.Builder claims, ECKey key) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(key.getKeyID()).build(),
            claims.build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  private static String signRsa(JWTClaimsSet.Builder claims, RSAKey key, String kid)
      throws Exception {
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(kid).build(), claims.build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static String signRsa(JWTClaimsSet claims, RSAKey key) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS384)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static ECKey otherKey(String kid) throws Exception {
    return new ECKeyGenerator(Curve.P_384).keyID(kid).generate();
  }

  /** The classic key confusion: an HMAC keyed with the public key's bytes. */
  private String hs256WithPublicKey(JWTClaimsSet claims) throws Exception {
    return hs256(claims, signing.toPublicJWK());
  }

  private static String hs256(JWTClaimsSet claims, JWK key) throws Exception {
    byte[] secret = key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new MACSigner(java.util.Arrays.copyOf(secret, Math.max(32, secret.length))));
    return jwt.serialize();
  }

  /** A real token whose payload was changed afterwards (role operator), signature kept. */
  private String tampered() throws Exception {
    String[] parts = gateway.token().split("\\.");
    JsonNode payload = JSON.readTree(Base64URL.from(parts[1]).decodeToString());
    ((ObjectNode) payload).put("role", "operator");
    return parts[0]
        + "."
        + Base64URL.encode(payload.toString().getBytes(StandardCharsets.UTF_8))
        + "."
        + parts[2];
  }

  /** A token the revoked client got from the token endpoint before its revocation. */
  private String revokedClientsToken() throws Exception {
    GatewayClient.Credentials credentials = gateway.registerClient("facility", FACILITY);
    HttpResponse<String> answer = gateway.tokenRequest(credentials);
    String token = JSON.readTree(answer.body()).path("access_token").asText();
    assertThat(call(token).statusCode()).isEqualTo(200);
    HttpResponse<String> gone =
        gateway
            .as("operator")
            .send(
                gateway
                    .as("operator")
                    .request("/api/v1/admin/clients/" + credentials.clientId())
                    .DELETE()
                    .build());
    assertThat(gone.statusCode()).isEqualTo(204);
    return token;
  }

  private HttpResponse<String> call(String token) throws Exception {
    return gateway.send(bearer("/api/v1/messages?size=1", token));
  }

  private HttpRequest bearer(String path, String token) {
    return HttpRequest.newBuilder(gateway.uri(path))
        .header("Authorization", "Bearer " + token)
        .GET()
        .build();
  }

  private HttpResponse<String> assertion(String client, JWTClaimsSet.Builder claims)
      throws Exception {
    return post(client, signRsa(claims.build(), clientKey));
  }

  private HttpResponse<String> post(String client, String assertion) throws Exception {
    String form =
        "grant_type=client_credentials&client_id="
            + URLEncoder.encode(client, StandardCharsets.UTF_8)
            + "&client_assertion_type="
            + URLEncoder.encode(
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
            + "&client_assertion="
            + assertion;
    return gateway.send(
        HttpRequest.newBuilder(gateway.uri("/oauth2/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build());
  }

  private static Date ago(int seconds) {
    return Date.from(Instant.now().minusSeconds(seconds));
  }

  private static Date ahead(int seconds) {
    return Date.from(Instant.now().plusSeconds(seconds));
  }
}
