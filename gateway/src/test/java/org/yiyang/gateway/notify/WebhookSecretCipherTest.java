package org.yiyang.gateway.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.yiyang.gateway.security.Keyring;

/**
 * Webhook secrets sealed at rest: AES-256-GCM or SM4-GCM as the data key says, checked by opening
 * the stored form with BouncyCastle's own GCM (not the code under test); bound to the facility;
 * tampering is detected; an older key still opens what it sealed.
 */
class WebhookSecretCipherTest {

  static final String FACILITY = "52330300MJ8712345N";
  static final String SECRET = "whsec_a-secret-of-32-bytes-long!";

  @Test
  void aesSealedSecretsOpenWithAnIndependentAesGcm() throws Exception {
    Keyring keyring = keyring("d-aes", "AES-256-GCM", 32);
    WebhookSecretCipher cipher = new WebhookSecretCipher(keyring);
    WebhookSecretCipher.Sealed sealed = cipher.seal(FACILITY, SECRET);
    assertThat(sealed.keyId()).isEqualTo("d-aes");
    assertThat(sealed.value()).doesNotContain(SECRET);
    assertThat(new String(Base64.getDecoder().decode(sealed.value()), StandardCharsets.ISO_8859_1))
        .doesNotContain(SECRET);
    assertThat(cipher.open(FACILITY, sealed)).isEqualTo(SECRET);
    assertThat(
            independentOpen(
                GCMBlockCipher.newInstance(AESEngine.newInstance()),
                keyring.dataKey("d-aes").key(),
                sealed))
        .isEqualTo(SECRET);
    // A fresh nonce each time.
    assertThat(cipher.seal(FACILITY, SECRET).value()).isNotEqualTo(sealed.value());
  }

  @Test
  void sm4SealedSecretsOpenWithAnIndependentSm4Gcm() throws Exception {
    Keyring keyring = keyring("d-sm4", "SM4-GCM", 16);
    WebhookSecretCipher cipher = new WebhookSecretCipher(keyring);
    WebhookSecretCipher.Sealed sealed = cipher.seal(FACILITY, SECRET);
    assertThat(sealed.keyId()).isEqualTo("d-sm4");
    assertThat(cipher.open(FACILITY, sealed)).isEqualTo(SECRET);
    assertThat(
            independentOpen(
                GCMBlockCipher.newInstance(new SM4Engine()),
                keyring.dataKey("d-sm4").key(),
                sealed))
        .isEqualTo(SECRET);
    // Not AES under the same key bytes.
    assertThatThrownBy(
            () ->
                independentOpen(
                    GCMBlockCipher.newInstance(AESEngine.newInstance()),
                    keyring.dataKey("d-sm4").key(),
                    sealed))
        .isInstanceOf(Exception.class);
  }

  @Test
  void aSealedSecretOpensOnlyForItsFacilityAndUntouched() {
    WebhookSecretCipher cipher = new WebhookSecretCipher(keyring("d-aes", "AES-256-GCM", 32));
    WebhookSecretCipher.Sealed sealed = cipher.seal(FACILITY, SECRET);
    assertThatThrownBy(() -> cipher.open("91330000MA2XXXXX0X", sealed))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageNotContaining(SECRET);
    byte[] bytes = Base64.getDecoder().decode(sealed.value());
    bytes[bytes.length - 1] ^= 1;
    WebhookSecretCipher.Sealed tampered =
        new WebhookSecretCipher.Sealed(sealed.keyId(), Base64.getEncoder().encodeToString(bytes));
    assertThatThrownBy(() -> cipher.open(FACILITY, tampered))
        .isInstanceOf(IllegalStateException.class);
    assertThat(sealed.toString()).doesNotContain(sealed.value());
  }

  @Test
  void afterARotationTheOlderKeyStillOpensWhatItSealed() {
    Keyring first = keyring("d-old", "AES-256-GCM", 32);
    WebhookSecretCipher.Sealed old = new WebhookSecretCipher(first).seal(FACILITY, SECRET);
    Keyring rotated = rotated(first, "d-new", "SM4-GCM", 16);
    WebhookSecretCipher after = new WebhookSecretCipher(rotated);
    assertThat(after.activeKeyId()).isEqualTo("d-new");
    assertThat(after.open(FACILITY, old)).isEqualTo(SECRET);
    assertThat(after.seal(FACILITY, SECRET).keyId()).isEqualTo("d-new");
  }

  /** Opens the stored form {@code [1][12-byte nonce][ciphertext + tag]} with the given GCM. */
  static String independentOpen(GCMModeCipher gcm, byte[] key, WebhookSecretCipher.Sealed sealed)
      throws Exception {
    byte[] bytes = Base64.getDecoder().decode(sealed.value());
    assertThat(bytes[0]).isEqualTo((byte) 1);
    gcm.init(
        false,
        new AEADParameters(
            new KeyParameter(key),
            128,
            Arrays.copyOfRange(bytes, 1, 13),
            ("yiyang/webhook-secret/v1|" + FACILITY).getBytes(StandardCharsets.UTF_8)));
    byte[] out = new byte[gcm.getOutputSize(bytes.length - 13)];
    int n = gcm.processBytes(bytes, 13, bytes.length - 13, out, 0);
    n += gcm.doFinal(out, n);
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  /** A fresh keyring whose only data key has this id and algorithm. */
  static Keyring keyring(String id, String algorithm, int keyBytes) {
    return rotated(null, id, algorithm, keyBytes);
  }

  /** {@code base} (or a fresh keyring) with one more data key, made the active one. */
  static Keyring rotated(Keyring base, String id, String algorithm, int keyBytes) {
    try {
      ObjectMapper json = new ObjectMapper();
      ObjectNode root = (ObjectNode) json.readTree(Keyring.generate());
      ObjectNode data = (ObjectNode) root.path("data");
      ArrayNode keys = json.createArrayNode();
      if (base != null) {
        for (Keyring.DataKey k : base.dataKeys()) {
          keys.addObject()
              .put("id", k.id())
              .put("algorithm", k.algorithm())
              .put("key", Base64.getEncoder().encodeToString(k.key()));
        }
      }
      byte[] key = new byte[keyBytes];
      new java.security.SecureRandom().nextBytes(key);
      keys.addObject()
          .put("id", id)
          .put("algorithm", algorithm)
          .put("key", Base64.getEncoder().encodeToString(key));
      data.set("keys", keys);
      data.put("active", id);
      return Keyring.parseForTest(json.writeValueAsString(root));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
