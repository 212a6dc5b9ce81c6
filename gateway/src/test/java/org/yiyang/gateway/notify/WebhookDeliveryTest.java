package org.yiyang.gateway.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.hc.client5.http.impl.InMemoryDnsResolver;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;

/**
 * Delivery-time checks (ADR 0054) with the real HTTP client against WireMock: a canary server on
 * loopback stands for everything a webhook must never reach, and must receive nothing whatever URL
 * was stored (from before the rules, or a name whose address changed since registration); a
 * redirect is not followed; an allow-listed webhook gets the thin, signed event.
 */
class WebhookDeliveryTest {

  /**
   * WireMock reads stub files from {@code src/test/resources/mappings} by default, where the test
   * flows' mapping-catalog folders live; these tests stub in code, so point it at no folder.
   */
  private static com.github.tomakehurst.wiremock.core.WireMockConfiguration noStubFiles() {
    return wireMockConfig().usingFilesUnderDirectory("target/wiremock-no-stub-files");
  }

  static final String FACILITY = WebhookSecretCipherTest.FACILITY;
  static final String SECRET = "whsec_delivery_test_0123456789ab";
  static final ObjectMapper JSON = new ObjectMapper();

  /** Loopback services a webhook must never reach. */
  @RegisterExtension
  static WireMockExtension canary =
      WireMockExtension.newInstance().options(noStubFiles().dynamicPort()).build();

  /** The facility's webhook, on loopback too, reachable through the allow-list only. */
  @RegisterExtension
  static WireMockExtension facility =
      WireMockExtension.newInstance().options(noStubFiles().dynamicPort()).build();

  @TempDir Path dir;

  private HikariDataSource ds;
  private Webhooks webhooks;
  private InMemoryDnsResolver dns;

  @BeforeEach
  void journal() {
    canary.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
    ds = new HikariDataSource();
    ds.setJdbcUrl("jdbc:h2:file:" + dir.resolve("journal") + ";WRITE_DELAY=0");
    ds.setUsername("sa");
    WebhookSecretCipher cipher =
        new WebhookSecretCipher(WebhookSecretCipherTest.keyring("d-1", "AES-256-GCM", 32));
    Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/journal")
        .javaMigrations(new SealWebhookSecretsMigration(cipher))
        .table("journal_schema_history")
        .load()
        .migrate();
    webhooks = new Webhooks(new JdbcTemplate(ds), NotifyTestProperties.defaults(), cipher);
    dns = SsrfCorpus.dns();
  }

  @AfterEach
  void close() {
    ds.close();
  }

  @Test
  void theIssueCorpusIsRefusedAtDeliveryAndNothingIsCalled() throws Exception {
    WebhookTarget target = target(WebhookSignature.Algorithm.HMAC_SHA256);
    int refused = 0;
    for (SsrfCorpus.Case c : SsrfCorpus.ISSUE) {
      // Stored as a registration from before the rules would have been.
      webhooks.put(FACILITY, c.url("http", canary.getPort()), SECRET, Instant.now());
      GatewayException e =
          catchThrowableOfType(GatewayException.class, () -> target.deliver(payload()));
      assertThat(e).as(c.toString()).isNotNull();
      assertThat(e.code()).as(c.toString()).isEqualTo(ErrorCode.UNSAFE_URL);
      GatewayException.Issue issue = e.issues().get(0);
      assertThat(issue.field()).isEqualTo("url");
      assertThat(issue.message())
          .as(c.toString())
          .contains("'" + c.rule().code() + "'")
          .doesNotContain(SsrfCorpus.URL_SECRET);
      refused++;
    }
    assertThat(refused).isEqualTo(13);
    assertThat(canary.getAllServeEvents()).isEmpty();
  }

  @Test
  void theHttpClientsResolverAloneRefusesTheIssueCorpus() throws Exception {
    // Without the target's check of the URL: the connection's DNS resolver refuses each host,
    // IP literals included, before a socket is opened.
    NotifyProperties properties =
        NotifyTestProperties.of(true, List.of(), WebhookSignature.Algorithm.HMAC_SHA256, List.of());
    WebhookHttp http = new WebhookHttp(policy(), properties);
    try {
      for (SsrfCorpus.Case c : SsrfCorpus.ISSUE) {
        WebhookUrlPolicy.UnsafeAddressException e =
            catchThrowableOfType(
                WebhookUrlPolicy.UnsafeAddressException.class,
                () ->
                    http.post(
                        java.net.URI.create(c.url("http", canary.getPort())),
                        java.util.Map.of(),
                        new byte[0]));
        assertThat(e).as(c.toString()).isNotNull();
        assertThat(e.rule()).as(c.toString()).isEqualTo(c.rule());
      }
    } finally {
      http.destroy();
    }
    assertThat(canary.getAllServeEvents()).isEmpty();
  }

  @Test
  void aNameThatTurnsToLoopbackAfterRegistrationIsRefusedWhenConnecting() throws Exception {
    WebhookTarget target = target(WebhookSignature.Algorithm.HMAC_SHA256);
    String name = "rebinding.facility.test";
    String url = "http://" + name + ":" + canary.getPort() + "/hook";
    dns.add(name, SsrfCorpus.address(SsrfCorpus.PUBLIC_ADDRESS));
    assertThat(policy().checkForRegistration(url)).isNotNull();
    webhooks.put(FACILITY, url, SECRET, Instant.now());
    // The DNS answer changes after registration (DNS rebinding).
    dns.add(name, SsrfCorpus.address("127.0.0.1"));
    // Nothing in the URL itself is refused: only the connection's resolver can see it.
    assertThat(policy().checkForDelivery(url)).isNotNull();
    GatewayException e =
        catchThrowableOfType(GatewayException.class, () -> target.deliver(payload()));
    assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_URL);
    assertThat(e.issues().get(0).message()).contains("'loopback'");
    assertThat(canary.getAllServeEvents()).isEmpty();
  }

  @Test
  void aRedirectToLoopbackIsNotFollowed() throws Exception {
    WebhookTarget target = target(WebhookSignature.Algorithm.HMAC_SHA256);
    webhooks.put(FACILITY, facilityUrl(), SECRET, Instant.now());
    for (int status : List.of(301, 302, 303, 307, 308)) {
      facility.stubFor(
          post(urlPathEqualTo("/hook"))
              .willReturn(
                  aResponse()
                      .withStatus(status)
                      .withHeader("Location", "http://127.0.0.1:" + canary.getPort() + "/steal")));
      GatewayException e =
          catchThrowableOfType(GatewayException.class, () -> target.deliver(payload()));
      assertThat(e.code()).as("HTTP %d", status).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
      assertThat(e.issues().get(0).message()).contains("redirects are not followed");
    }
    assertThat(facility.getAllServeEvents()).hasSize(5);
    assertThat(canary.getAllServeEvents()).isEmpty();
  }

  @Test
  void anAllowListedWebhookGetsOnlyTheThinSignedEvent() throws Exception {
    facility.stubFor(post(urlPathEqualTo("/hook")).willReturn(aResponse().withStatus(204)));
    WebhookTarget target = target(WebhookSignature.Algorithm.HMAC_SHA256);
    webhooks.put(FACILITY, facilityUrl(), SECRET, Instant.now());
    // A notification journaled before payloads became thin still carried the referral.
    ObjectNode old = (ObjectNode) JSON.readTree(payload());
    old.remove("links");
    ObjectNode referral = old.putObject("referral");
    referral.put("residentName", "张三");
    referral.putObject("reason").put("text", "血压持续升高，伴头晕");
    referral.putArray("diagnoses").addObject().put("display", "高血压");
    assertThat(target.deliver(old.toString()).status()).isEqualTo(204);

    LoggedRequest sent = facility.getAllServeEvents().get(0).getRequest();
    String body = sent.getBodyAsString();
    assertThat(body).doesNotContain("张三").doesNotContain("血压");
    // What is journaled now is exactly what is sent.
    assertThat(
            Notifications.thin(JSON.readTree(payload()), List.of(Notifications.Instance.REFERRAL))
                .toString())
        .isEqualTo(payload());
    JsonNode event = JSON.readTree(body);
    assertThat(event.fieldNames())
        .toIterable()
        .containsExactly(
            "eventId",
            "event",
            "facilityCode",
            "referralId",
            "taskId",
            "taskVersion",
            "status",
            "previousStatus",
            "occurredAt",
            "links");
    assertThat(event.path("links").path("referral").asText()).isEqualTo("/api/v1/referrals/ref-1");
    assertThat(
            WebhookSignature.verify(
                SECRET, sent.getHeader(WebhookSignature.HEADER), sent.getBody()))
        .isTrue();
    assertThat(sent.getHeader(WebhookSignature.EVENT_ID_HEADER))
        .isEqualTo(event.path("eventId").asText());
    assertThat(sent.getHeader(WebhookSignature.EVENT_HEADER))
        .isEqualTo(Notifications.STATUS_CHANGED);
    assertThat(canary.getAllServeEvents()).isEmpty();
  }

  @Test
  void theSm3VariantSignsWithHmacSm3() throws Exception {
    facility.stubFor(post(urlPathEqualTo("/hook")).willReturn(aResponse().withStatus(200)));
    WebhookTarget target = target(WebhookSignature.Algorithm.HMAC_SM3);
    webhooks.put(FACILITY, facilityUrl(), SECRET, Instant.now());
    target.deliver(payload());
    LoggedRequest sent = facility.getAllServeEvents().get(0).getRequest();
    String header = sent.getHeader(WebhookSignature.HEADER);
    assertThat(header).matches("t=\\d+,sm3=[0-9a-f]{64}");
    assertThat(
            WebhookSignature.verify(
                WebhookSignature.Algorithm.HMAC_SM3, SECRET, header, sent.getBody()))
        .isTrue();
  }

  @Test
  void aConfiguredWebhookWithARefusedUrlStopsTheStart() {
    NotifyProperties properties =
        NotifyTestProperties.of(
            false,
            List.of(),
            WebhookSignature.Algorithm.HMAC_SHA256,
            List.of(
                new NotifyProperties.ConfiguredWebhook(
                    FACILITY, "https://10.0.0.1/hook?token=" + SsrfCorpus.URL_SECRET, SECRET)));
    assertThatThrownBy(
            () ->
                new WebhookTarget(
                    webhooks, properties, policy(), new WebhookHttp(policy(), properties)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("gateway.notify.webhooks[0]")
        .hasMessageContaining("'private'")
        .hasMessageNotContaining(SsrfCorpus.URL_SECRET);
  }

  private String facilityUrl() {
    return "http://127.0.0.1:" + facility.getPort() + "/hook";
  }

  private WebhookUrlPolicy policy() {
    return new WebhookUrlPolicy(true, List.of("127.0.0.1:" + facility.getPort()), dns);
  }

  private WebhookTarget target(WebhookSignature.Algorithm signature) {
    NotifyProperties properties =
        NotifyTestProperties.of(
            true, List.of("127.0.0.1:" + facility.getPort()), signature, List.of());
    WebhookUrlPolicy policy = policy();
    return new WebhookTarget(webhooks, properties, policy, new WebhookHttp(policy, properties));
  }

  private static String payload() {
    return Notifications.envelope(
            Notifications.eventId(FACILITY, "task-1", 2),
            FACILITY,
            new Notifications.Change(
                Notifications.Instance.REFERRAL,
                Notifications.STATUS_CHANGED,
                "ref-1",
                "task-1",
                2,
                "accepted",
                "requested",
                Instant.parse("2026-11-23T07:44:10Z")))
        .toString();
  }
}
