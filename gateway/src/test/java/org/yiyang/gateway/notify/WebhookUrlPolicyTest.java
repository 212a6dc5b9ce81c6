package org.yiyang.gateway.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;

/**
 * Registration-time URL rules (ADR 0054): issue 18's SSRF corpus and its relatives are refused with
 * 400 GW-1033 on {@code url} naming the rule, never repeating the URL; public https URLs pass; the
 * allow-list and {@code allow-http} open exactly what they name.
 */
class WebhookUrlPolicyTest {

  private final WebhookUrlPolicy policy = new WebhookUrlPolicy(false, List.of(), SsrfCorpus.dns());

  static Stream<SsrfCorpus.Case> issueCorpus() {
    return SsrfCorpus.ISSUE.stream();
  }

  static Stream<SsrfCorpus.Case> moreCases() {
    return SsrfCorpus.MORE.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("issueCorpus")
  void theIssueCorpusIsRefusedAtRegistration(SsrfCorpus.Case c) {
    assertRefused(c.url("https", 0), c.rule());
    assertRefused(c.url("https", 8443), c.rule());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("moreCases")
  void otherFormsAndRangesAreRefusedToo(SsrfCorpus.Case c) {
    assertRefused(c.url("https", 0), c.rule());
  }

  @Test
  void theWholeIssueCorpusIsRefusedCountingEveryCase() {
    long refused =
        SsrfCorpus.ISSUE.stream()
            .filter(
                c -> {
                  try {
                    policy.checkForRegistration(c.url("https", 0));
                    return false;
                  } catch (WebhookUrlPolicy.RefusedUrlException e) {
                    return true;
                  }
                })
            .count();
    assertThat(refused).isEqualTo(SsrfCorpus.ISSUE.size()).isEqualTo(13);
  }

  @Test
  void publicHttpsUrlsPass() {
    for (String url :
        List.of(
            "https://" + SsrfCorpus.PUBLIC_NAME + "/hooks/yiyang",
            "https://" + SsrfCorpus.PUBLIC_NAME + ":8443/hooks/yiyang?x=1",
            "https://" + SsrfCorpus.PUBLIC_ADDRESS + "/hook",
            "https://[2606:2800:220:1:248:1893:25c8:1946]/hook",
            "HTTPS://" + SsrfCorpus.PUBLIC_NAME.toUpperCase() + "/hook")) {
      assertThat(policy.checkForRegistration(url)).as(url).isNotNull();
    }
  }

  @Test
  void onlyHttpsUnlessPlainHttpIsAllowed() {
    assertRefused("http://" + SsrfCorpus.PUBLIC_NAME + "/hook", UrlRule.SCHEME);
    assertRefused("ftp://" + SsrfCorpus.PUBLIC_NAME + "/hook", UrlRule.SCHEME);
    assertRefused("file:///etc/passwd", UrlRule.SCHEME);
    assertRefused("gopher://" + SsrfCorpus.PUBLIC_NAME + "/", UrlRule.SCHEME);
    WebhookUrlPolicy http = new WebhookUrlPolicy(true, List.of(), SsrfCorpus.dns());
    assertThat(http.checkForRegistration("http://" + SsrfCorpus.PUBLIC_NAME + "/hook")).isNotNull();
    // Plain http opens the scheme only, never an address.
    assertThatThrownBy(() -> http.checkForRegistration("http://127.0.0.1/hook"))
        .isInstanceOf(WebhookUrlPolicy.RefusedUrlException.class);
  }

  @Test
  void credentialsInTheUrlAreRefusedAndNeverRepeated() {
    GatewayException e =
        refusal("https://facility:pa55word@" + SsrfCorpus.PUBLIC_NAME + "/hook", UrlRule.USERINFO);
    assertThat(e.issues().get(0).message()).doesNotContain("pa55word").doesNotContain("facility:");
  }

  @Test
  void notAUrlAtAllIsAnInvalidValue() {
    for (String url :
        List.of("not a url", "/relative/hook", "https:opaque", "https://h.example:0/")) {
      GatewayException e =
          catchThrowableOfType(GatewayException.class, () -> policy.checkForRegistration(url));
      assertThat(e).as(url).isNotNull();
      assertThat(e.code()).as(url).isIn(ErrorCode.INVALID_VALUE, ErrorCode.UNSAFE_URL);
      assertThat(e.issues().get(0).field()).isEqualTo("url");
    }
    String tooLong = "https://" + SsrfCorpus.PUBLIC_NAME + "/" + "a".repeat(2048);
    assertThat(
            catchThrowableOfType(GatewayException.class, () -> policy.checkForRegistration(tooLong))
                .code())
        .isEqualTo(ErrorCode.INVALID_VALUE);
  }

  @Test
  void theAllowListOpensExactlyTheHostAndPortItNames() throws Exception {
    WebhookUrlPolicy allowing =
        new WebhookUrlPolicy(
            true, List.of("127.0.0.1:8089", "[::1]:8089", "Hooks.Internal"), SsrfCorpus.dns());
    assertThat(allowing.checkForRegistration("http://127.0.0.1:8089/hook")).isNotNull();
    assertThat(allowing.checkForRegistration("http://[::1]:8089/hook")).isNotNull();
    // A host-only entry allows every port, without resolving the name.
    assertThat(allowing.checkForRegistration("https://hooks.internal/hook")).isNotNull();
    assertThat(allowing.checkForRegistration("https://HOOKS.internal:9000/hook")).isNotNull();
    // Another port, another host or another spelling of the same address is not allowed.
    assertThatThrownBy(() -> allowing.checkForRegistration("http://127.0.0.1:8090/hook"))
        .isInstanceOf(WebhookUrlPolicy.RefusedUrlException.class);
    assertThatThrownBy(() -> allowing.checkForRegistration("http://127.0.0.1/hook"))
        .isInstanceOf(WebhookUrlPolicy.RefusedUrlException.class);
    assertThatThrownBy(() -> allowing.checkForRegistration("http://2130706433:8089/hook"))
        .isInstanceOf(WebhookUrlPolicy.RefusedUrlException.class);
    assertThatThrownBy(() -> allowing.checkForRegistration("http://localhost:8089/hook"))
        .isInstanceOf(WebhookUrlPolicy.RefusedUrlException.class);
    // At connect time the same entries apply.
    assertThat(allowing.resolveChecked("127.0.0.1", 8089))
        .containsExactly(InetAddress.getByName("127.0.0.1"));
    assertThatThrownBy(() -> allowing.resolveChecked("127.0.0.1", 8090))
        .isInstanceOf(WebhookUrlPolicy.UnsafeAddressException.class);
  }

  @Test
  void atConnectTimeEveryResolvedAddressIsCheckedAndTheCheckedOnesAreReturned() throws Exception {
    assertThat(policy.resolveChecked(SsrfCorpus.PUBLIC_NAME, 443))
        .containsExactly(InetAddress.getByName(SsrfCorpus.PUBLIC_ADDRESS));
    for (SsrfCorpus.Case c : SsrfCorpus.ISSUE) {
      WebhookUrlPolicy.UnsafeAddressException e =
          catchThrowableOfType(
              WebhookUrlPolicy.UnsafeAddressException.class,
              () -> policy.resolveChecked(c.host(), 443));
      assertThat(e).as(c.toString()).isNotNull();
      assertThat(e.rule()).as(c.toString()).isEqualTo(c.rule());
      assertThat(e.getMessage()).doesNotContain(c.host());
    }
    WebhookUrlPolicy.UnsafeAddressException mixed =
        catchThrowableOfType(
            WebhookUrlPolicy.UnsafeAddressException.class,
            () -> policy.resolveChecked("mixed.facility.test", 443));
    assertThat(mixed.rule()).isEqualTo(UrlRule.LOOPBACK);
  }

  @Test
  void allowListEntriesAreValidated() {
    assertThat(WebhookUrlPolicy.allowEntry(" Example.ORG ")).isEqualTo("example.org");
    assertThatThrownBy(() -> WebhookUrlPolicy.allowEntry("h:0"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebhookUrlPolicy.allowEntry("h:x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebhookUrlPolicy.allowEntry("[::1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private void assertRefused(String url, UrlRule rule) {
    refusal(url, rule);
  }

  private GatewayException refusal(String url, UrlRule rule) {
    WebhookUrlPolicy.RefusedUrlException e =
        catchThrowableOfType(
            WebhookUrlPolicy.RefusedUrlException.class, () -> policy.checkForRegistration(url));
    assertThat(e).as("%s must be refused", url).isNotNull();
    assertThat(e.rule()).as(url).isEqualTo(rule);
    assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_URL);
    assertThat(e.code().httpStatus()).isEqualTo(400);
    GatewayException.Issue issue = e.issues().get(0);
    assertThat(issue.field()).isEqualTo("url");
    assertThat(issue.message()).contains("'" + rule.code() + "'");
    assertThat(issue.message())
        .doesNotContain(SsrfCorpus.URL_SECRET)
        .doesNotContain("/hook")
        .doesNotContain(url);
    return e;
  }
}
