package org.yiyang.gateway.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The gateway's secrets, in one file readable by its owner only ({@code <data-dir>/secrets/
 * keyring.json} unless {@code gateway.security.keyring-file} names another, e.g. a mounted secret
 * that several instances share). Created with fresh random keys at first start; see
 * docs/operations.md for rotation.
 *
 * <ul>
 *   <li>{@code signing}: the JWK set that signs access tokens, first key active (ES384);
 *   <li>{@code data}: the keys that encrypt journal payloads and webhook secrets, by key id, one
 *       active ({@code AES-256-GCM} or {@code SM4-GCM});
 *   <li>{@code mac}: HMAC keys: {@code resourceId} (never rotated: record ids derive from it),
 *       {@code audit} (the audit chain), {@code pseudonym} (resident keys in audit and logs) and
 *       {@code callback} (the FHIR server's wake-up call).
 * </ul>
 */
public final class Keyring {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** AES with a 256-bit key in Galois/Counter Mode: the default data-key algorithm. */
  public static final String AES_256_GCM = "AES-256-GCM";

  /** SM4 (GB/T 32907-2016, 128-bit key) in Galois/Counter Mode, by configuration. */
  public static final String SM4_GCM = "SM4-GCM";

  /** A data-encryption key. */
  public record DataKey(String id, String algorithm, byte[] key) {
    public DataKey {
      if (id == null || !id.matches("^[A-Za-z0-9._-]{1,64}$")) {
        throw new IllegalStateException("keyring: a data key id is 1 to 64 letters, digits, . _ -");
      }
      int expected = keyLength(algorithm);
      if (key == null || key.length != expected) {
        throw new IllegalStateException(
            "keyring: data key " + id + " (" + algorithm + ") must hold " + expected + " bytes");
      }
    }

    @Override
    public String toString() {
      return "DataKey[" + id + ", " + algorithm + "]";
    }
  }

  /** The key length in bytes of a data-key algorithm; fails on an unknown one. */
  public static int keyLength(String algorithm) {
    if (AES_256_GCM.equals(algorithm)) {
      return 32;
    }
    if (SM4_GCM.equals(algorithm)) {
      return 16;
    }
    throw new IllegalStateException(
        "keyring: unknown data key algorithm '"
            + algorithm
            + "' (known: "
            + AES_256_GCM
            + ", "
            + SM4_GCM
            + ")");
  }

  /** A fresh random data key with a new id, e.g. to rotate to (docs/operations.md). */
  public static DataKey newDataKey(String algorithm) {
    byte[] key = new byte[keyLength(algorithm)];
    RANDOM.nextBytes(key);
    return new DataKey("d-" + UUID.randomUUID().toString().substring(0, 8), algorithm, key);
  }

  private final JWKSet signing;
  private final Map<String, DataKey> dataKeys;
  private final String activeDataKey;
  private final Map<String, byte[]> macKeys;

  private Keyring(
      JWKSet signing,
      Map<String, DataKey> dataKeys,
      String activeDataKey,
      Map<String, byte[]> macKeys) {
    this.signing = signing;
    this.dataKeys = Collections.unmodifiableMap(dataKeys);
    this.activeDataKey = activeDataKey;
    this.macKeys = Collections.unmodifiableMap(macKeys);
    if (!dataKeys.containsKey(activeDataKey)) {
      throw new IllegalStateException(
          "keyring: the active data key " + activeDataKey + " is not in data.keys");
    }
    for (String name : List.of("resourceId", "audit", "pseudonym", "callback")) {
      byte[] key = macKeys.get(name);
      if (key == null || key.length < 32) {
        throw new IllegalStateException("keyring: mac." + name + " must hold at least 32 bytes");
      }
    }
    if (signing.getKeys().isEmpty() || !signing.getKeys().get(0).isPrivate()) {
      throw new IllegalStateException("keyring: signing.keys must start with a private key");
    }
  }

  /**
   * Reads the keyring at {@code file}, or creates it with fresh keys (mode 0600 in a 0700 folder)
   * when it does not exist. Fails loudly when the file exists but cannot be used.
   */
  public static Keyring loadOrCreate(Path file) {
    return loadOrCreate(file, AES_256_GCM);
  }

  /**
   * As {@link #loadOrCreate(Path)}; a keyring created here gets a data key of {@code
   * dataKeyAlgorithm} ({@link #AES_256_GCM} or {@link #SM4_GCM}). An existing keyring is read as it
   * is: its active key stays until rotated.
   */
  public static Keyring loadOrCreate(Path file, String dataKeyAlgorithm) {
    keyLength(dataKeyAlgorithm);
    if (!Files.exists(file)) {
      create(file, dataKeyAlgorithm);
    }
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the keyring " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "The keyring " + file + " is not usable: " + e.getMessage(), e);
    }
  }

  /** A keyring with fresh random keys, in its file form. */
  public static String generate() {
    return generate(AES_256_GCM);
  }

  /** A keyring with fresh random keys and a data key of {@code dataKeyAlgorithm}, in file form. */
  public static String generate(String dataKeyAlgorithm) {
    DataKey dataKey = newDataKey(dataKeyAlgorithm);
    try {
      JWK signingKey =
          new ECKeyGenerator(Curve.P_384)
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.ES384)
              .keyID(UUID.randomUUID().toString())
              .generate();
      ObjectNode root = JSON.createObjectNode();
      root.put("version", 1);
      root.set("signing", JSON.readTree(new JWKSet(signingKey).toString(false)));
      ObjectNode data = root.putObject("data");
      data.put("active", dataKey.id());
      ObjectNode key = data.putArray("keys").addObject();
      key.put("id", dataKey.id());
      key.put("algorithm", dataKey.algorithm());
      key.put("key", Base64.getEncoder().encodeToString(dataKey.key()));
      ObjectNode mac = root.putObject("mac");
      for (String name : List.of("resourceId", "audit", "pseudonym", "callback")) {
        mac.put(name, random(32));
      }
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JOSEException | IOException e) {
      throw new IllegalStateException("Cannot generate a keyring", e);
    }
  }

  /** A keyring from its file form, for tests that build one in memory. */
  public static Keyring parseForTest(String text) {
    return parse(text);
  }

  static Keyring parse(String text) {
    try {
      JsonNode root = JSON.readTree(text);
      JWKSet signing = JWKSet.parse(JSON.writeValueAsString(root.path("signing")));
      Map<String, DataKey> dataKeys = new LinkedHashMap<>();
      for (JsonNode k : root.path("data").path("keys")) {
        String id = k.path("id").asText();
        dataKeys.put(
            id,
            new DataKey(
                id,
                k.path("algorithm").asText(),
                Base64.getDecoder().decode(k.path("key").asText())));
      }
      Map<String, byte[]> mac = new LinkedHashMap<>();
      root.path("mac")
          .fields()
          .forEachRemaining(
              e -> mac.put(e.getKey(), Base64.getDecoder().decode(e.getValue().asText())));
      return new Keyring(signing, dataKeys, root.path("data").path("active").asText(), mac);
    } catch (IOException | ParseException e) {
      throw new IllegalStateException("not a keyring: " + e.getClass().getSimpleName(), e);
    }
  }

  /** A keyring that lives in memory only, with fresh keys (tests, tools). */
  public static Keyring generated(String dataKeyAlgorithm) {
    return parse(generate(dataKeyAlgorithm));
  }

  /**
   * This keyring with other data keys, {@code active} among them; signing and MAC keys unchanged.
   * What a rotation produces: the new key active, the old ones kept to decrypt until re-encrypted.
   */
  public Keyring withDataKeys(List<DataKey> keys, String active) {
    Map<String, DataKey> byId = new LinkedHashMap<>();
    for (DataKey k : keys) {
      byId.put(k.id(), k);
    }
    return new Keyring(signing, byId, active, new LinkedHashMap<>(macKeys));
  }

  private static void create(Path file, String dataKeyAlgorithm) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      SecretFiles.createPrivateDirectory(dir);
      Path tmp = dir.resolve(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
      SecretFiles.writePrivate(tmp, generate(dataKeyAlgorithm));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException raced) {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the keyring " + file, e);
    }
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  /** The signing keys with their private parts; the first one signs. */
  public JWKSet signingKeys() {
    return signing;
  }

  /** The data-encryption key new data is encrypted with. */
  public DataKey activeDataKey() {
    return dataKeys.get(activeDataKey);
  }

  /** A data-encryption key by id (to decrypt what an earlier key encrypted). */
  public DataKey dataKey(String id) {
    DataKey key = dataKeys.get(id);
    if (key == null) {
      throw new IllegalStateException("The keyring has no data key " + id);
    }
    return key;
  }

  /** Every data key, the active one included. */
  public List<DataKey> dataKeys() {
    return new ArrayList<>(dataKeys.values());
  }

  /** The secret that keys record ids ({@code $resourceId}); never rotated. */
  public byte[] resourceIdKey() {
    return macKeys.get("resourceId").clone();
  }

  /** The HMAC key of the audit chain. */
  public byte[] auditKey() {
    return macKeys.get("audit").clone();
  }

  /**
   * A keyed pseudonym of a text (a resident's facility code and number, ...): 32 hex characters of
   * HMAC-SHA256 under {@code mac.pseudonym}, for audit records and logs that must not carry the
   * text itself.
   */
  public String pseudonym(String text) {
    return java.util.HexFormat.of().formatHex(hmac("pseudonym", text)).substring(0, 32);
  }

  /** The bearer secret the FHIR server's wake-up call carries (see {@code SubscriptionWakeUp}). */
  public String callbackSecret() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(hmac("callback", "fhir-subscription-wake-up/v1"));
  }

  private byte[] hmac(String keyName, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(macKeys.get(keyName), "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "Keyring[" + signing.getKeys().size() + " signing, " + dataKeys.size() + " data keys]";
  }
}
