package org.yiyang.gateway.notify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.springframework.stereotype.Component;

/**
 * Journal migration V24 (ADR 0054): seals every webhook secret V15 stored in clear under the
 * keyring's active data key, then drops the clear column. A Java migration because it needs the
 * keyring; {@code JournalConfig} hands every {@link JavaMigration} bean to Flyway.
 */
@Component
public class SealWebhookSecretsMigration implements JavaMigration {

  private final WebhookSecretCipher cipher;

  public SealWebhookSecretsMigration(WebhookSecretCipher cipher) {
    this.cipher = cipher;
  }

  @Override
  public MigrationVersion getVersion() {
    return MigrationVersion.fromVersion("24");
  }

  @Override
  public String getDescription() {
    return "seal webhook secrets";
  }

  @Override
  public Integer getChecksum() {
    return null;
  }

  @Override
  public boolean canExecuteInTransaction() {
    return true;
  }

  @Override
  public void migrate(Context context) throws Exception {
    Connection c = context.getConnection();
    record Clear(String facilityCode, String secret) {}
    List<Clear> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT facility_code, secret FROM webhook WHERE secret_sealed IS NULL")) {
      while (rs.next()) {
        rows.add(new Clear(rs.getString(1), rs.getString(2)));
      }
    }
    try (PreparedStatement update =
        c.prepareStatement(
            "UPDATE webhook SET secret_key_id = ?, secret_sealed = ?"
                + " WHERE facility_code = ?")) {
      for (Clear row : rows) {
        WebhookSecretCipher.Sealed sealed = cipher.seal(row.facilityCode(), row.secret());
        update.setString(1, sealed.keyId());
        update.setString(2, sealed.value());
        update.setString(3, row.facilityCode());
        update.executeUpdate();
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE webhook ALTER COLUMN secret_key_id SET NOT NULL");
      s.execute("ALTER TABLE webhook ALTER COLUMN secret_sealed SET NOT NULL");
      s.execute("ALTER TABLE webhook DROP COLUMN secret");
    }
  }
}
