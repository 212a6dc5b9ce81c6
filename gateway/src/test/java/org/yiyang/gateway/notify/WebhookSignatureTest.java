package org.yiyang.gateway.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.junit.jupiter.api.Test;

/** The webhook signatures against vectors computed independently (openssl, RFC 2104 by hand). */
class WebhookSignatureTest {

  private static final byte[] BODY =
      "{\"event\":\"referral.status-changed\"}".getBytes(StandardCharsets.UTF_8);

  /**
   * {@code printf '%s' '1700000000.{"event":"referral.status-changed"}' | openssl dgst -sha256
   * -hmac whsec_test}.
   */
  private static final String OPENSSL =
      "965e8916dc825827f14d6336cd05cf753cb47c3e4524a9a8c3506fc6ea823eca";

  @Test
  void theHeaderCarriesTheTimestampAndTheHmacOfTimestampDotBody() {
    assertThat(WebhookSignature.header("whsec_test", 1_700_000_000L, BODY))
        .isEqualTo("t=1700000000,v1=" + OPENSSL);
  }

  /**
   * {@code printf '%s' '1700000000.{"event":"referral.status-changed"}' | openssl dgst -sm3 -hmac
   * whsec_test} (OpenSSL 3.0).
   */
  private static final String OPENSSL_SM3 =
      "31ff76bab81d23fb79af588c9d8e8b7be09659e316645f73d86ed5d01c396cfa";

  @Test
  void theSm3VariantCarriesHmacSm3UnderItsOwnLabel() {
    assertThat(
            WebhookSignature.header(
                WebhookSignature.Algorithm.HMAC_SM3, "whsec_test", 1_700_000_000L, BODY))
        .isEqualTo("t=1700000000,sm3=" + OPENSSL_SM3);
  }

  @Test
  void theSm3VectorIsHmacOverTheSm3OfTheStandard() {
    // GB/T 32905-2016, appendix A.1: SM3("abc").
    SM3Digest sm3 = new SM3Digest();
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    sm3.update(abc, 0, abc.length);
    byte[] digest = new byte[32];
    sm3.doFinal(digest, 0);
    assertThat(HexFormat.of().formatHex(digest))
        .isEqualTo("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    // RFC 2104 written out over that digest (block size 64), not BouncyCastle's HMac.
    byte[] message =
        ("1700000000." + new String(BODY, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    assertThat(
            HexFormat.of()
                .formatHex(rfc2104Sm3("whsec_test".getBytes(StandardCharsets.UTF_8), message)))
        .isEqualTo(OPENSSL_SM3)
        .isEqualTo(
            WebhookSignature.hmacHex(
                WebhookSignature.Algorithm.HMAC_SM3, "whsec_test", 1_700_000_000L, BODY));
  }

  @Test
  void aReceiverChecksTheSchemeItExpects() {
    String sm3 =
        WebhookSignature.header(
            WebhookSignature.Algorithm.HMAC_SM3, "whsec_test", 1_700_000_000L, BODY);
    assertThat(
            WebhookSignature.verify(WebhookSignature.Algorithm.HMAC_SM3, "whsec_test", sm3, BODY))
        .isTrue();
    assertThat(
            WebhookSignature.verify(WebhookSignature.Algorithm.HMAC_SM3, "whsec_other", sm3, BODY))
        .isFalse();
    // An SM3 header is no v1 signature, and the other way round.
    assertThat(WebhookSignature.verify("whsec_test", sm3, BODY)).isFalse();
    assertThat(
            WebhookSignature.verify(
                WebhookSignature.Algorithm.HMAC_SM3,
                "whsec_test",
                WebhookSignature.header("whsec_test", 1_700_000_000L, BODY),
                BODY))
        .isFalse();
  }

  private static byte[] rfc2104Sm3(byte[] key, byte[] message) {
    byte[] k = new byte[64];
    System.arraycopy(key, 0, k, 0, key.length);
    byte[] ipad = new byte[64];
    byte[] opad = new byte[64];
    for (int i = 0; i < 64; i++) {
      ipad[i] = (byte) (k[i] ^ 0x36);
      opad[i] = (byte) (k[i] ^ 0x5c);
    }
    return sm3(opad, sm3(ipad, message));
  }

  private static byte[] sm3(byte[] a, byte[] b) {
    SM3Digest d = new SM3Digest();
    d.update(a, 0, a.length);
    d.update(b, 0, b.length);
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return out;
  }

  @Test
  void aReceiverAcceptsTheRightSignatureOnly() {
    String header = WebhookSignature.header("whsec_test", 1_700_000_000L, BODY);
    assertThat(WebhookSignature.verify("whsec_test", header, BODY)).isTrue();
    assertThat(WebhookSignature.verify("whsec_other", header, BODY)).isFalse();
    byte[] tampered = "{\"event\":\"referral.created\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(WebhookSignature.verify("whsec_test", header, tampered)).isFalse();
    // The timestamp is signed too: moving it breaks the signature.
    assertThat(WebhookSignature.verify("whsec_test", header.replace("t=17", "t=18"), BODY))
        .isFalse();
    assertThat(WebhookSignature.verify("whsec_test", "v1=" + OPENSSL, BODY)).isFalse();
    assertThat(WebhookSignature.verify("whsec_test", null, BODY)).isFalse();
  }

  @Test
  void eventIdsAreStablePerFacilityAndTaskVersion() {
    String a = Notifications.eventId("52330300MJ8712345N", "t1", 2);
    assertThat(Notifications.eventId("52330300MJ8712345N", "t1", 2)).isEqualTo(a);
    assertThat(Notifications.eventId("52330300MJ8712345N", "t1", 3)).isNotEqualTo(a);
  }
}
