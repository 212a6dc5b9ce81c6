package org.yiyang.gateway.security;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.mappings.ResourceIdKey;

/** The keyring, read (or created at first start) once, and what is derived from it. */
@Configuration
@EnableConfigurationProperties(SecurityProperties.class)
public class KeyringConfig {

  private static final Logger log = LoggerFactory.getLogger(KeyringConfig.class);

  @Bean
  public Keyring keyring(GatewayProperties gateway, SecurityProperties security) {
    Path file =
        security.keyringFile().isBlank()
            ? secretsDir(gateway).resolve("keyring.json")
            : Path.of(security.keyringFile());
    Keyring keyring = Keyring.loadOrCreate(file, security.dataKeyAlgorithm());
    log.info("Keyring loaded: {}", keyring);
    if (!keyring.activeDataKey().algorithm().equals(security.dataKeyAlgorithm())) {
      log.warn(
          "The active data key {} is {}, not the configured {}: rotate to a new key"
              + " (docs/operations.md, journal payload keys)",
          keyring.activeDataKey().id(),
          keyring.activeDataKey().algorithm(),
          security.dataKeyAlgorithm());
    }
    return keyring;
  }

  /** The secret keying the ids mappings give resources ({@code $resourceId}). */
  @Bean
  public ResourceIdKey resourceIdKey(Keyring keyring) {
    return ResourceIdKey.of(keyring.resourceIdKey());
  }

  /** Where the gateway keeps files that hold secrets: {@code <data-dir>/secrets}. */
  public static Path secretsDir(GatewayProperties gateway) {
    return gateway.dataDir().toAbsolutePath().normalize().resolve("secrets");
  }
}
