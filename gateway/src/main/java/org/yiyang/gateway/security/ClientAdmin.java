package org.yiyang.gateway.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.security.ClientRegistry.Client;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.rules.Uscc;

/**
 * What an operator does with clients ({@code /api/v1/admin/clients}): register, list, show, rotate
 * a secret or a key set, revoke. A secret is shown once, when it is made, and stored only as a
 * hash; a key set must hold public keys only (RS384 with at least 2048 bits, or ES384).
 */
@Component
public class ClientAdmin {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<String> FIELDS =
      Set.of("clientName", "role", "facilityCode", "auth", "jwks");

  private final ClientRegistry registry;
  private final PasswordEncoder passwords;
  private final SecurityProperties properties;
  private final Clock clock;

  @Autowired
  public ClientAdmin(
      ClientRegistry registry, PasswordEncoder passwords, SecurityProperties properties) {
    this(registry, passwords, properties, Clock.systemUTC());
  }

  ClientAdmin(
      ClientRegistry registry,
      PasswordEncoder passwords,
      SecurityProperties properties,
      Clock clock) {
    this.registry = registry;
    this.passwords = passwords;
    this.properties = properties;
    this.clock = clock;
  }

  /** A new client: 201 with its id and, for a secret client, the secret (shown this once). */
  public ApiResponse register(JsonNode body) {
    requireObject(body);
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw GatewayException.of(
            ErrorCode.UNKNOWN_FIELD, name, name + ": is not a field of a client registration");
      }
    }
    String name = text(body, "clientName", true);
    if (name.isBlank() || name.length() > 100) {
      throw GatewayException.of(
          ErrorCode.INVALID_VALUE, "clientName", "clientName: must be 1 to 100 characters");
    }
    String roleText = text(body, "role", true);
    Role role =
        Role.fromClaim(roleText)
            .filter(Role::registrable)
            .orElseThrow(
                () ->
                    GatewayException.of(
                        ErrorCode.INVALID_VALUE,
                        "role",
                        "role: must be facility, hospital, operator, auditor, supervisor or monitor"));
    String uscc = text(body, "facilityCode", false);
    if (role.actsForOrganization()) {
      if (uscc == null && role.requiresOrganization()) {
        throw GatewayException.of(
            ErrorCode.REQUIRED_FIELD,
            "facilityCode",
            "facilityCode: a facility client names the facility it acts for");
      }
      if (uscc != null && !Uscc.isValid(uscc)) {
        throw GatewayException.of(
            ErrorCode.USCC_CHECK,
            "facilityCode",
            "facilityCode: fails the GB 32100 check character or structure");
      }
    } else if (uscc != null) {
      throw GatewayException.of(
          ErrorCode.INVALID_VALUE,
          "facilityCode",
          "facilityCode: only facility and hospital clients act for an organization");
    }
    String auth = text(body, "auth", true);
    String secret = null;
    String secretHash = null;
    String jwks = null;
    if (ClientRegistry.SECRET.equals(auth)) {
      if (!properties.clientSecretBasic()) {
        throw GatewayException.of(
            ErrorCode.INVALID_VALUE,
            "auth",
            "auth: client_secret_basic is switched off here (gateway.security.client-secret-basic);"
                + " register a private_key_jwt client");
      }
      if (body.has("jwks")) {
        throw GatewayException.of(
            ErrorCode.INVALID_VALUE, "jwks", "jwks: only a private_key_jwt client has a key set");
      }
      secret = newSecret();
      secretHash = passwords.encode(secret);
    } else if (ClientRegistry.PRIVATE_KEY_JWT.equals(auth)) {
      jwks = publicKeySet(body.get("jwks"));
    } else {
      throw GatewayException.of(
          ErrorCode.INVALID_VALUE, "auth", "auth: must be client_secret_basic or private_key_jwt");
    }
    Instant now = clock.instant();
    String clientId = "c-" + UUID.randomUUID();
    registry.insert(
        new Client(clientId, name, role, uscc, auth, secretHash, jwks, false, now, now, null));
    return ApiResponse.of(201, credentials(clientId, secret), "created")
        .withHeader("Location", "/api/v1/admin/clients/" + clientId);
  }

  /** The clients, without secrets or hashes. */
  public ApiResponse list() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode items = body.putArray("clients");
    registry.list().forEach(c -> items.add(view(c)));
    body.put("total", items.size());
    return ApiResponse.of(200, body, "ok");
  }

  public ApiResponse show(String clientId) {
    return ApiResponse.of(200, view(require(clientId)), "ok");
  }

  /**
   * A new secret for a secret client (answered once), or a new key set for a private_key_jwt client
   * ({@code {"jwks": …}}). Tokens already issued stay valid until they expire.
   */
  public ApiResponse rotate(String clientId, JsonNode body) {
    Client c = require(clientId);
    if (ClientRegistry.SECRET.equals(c.authMethod())) {
      if (body != null && body.size() > 0) {
        throw GatewayException.of(
            ErrorCode.UNKNOWN_FIELD, "", "A secret client's rotation takes no body");
      }
      String secret = newSecret();
      registry.rotate(clientId, passwords.encode(secret), null);
      return ApiResponse.of(200, credentials(clientId, secret), "rotated");
    }
    requireObject(body);
    registry.rotate(clientId, null, publicKeySet(body.get("jwks")));
    return ApiResponse.of(200, view(require(clientId)), "rotated");
  }

  /** Revokes a client: 204; its tokens are refused from now on. */
  public ApiResponse revoke(String clientId) {
    require(clientId);
    registry.revoke(clientId);
    return ApiResponse.of(204, null, "revoked");
  }

  private Client require(String clientId) {
    return registry
        .find(clientId)
        .filter(c -> !c.revoked())
        .orElseThrow(
            () -> GatewayException.of(ErrorCode.NOT_FOUND, "clientId", "No client has this id."));
  }

  private static ObjectNode credentials(String clientId, String secret) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("clientId", clientId);
    if (secret != null) {
      body.put("clientSecret", secret);
    }
    return body;
  }

  private static ObjectNode view(Client c) {
    ObjectNode v = JsonNodeFactory.instance.objectNode();
    v.put("clientId", c.clientId());
    v.put("clientName", c.clientName());
    v.put("role", c.role().claim());
    if (c.uscc() != null) {
      v.put("facilityCode", c.uscc());
    }
    v.put("auth", c.authMethod());
    if (c.jwks() != null) {
      ArrayNode kids = v.putArray("keyIds");
      try {
        JWKSet.parse(c.jwks()).getKeys().forEach(k -> kids.add(k.getKeyID()));
      } catch (java.text.ParseException e) {
        throw new IllegalStateException("A stored key set does not parse", e);
      }
    }
    v.put("bootstrap", c.bootstrap());
    v.put("createdAt", c.createdAt().toString());
    v.put("updatedAt", c.updatedAt().toString());
    return v;
  }

  /** 32 random bytes, base64url: a secret no one chose. */
  static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The key set of a private_key_jwt client: public keys only, RS384 (≥ 2048 bits) or ES384. */
  static String publicKeySet(JsonNode jwks) {
    if (jwks == null || jwks.isNull()) {
      throw GatewayException.of(
          ErrorCode.REQUIRED_FIELD,
          "jwks",
          "jwks: a private_key_jwt client registers its public JWK set ({\"keys\": [...]})");
    }
    JWKSet set;
    try {
      set = JWKSet.parse(jwks.toString());
    } catch (java.text.ParseException e) {
      throw GatewayException.of(ErrorCode.INVALID_VALUE, "jwks", "jwks: is not a JWK set");
    }
    if (set.getKeys().isEmpty() || set.getKeys().size() > 5) {
      throw GatewayException.of(ErrorCode.INVALID_VALUE, "jwks", "jwks: holds 1 to 5 keys");
    }
    for (JWK key : set.getKeys()) {
      if (key.isPrivate()) {
        throw GatewayException.of(
            ErrorCode.INVALID_VALUE,
            "jwks",
            "jwks: holds a private key; register the public keys only and keep the private key");
      }
      if (key.getKeyID() == null || key.getKeyID().isBlank()) {
        throw GatewayException.of(ErrorCode.REQUIRED_FIELD, "jwks", "jwks: every key has a kid");
      }
      boolean rsa = key instanceof RSAKey r && r.size() >= 2048;
      boolean ec = key instanceof ECKey e && Curve.P_384.equals(e.getCurve());
      if (!rsa && !ec) {
        throw GatewayException.of(
            ErrorCode.INVALID_VALUE,
            "jwks",
            "jwks: keys are RSA of at least 2048 bits (RS384) or EC P-384 (ES384)");
      }
      if (key.getAlgorithm() != null
          && !JWSAlgorithm.RS384.equals(key.getAlgorithm())
          && !JWSAlgorithm.ES384.equals(key.getAlgorithm())) {
        throw GatewayException.of(
            ErrorCode.INVALID_VALUE, "jwks", "jwks: a key's alg is RS384 or ES384");
      }
    }
    return set.toString(true);
  }

  private static void requireObject(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw GatewayException.of(ErrorCode.MALFORMED_JSON, "", "The body must be one JSON object.");
    }
  }

  private static String text(JsonNode body, String field, boolean required) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw GatewayException.of(ErrorCode.REQUIRED_FIELD, field, field + ": is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw GatewayException.of(ErrorCode.INVALID_VALUE, field, field + ": must be a string");
    }
    return v.asText();
  }
}
