package org.yiyang.gateway.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yiyang.gateway.GatewayClient;
import org.yiyang.gateway.notify.WebhookSignature;

/**
 * {@code bin/sandbox events} against a real WireMock: a request signed with the secret is valid, a
 * forged signature and a missing one are not, and requests to other paths are left out.
 */
class WebhookEventsTest {

  static final String SECRET = "whsec_sandbox_0123456789abcdef0123";

  /**
   * An empty root of its own: WireMock's default root, src/test/resources, holds the gateway's test
   * mappings folder, which it would read as stub files.
   */
  @RegisterExtension
  static WireMockExtension mock =
      WireMockExtension.newInstance()
          .options(
              wireMockConfig()
                  .dynamicPort()
                  .usingFilesUnderDirectory(GatewayClient.tempDir("wiremock-events").toString()))
          .build();

  @Test
  void signedEventsAreValidAndForgedOnesAreNot() throws Exception {
    mock.stubFor(post(urlEqualTo("/facility/webhook")).willReturn(aResponse().withStatus(204)));
    String body =
        "{\"event\":\"referral.created\",\"referralId\":\"ref-1\",\"status\":\"requested\"}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    send("/facility/webhook", body, WebhookSignature.header(SECRET, 1_700_000_000L, bytes));
    send(
        "/facility/webhook",
        body,
        WebhookSignature.header("another-secret-0123456789ab", 1L, bytes));
    send("/facility/webhook", body, null);
    send("/elsewhere", body, null);

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int invalid =
        WebhookEvents.check(
            mock.baseUrl(),
            SECRET,
            WebhookEvents.DEFAULT_PATH,
            new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(invalid).isEqualTo(2);
    String[] lines = printed.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0]).contains("referral.created ref-1 - -> requested signature=valid");
    assertThat(lines[1]).endsWith("signature=INVALID");
    assertThat(lines[2]).endsWith("signature=INVALID");
    assertThat(lines[3]).isEqualTo("3 event(s), 2 with a bad signature");
  }

  private static void send(String path, String body, String signature) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(mock.baseUrl() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      request.header(WebhookSignature.HEADER, signature);
    }
    HttpClient.newHttpClient()
        .send(request.build(), java.net.http.HttpResponse.BodyHandlers.discarding());
  }
}
