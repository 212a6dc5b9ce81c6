package org.yiyang.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.journal.JournalConfig;

/**
 * The gateway's OAuth2 clients, kept in the journal database ({@code api_client}) so that every
 * instance sees the same ones, and offered to Spring Authorization Server as its {@link
 * RegisteredClientRepository}. A revoked client is unknown to the token endpoint, and the tokens it
 * already holds are refused by the resource server ({@link #isActive}).
 */
@Component
public class ClientRegistry implements RegisteredClientRepository {

  /** The client id of the gateway's own calls to its embedded FHIR server; never registered. */
  public static final String INTERNAL_CLIENT_ID = "yiyang-gateway";

  static final String ROLE_SETTING = "yiyang.role";
  static final String USCC_SETTING = "yiyang.uscc";
  static final String JWKS_SETTING = "yiyang.jwks";

  /**
   * The SMART system scopes a client may ask for (a SMART Backend Services client asks for one).
   * They are granted as asked and carried in the token; what a client may do is decided by its
   * role, not by its scopes (ADR 0050).
   */
  static final java.util.Set<String> SMART_SCOPES =
      java.util.Set.of(
          "system/*.*",
          "system/*.read",
          "system/*.write",
          "system/*.rs",
          "system/*.cu",
          "system/*.cruds");

  /** How a client authenticates at the token endpoint. */
  public static final String SECRET = "client_secret_basic";

  public static final String PRIVATE_KEY_JWT = "private_key_jwt";

  /**
   * A registered client.
   *
   * @param secretHash the secret's hash ({@code {bcrypt}...}), for {@code client_secret_basic}
   * @param jwks the client's public JWK set, for {@code private_key_jwt}
   * @param bootstrap the operator the gateway created at first start
   */
  public record Client(
      String clientId,
      String clientName,
      Role role,
      String uscc,
      String authMethod,
      String secretHash,
      String jwks,
      boolean bootstrap,
      Instant createdAt,
      Instant updatedAt,
      Instant revokedAt) {

    public boolean revoked() {
      return revokedAt != null;
    }
  }

  private final JdbcTemplate jdbc;
  private final SecurityProperties properties;
  private final Clock clock;
  private final Cache<String, Boolean> active =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(10)).maximumSize(10_000).build();

  @Autowired
  public ClientRegistry(
      @Qualifier(JournalConfig.JDBC) JdbcTemplate jdbc, SecurityProperties properties) {
    this(jdbc, properties, Clock.systemUTC());
  }

  ClientRegistry(JdbcTemplate jdbc, SecurityProperties properties, Clock clock) {
    this.jdbc = jdbc;
    this.properties = properties;
    this.clock = clock;
  }

  @Override
  public void save(RegisteredClient registeredClient) {
    throw new UnsupportedOperationException("Clients are registered through ClientAdmin");
  }

  @Override
  public RegisteredClient findById(String id) {
    return findByClientId(id);
  }

  /**
   * The client as Spring Authorization Server sees it; {@code null} (unknown) when revoked, or when
   * it authenticates with a secret that configuration no longer allows.
   */
  @Override
  public RegisteredClient findByClientId(String clientId) {
    Client c = find(clientId).orElse(null);
    if (c == null || c.revoked()) {
      return null;
    }
    boolean secret = SECRET.equals(c.authMethod());
    if (secret && !properties.clientSecretBasic() && !c.bootstrap()) {
      return null;
    }
    ClientSettings.Builder settings =
        ClientSettings.builder()
            .tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.ES384)
            .setting(ROLE_SETTING, c.role().claim());
    if (c.uscc() != null) {
      settings.setting(USCC_SETTING, c.uscc());
    }
    if (c.jwks() != null) {
      settings.setting(JWKS_SETTING, c.jwks());
    }
    RegisteredClient.Builder builder =
        RegisteredClient.withId(c.clientId())
            .clientId(c.clientId())
            .clientName(c.clientName())
            .clientIdIssuedAt(c.createdAt())
            .clientAuthenticationMethod(
                secret
                    ? ClientAuthenticationMethod.CLIENT_SECRET_BASIC
                    : ClientAuthenticationMethod.PRIVATE_KEY_JWT)
            .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
            .scopes(scopes -> scopes.addAll(SMART_SCOPES))
            .clientSettings(settings.build())
            .tokenSettings(
                TokenSettings.builder()
                    .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
                    .accessTokenTimeToLive(properties.tokenTtl())
                    .build());
    if (secret) {
      builder.clientSecret(c.secretHash());
    }
    return builder.build();
  }

  /** Whether tokens of this client are still honoured (not revoked); cached for 10 s. */
  public boolean isActive(String clientId) {
    if (INTERNAL_CLIENT_ID.equals(clientId)) {
      return true;
    }
    return active.get(clientId, id -> find(id).map(c -> !c.revoked()).orElse(false));
  }

  /**
   * Who a client that authenticated at the token endpoint is, from its registration: id, role and
   * organization (for the audit record of its token request).
   */
  public static Optional<Caller> caller(RegisteredClient client) {
    String role = client.getClientSettings().getSetting(ROLE_SETTING);
    return Role.fromClaim(role)
        .map(
            r ->
                new Caller(
                    client.getClientId(),
                    r,
                    client.getClientSettings().getSetting(USCC_SETTING),
                    null));
  }

  public Optional<Client> find(String clientId) {
    if (clientId == null) {
      return Optional.empty();
    }
    return jdbc.query("SELECT * FROM api_client WHERE client_id = ?", ROW, clientId).stream()
        .findFirst();
  }

  public List<Client> list() {
    return jdbc.query("SELECT * FROM api_client ORDER BY created_at, client_id", ROW);
  }

  /** Whether any operator exists (the bootstrap operator is created only when none does). */
  public boolean hasOperator() {
    Long n =
        jdbc.queryForObject("SELECT COUNT(*) FROM api_client WHERE role = 'operator'", Long.class);
    return n != null && n > 0;
  }

  /** Adds a client; false when its id is taken. */
  public boolean insert(Client c) {
    try {
      jdbc.update(
          "INSERT INTO api_client (client_id, client_name, role, uscc, auth_method, secret_hash,"
              + " jwks, bootstrap, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          c.clientId(),
          c.clientName(),
          c.role().claim(),
          c.uscc(),
          c.authMethod(),
          c.secretHash(),
          c.jwks(),
          c.bootstrap(),
          ts(c.createdAt()),
          ts(c.updatedAt()));
      return true;
    } catch (DuplicateKeyException taken) {
      return false;
    }
  }

  /** Replaces the secret hash or the JWK set of an active client; false if none is active. */
  public boolean rotate(String clientId, String secretHash, String jwks) {
    active.invalidate(clientId);
    return jdbc.update(
            "UPDATE api_client SET secret_hash = ?, jwks = ?, updated_at = ? WHERE client_id = ?"
                + " AND revoked_at IS NULL",
            secretHash,
            jwks,
            ts(clock.instant()),
            clientId)
        == 1;
  }

  /** Revokes a client for good: no new token, and its tokens are refused from now on. */
  public boolean revoke(String clientId) {
    int n =
        jdbc.update(
            "UPDATE api_client SET revoked_at = ?, updated_at = ? WHERE client_id = ?"
                + " AND revoked_at IS NULL",
            ts(clock.instant()),
            ts(clock.instant()),
            clientId);
    active.invalidate(clientId);
    return n == 1;
  }

  private static OffsetDateTime ts(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static final RowMapper<Client> ROW =
      (rs, n) ->
          new Client(
              rs.getString("client_id"),
              rs.getString("client_name"),
              Role.fromClaim(rs.getString("role")).orElseThrow(),
              rs.getString("uscc"),
              rs.getString("auth_method"),
              rs.getString("secret_hash"),
              rs.getString("jwks"),
              rs.getBoolean("bootstrap"),
              instant(rs, "created_at"),
              instant(rs, "updated_at"),
              instant(rs, "revoked_at"));
}
