package org.yiyang.gateway.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.gateway.security.ClientRegistry.Client;

/**
 * The first operator. At a start that finds no operator, the gateway registers {@value #CLIENT_ID}
 * with a random secret and writes {@code <data-dir>/secrets/bootstrap-operator.json} ({@code
 * {"clientId", "clientSecret"}}, mode 0600). The secret is never logged; the operator uses it to
 * register the real clients, then rotates or revokes it (docs/operations.md).
 */
@Component
public class BootstrapOperator implements InitializingBean {

  public static final String CLIENT_ID = "bootstrap-operator";
  public static final String FILE = "bootstrap-operator.json";

  private static final Logger log = LoggerFactory.getLogger(BootstrapOperator.class);

  private final ClientRegistry registry;
  private final PasswordEncoder passwords;
  private final Path file;

  public BootstrapOperator(
      ClientRegistry registry, PasswordEncoder passwords, GatewayProperties gateway) {
    this.registry = registry;
    this.passwords = passwords;
    this.file = KeyringConfig.secretsDir(gateway).resolve(FILE);
  }

  @Override
  public void afterPropertiesSet() {
    if (registry.hasOperator()) {
      return;
    }
    String secret = ClientAdmin.newSecret();
    Instant now = Instant.now();
    boolean created =
        registry.insert(
            new Client(
                CLIENT_ID,
                "Bootstrap operator",
                Role.OPERATOR,
                null,
                ClientRegistry.SECRET,
                passwords.encode(secret),
                null,
                true,
                now,
                now,
                null));
    if (!created) {
      // Another instance on the same journal database created it first; it wrote the file.
      return;
    }
    write(secret);
    log.info("Bootstrap operator registered; its credentials are in {}", file);
  }

  private void write(String secret) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      SecretFiles.createPrivateDirectory(dir);
      ObjectNode json = new ObjectMapper().createObjectNode();
      json.put("clientId", CLIENT_ID);
      json.put("clientSecret", secret);
      Path tmp = dir.resolve(FILE + "." + UUID.randomUUID() + ".tmp");
      SecretFiles.writePrivate(tmp, json.toPrettyString() + "\n");
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the bootstrap operator's credentials to " + file, e);
    }
  }
}
