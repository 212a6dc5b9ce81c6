package org.yiyang.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DataCipherTest {

  private static final byte[] PLAIN =
      "王秀英 330302194305120024 13800000000".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PLACE = "row-1".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest
  @ValueSource(strings = {Keyring.AES_256_GCM, Keyring.SM4_GCM})
  void sealsUnderTheActiveKeyAndOpensOnlyUnchangedInItsPlace(String algorithm) {
    Keyring keyring = Keyring.generated(algorithm);
    DataCipher cipher = new DataCipher(keyring);
    DataCipher.Sealed sealed = cipher.seal(PLAIN, PLACE);

    assertThat(sealed.keyId()).isEqualTo(keyring.activeDataKey().id());
    assertThat(keyring.activeDataKey().algorithm()).isEqualTo(algorithm);
    assertThat(new String(sealed.data(), StandardCharsets.ISO_8859_1))
        .doesNotContain("330302194305120024")
        .doesNotContain("13800000000");
    // format byte + 12-byte nonce + ciphertext + 16-byte tag
    assertThat(sealed.data()).hasSize(1 + 12 + PLAIN.length + 16);
    assertThat(cipher.open(sealed.keyId(), sealed.data(), PLACE)).isEqualTo(PLAIN);
    // A fresh nonce each time: the same value never seals to the same bytes.
    assertThat(cipher.seal(PLAIN, PLACE).data()).isNotEqualTo(sealed.data());

    byte[] tampered = sealed.data().clone();
    tampered[20] ^= 1;
    assertThatThrownBy(() -> cipher.open(sealed.keyId(), tampered, PLACE))
        .hasMessageContaining("does not authenticate");
    assertThatThrownBy(
            () ->
                cipher.open(
                    sealed.keyId(), sealed.data(), "row-2".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("does not authenticate");
  }

  @ParameterizedTest
  @ValueSource(strings = {Keyring.AES_256_GCM, Keyring.SM4_GCM})
  void aKeyKeptAfterRotationStillOpensWhatItSealed(String algorithm) {
    Keyring before = Keyring.generated(Keyring.AES_256_GCM);
    DataCipher.Sealed old = new DataCipher(before).seal(PLAIN, PLACE);
    Keyring.DataKey next = Keyring.newDataKey(algorithm);
    Keyring after = before.withDataKeys(List.of(before.activeDataKey(), next), next.id());
    DataCipher cipher = new DataCipher(after);

    assertThat(cipher.activeKeyId()).isEqualTo(next.id());
    assertThat(cipher.open(old.keyId(), old.data(), PLACE)).isEqualTo(PLAIN);
    assertThat(cipher.seal(PLAIN, PLACE).keyId()).isEqualTo(next.id());
    Keyring withoutOld = before.withDataKeys(List.of(next), next.id());
    assertThatThrownBy(() -> new DataCipher(withoutOld).open(old.keyId(), old.data(), PLACE))
        .hasMessageContaining("no data key " + old.keyId());
  }
}
