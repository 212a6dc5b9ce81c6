package org.yiyang.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.gateway.error.GatewayException;

/**
 * Clients on a real journal database: registration rules, secrets kept as hashes and shown once,
 * revocation, and {@code client_secret_basic} switched off (production) leaving only the bootstrap
 * operator's secret and key clients working.
 */
class ClientRegistryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PasswordEncoder PASSWORDS =
      PasswordEncoderFactories.createDelegatingPasswordEncoder();

  @TempDir Path dir;
  private JdbcTemplate jdbc;

  @BeforeEach
  void database() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + dir.resolve("journal"));
    Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/journal")
        .table("journal_schema_history")
        .load()
        .migrate();
    jdbc = new JdbcTemplate(ds);
  }

  @Test
  void aSecretIsShownOnceAndStoredOnlyAsAHash() throws Exception {
    ClientRegistry registry = new ClientRegistry(jdbc, properties(true));
    ClientAdmin admin = new ClientAdmin(registry, PASSWORDS, properties(true));
    JsonNode created =
        (JsonNode)
            admin
                .register(
                    JSON.readTree(
                        "{\"clientName\":\"a\",\"role\":\"facility\","
                            + "\"facilityCode\":\"52330300MJ8712345N\",\"auth\":\"client_secret_basic\"}"))
                .body();
    String id = created.path("clientId").asText();
    String secret = created.path("clientSecret").asText();
    assertThat(secret).hasSizeGreaterThanOrEqualTo(40);
    String stored =
        jdbc.queryForObject(
            "SELECT secret_hash FROM api_client WHERE client_id = ?", String.class, id);
    assertThat(stored).startsWith("{bcrypt}").doesNotContain(secret);
    assertThat(PASSWORDS.matches(secret, stored)).isTrue();
    assertThat(admin.show(id).body().toString()).doesNotContain(secret).doesNotContain("bcrypt");
    assertThat(admin.list().body().toString()).doesNotContain(secret).doesNotContain("bcrypt");

    RegisteredClient client = registry.findByClientId(id);
    assertThat(client.getClientAuthenticationMethods())
        .containsExactly(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
    assertThat(client.getTokenSettings().getAccessTokenTimeToLive())
        .isEqualTo(Duration.ofSeconds(300));
    assertThat(registry.isActive(id)).isTrue();
    admin.revoke(id);
    assertThat(registry.findByClientId(id)).isNull();
    assertThat(registry.isActive(id)).isFalse();
  }

  @Test
  void registrationNamesTheRuleItBreaks() {
    ClientAdmin admin =
        new ClientAdmin(new ClientRegistry(jdbc, properties(true)), PASSWORDS, properties(true));
    assertRefused(
        admin, "{\"clientName\":\"a\",\"role\":\"root\",\"auth\":\"client_secret_basic\"}", "role");
    assertRefused(
        admin,
        "{\"clientName\":\"a\",\"role\":\"facility\",\"auth\":\"client_secret_basic\"}",
        "facilityCode");
    assertRefused(
        admin,
        "{\"clientName\":\"a\",\"role\":\"operator\",\"facilityCode\":\"52330300MJ8712345N\",\"auth\":\"client_secret_basic\"}",
        "facilityCode");
    assertRefused(
        admin,
        "{\"clientName\":\"a\",\"role\":\"gateway\",\"auth\":\"client_secret_basic\"}",
        "role");
    assertRefused(
        admin, "{\"clientName\":\"a\",\"role\":\"auditor\",\"auth\":\"private_key_jwt\"}", "jwks");
    assertRefused(
        admin,
        "{\"clientName\":\"a\",\"role\":\"auditor\",\"auth\":\"private_key_jwt\",\"jwks\":{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k\",\"k\":\"c2VjcmV0\"}]}}",
        "jwks");
    assertRefused(admin, "{\"clientName\":\"a\",\"role\":\"auditor\",\"auth\":\"basic\"}", "auth");
    assertRefused(
        admin,
        "{\"clientName\":\"a\",\"role\":\"auditor\",\"auth\":\"client_secret_basic\",\"x\":1}",
        "x");
  }

  @Test
  void withSecretsSwitchedOffOnlyTheBootstrapOperatorKeepsItsSecret() throws Exception {
    ClientRegistry open = new ClientRegistry(jdbc, properties(true));
    new BootstrapOperator(open, PASSWORDS, gateway()).afterPropertiesSet();
    String secretClient =
        ((JsonNode)
                new ClientAdmin(open, PASSWORDS, properties(true))
                    .register(
                        JSON.readTree(
                            "{\"clientName\":\"a\",\"role\":\"auditor\",\"auth\":\"client_secret_basic\"}"))
                    .body())
            .path("clientId")
            .asText();

    ClientRegistry production = new ClientRegistry(jdbc, properties(false));
    assertThat(production.findByClientId(secretClient)).isNull();
    assertThat(production.findByClientId(BootstrapOperator.CLIENT_ID)).isNotNull();
    assertThatThrownBy(
            () ->
                new ClientAdmin(production, PASSWORDS, properties(false))
                    .register(
                        JSON.readTree(
                            "{\"clientName\":\"a\",\"role\":\"auditor\",\"auth\":\"client_secret_basic\"}")))
        .isInstanceOf(GatewayException.class)
        .satisfies(
            e -> assertThat(((GatewayException) e).issues().get(0).field()).isEqualTo("auth"));
  }

  @Test
  void theBootstrapOperatorIsMadeOnceWithAnOwnerOnlyFile() throws Exception {
    ClientRegistry registry = new ClientRegistry(jdbc, properties(true));
    new BootstrapOperator(registry, PASSWORDS, gateway()).afterPropertiesSet();
    Path file = dir.resolve("data").resolve("secrets").resolve(BootstrapOperator.FILE);
    JsonNode first = JSON.readTree(file.toFile());
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    new BootstrapOperator(registry, PASSWORDS, gateway()).afterPropertiesSet();
    assertThat(JSON.readTree(file.toFile())).isEqualTo(first);
    assertThat(registry.list()).hasSize(1);
  }

  private GatewayProperties gateway() {
    return new GatewayProperties(dir.resolve("data"), null, null, null, null, null);
  }

  private static void assertRefused(ClientAdmin admin, String body, String field) {
    assertThatThrownBy(() -> admin.register(JSON.readTree(body)))
        .as(body)
        .isInstanceOf(GatewayException.class)
        .satisfies(
            e -> assertThat(((GatewayException) e).issues().get(0).field()).isEqualTo(field));
  }

  private static SecurityProperties properties(boolean secrets) {
    return new SecurityProperties(
        "http://gateway.test",
        "yiyang-gateway",
        "",
        Duration.ofSeconds(300),
        Duration.ofSeconds(300),
        secrets,
        Duration.ofMinutes(5),
        Duration.ofSeconds(30),
        "",
        new SecurityProperties.External("role", "uscc", ""),
        new SecurityProperties.RateLimit(
            true, 50, 200, Duration.ofSeconds(1), 16, 0, Duration.ofSeconds(30)),
        "AES-256-GCM");
  }
}
