package org.yiyang.gateway.notify;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.journal.JournalConfig;

/**
 * Where each facility's webhook is: registered through the admin endpoint (journal database, the
 * secret sealed by {@link WebhookSecretCipher}) or given in configuration; a registration overrides
 * the configuration for its facility.
 */
@Component
public class Webhooks implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(Webhooks.class);

  /** Where a webhook was registered. */
  public enum Source {
    ADMIN,
    CONFIGURATION
  }

  /** One facility's webhook. The secret never leaves the gateway except as an HMAC key. */
  public record Webhook(String facilityCode, String url, String secret, Source source) {

    @Override
    public String toString() {
      return "Webhook[facilityCode=" + facilityCode + ", url=" + url + ", source=" + source + "]";
    }
  }

  private final JdbcTemplate jdbc;
  private final NotifyProperties properties;
  private final WebhookSecretCipher cipher;

  public Webhooks(
      @Qualifier(JournalConfig.JDBC) JdbcTemplate jdbc,
      NotifyProperties properties,
      WebhookSecretCipher cipher) {
    this.jdbc = jdbc;
    this.properties = properties;
    this.cipher = cipher;
  }

  public Optional<Webhook> find(String facilityCode) {
    Optional<Webhook> registered =
        jdbc
            .query(
                "SELECT facility_code, url, secret_key_id, secret_sealed FROM webhook"
                    + " WHERE facility_code = ?",
                (rs, n) ->
                    new Webhook(
                        rs.getString("facility_code"),
                        rs.getString("url"),
                        cipher.open(
                            rs.getString("facility_code"),
                            new WebhookSecretCipher.Sealed(
                                rs.getString("secret_key_id"), rs.getString("secret_sealed"))),
                        Source.ADMIN),
                facilityCode)
            .stream()
            .findFirst();
    if (registered.isPresent()) {
      return registered;
    }
    return properties.webhooks().stream()
        .filter(w -> w.facilityCode().equals(facilityCode))
        .findFirst()
        .map(w -> new Webhook(w.facilityCode(), w.url(), w.secret(), Source.CONFIGURATION));
  }

  /** Registers or replaces a facility's webhook; a null secret keeps the registered one. */
  public boolean put(String facilityCode, String url, String secret, Instant now) {
    OffsetDateTime ts = now.atOffset(ZoneOffset.UTC);
    WebhookSecretCipher.Sealed sealed = secret == null ? null : cipher.seal(facilityCode, secret);
    int updated =
        sealed == null
            ? jdbc.update(
                "UPDATE webhook SET url = ?, updated_at = ? WHERE facility_code = ?",
                url,
                ts,
                facilityCode)
            : jdbc.update(
                "UPDATE webhook SET url = ?, secret_key_id = ?, secret_sealed = ?, updated_at = ?"
                    + " WHERE facility_code = ?",
                url,
                sealed.keyId(),
                sealed.value(),
                ts,
                facilityCode);
    if (updated == 1) {
      return false;
    }
    jdbc.update(
        "INSERT INTO webhook"
            + " (facility_code, url, secret_key_id, secret_sealed, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        facilityCode,
        url,
        sealed.keyId(),
        sealed.value(),
        ts,
        ts);
    return true;
  }

  /**
   * Seals again under the active data key every secret sealed under an older one, so that an older
   * key can leave the keyring after a rotation (docs/operations.md). Runs at start; a row changed
   * meanwhile is left for the next start.
   */
  public int resealUnderActiveKey() {
    String active = cipher.activeKeyId();
    int resealed = 0;
    for (Map<String, Object> row :
        jdbc.queryForList(
            "SELECT facility_code, secret_key_id, secret_sealed FROM webhook"
                + " WHERE secret_key_id <> ?",
            active)) {
      String facilityCode = (String) row.get("FACILITY_CODE");
      String keyId = (String) row.get("SECRET_KEY_ID");
      String value = (String) row.get("SECRET_SEALED");
      WebhookSecretCipher.Sealed sealed =
          cipher.seal(
              facilityCode,
              cipher.open(facilityCode, new WebhookSecretCipher.Sealed(keyId, value)));
      resealed +=
          jdbc.update(
              "UPDATE webhook SET secret_key_id = ?, secret_sealed = ?"
                  + " WHERE facility_code = ? AND secret_key_id = ? AND secret_sealed = ?",
              sealed.keyId(),
              sealed.value(),
              facilityCode,
              keyId,
              value);
    }
    return resealed;
  }

  @Override
  public void afterSingletonsInstantiated() {
    int resealed = resealUnderActiveKey();
    if (resealed > 0) {
      log.info("Webhook secrets sealed again under the active data key: {}", resealed);
    }
  }

  /** Whether the facility has a registration through the admin endpoint. */
  public boolean registered(String facilityCode) {
    Integer n =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM webhook WHERE facility_code = ?", Integer.class, facilityCode);
    return n != null && n > 0;
  }

  /** Removes a registration made through the admin endpoint. */
  public boolean delete(String facilityCode) {
    return jdbc.update("DELETE FROM webhook WHERE facility_code = ?", facilityCode) == 1;
  }
}
