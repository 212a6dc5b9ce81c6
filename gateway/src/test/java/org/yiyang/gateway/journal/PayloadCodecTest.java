package org.yiyang.gateway.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.yiyang.gateway.security.DataCipher;
import org.yiyang.gateway.security.Keyring;

class PayloadCodecTest {

  private final PayloadCodec codec =
      new PayloadCodec(new DataCipher(Keyring.generated(Keyring.AES_256_GCM)));

  @Test
  void aBundleIsCompressedThenEncryptedAndOpensOnlyForItsMessage() {
    String bundle = new SyntheticBundles(3).bundle(1);
    DataCipher.Sealed sealed = codec.seal("m-1", bundle);

    assertThat(sealed.data().length).isLessThan(bundle.getBytes(StandardCharsets.UTF_8).length / 2);
    assertThat(codec.open("m-1", sealed.keyId(), sealed.data())).isEqualTo(bundle);
    assertThatThrownBy(() -> codec.open("m-2", sealed.keyId(), sealed.data()))
        .hasMessageContaining("does not authenticate");
  }

  @Test
  void whatDeflateCannotShrinkIsStoredAsItIs() {
    byte[] noise = new byte[300];
    new java.util.Random(5).nextBytes(noise);
    String text = java.util.Base64.getEncoder().encodeToString(noise).substring(0, 12);
    byte[] encoded = PayloadCodec.compress(text.getBytes(StandardCharsets.UTF_8));
    assertThat(encoded[0]).isZero();
    assertThat(new String(PayloadCodec.decompress(encoded), StandardCharsets.UTF_8))
        .isEqualTo(text);
    assertThat(codec.open("m", codec.seal("m", text).keyId(), codec.seal("m", text).data()))
        .isEqualTo(text);
  }
}
