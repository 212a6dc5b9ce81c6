package org.yiyang.gateway.notify;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.journal.JournalConfig;

/**
 * Where each facility's webhook is: registered through the admin endpoint (journal database) or
 * given in configuration; a registration overrides the configuration for its facility.
 */
@Component
public class Webhooks {

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

  public Webhooks(@Qualifier(JournalConfig.JDBC) JdbcTemplate jdbc, NotifyProperties properties) {
    this.jdbc = jdbc;
    this.properties = properties;
  }

  public Optional<Webhook> find(String facilityCode) {
    Optional<Webhook> registered =
        jdbc
            .query(
                "SELECT facility_code, url, secret FROM webhook WHERE facility_code = ?",
                (rs, n) ->
                    new Webhook(
                        rs.getString("facility_code"),
                        rs.getString("url"),
                        rs.getString("secret"),
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
    int updated =
        secret == null
            ? jdbc.update(
                "UPDATE webhook SET url = ?, updated_at = ? WHERE facility_code = ?",
                url,
                ts,
                facilityCode)
            : jdbc.update(
                "UPDATE webhook SET url = ?, secret = ?, updated_at = ? WHERE facility_code = ?",
                url,
                secret,
                ts,
                facilityCode);
    if (updated == 1) {
      return false;
    }
    jdbc.update(
        "INSERT INTO webhook (facility_code, url, secret, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?)",
        facilityCode,
        url,
        secret,
        ts,
        ts);
    return true;
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
