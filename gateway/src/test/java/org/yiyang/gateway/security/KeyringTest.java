package org.yiyang.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyringTest {

  @TempDir Path dir;

  @Test
  void createdOnceWithOwnerOnlyModesAndReadBackTheSame() throws Exception {
    Path file = dir.resolve("secrets").resolve("keyring.json");
    Keyring first = Keyring.loadOrCreate(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    Keyring again = Keyring.loadOrCreate(file);
    assertThat(again.resourceIdKey()).isEqualTo(first.resourceIdKey());
    assertThat(again.signingKeys().getKeys().get(0).getKeyID())
        .isEqualTo(first.signingKeys().getKeys().get(0).getKeyID());
    assertThat(again.signingKeys().getKeys().get(0).isPrivate()).isTrue();
    assertThat(again.activeDataKey().key()).hasSize(32);
    assertThat(again.pseudonym("52330300MJ8712345N|R0001"))
        .isEqualTo(first.pseudonym("52330300MJ8712345N|R0001"))
        .hasSize(32);
  }

  @Test
  void twoKeyringsShareNoSecret() {
    Keyring a = Keyring.loadOrCreate(dir.resolve("a.json"));
    Keyring b = Keyring.loadOrCreate(dir.resolve("b.json"));
    assertThat(a.resourceIdKey()).isNotEqualTo(b.resourceIdKey());
    assertThat(a.pseudonym("x")).isNotEqualTo(b.pseudonym("x"));
    assertThat(a.callbackSecret()).isNotEqualTo(b.callbackSecret());
  }

  @Test
  void anUnusableFileFailsLoudlyNamingItAndNeverItsContent() throws Exception {
    Path file = dir.resolve("keyring.json");
    Files.writeString(file, "{\"version\": 1, \"mac\": {\"resourceId\": \"c2hvcnQ=\"}}");
    assertThatThrownBy(() -> Keyring.loadOrCreate(file))
        .hasMessageContaining(file.toString())
        .hasMessageNotContaining("c2hvcnQ=");
  }

  @Test
  void anSm4KeyringHasA128BitDataKeyAndAWrongKeyLengthIsRefused() throws Exception {
    Path file = dir.resolve("sm4.json");
    Keyring sm4 = Keyring.loadOrCreate(file, Keyring.SM4_GCM);
    assertThat(sm4.activeDataKey().algorithm()).isEqualTo(Keyring.SM4_GCM);
    assertThat(sm4.activeDataKey().key()).hasSize(16);
    // An existing keyring is read as it is, whatever the configured algorithm.
    assertThat(Keyring.loadOrCreate(file, Keyring.AES_256_GCM).activeDataKey().id())
        .isEqualTo(sm4.activeDataKey().id());

    Path wrong = dir.resolve("wrong.json");
    Files.writeString(wrong, Files.readString(file).replace("\"SM4-GCM\"", "\"AES-256-GCM\""));
    assertThatThrownBy(() -> Keyring.loadOrCreate(wrong))
        .hasMessageContaining("must hold 32 bytes")
        .hasMessageNotContaining(
            java.util.Base64.getEncoder().encodeToString(sm4.activeDataKey().key()));
    assertThatThrownBy(() -> Keyring.newDataKey("DES")).hasMessageContaining("unknown data key");
  }
}
