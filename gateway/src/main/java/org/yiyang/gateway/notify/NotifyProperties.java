package org.yiyang.gateway.notify;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of change detection and facility webhooks ({@code gateway.notify.*}).
 *
 * @param enabled whether the gateway watches referral Tasks on the FHIR server at all
 * @param pollInterval how often referral Tasks changed on the FHIR server are looked for
 * @param overlap the bound on a write's lateness (ADR 0062): the longest a write on the FHIR server
 *     may take from its {@code lastUpdated} to its commit, plus the clock skew between gateway and
 *     server where the server's search Bundle carries no time. Each poll reads again from this long
 *     before the start of the last complete poll, so such a write is never missed; versions already
 *     handled are skipped
 * @param pageSize Tasks per page of a poll
 * @param subscription whether to ask the FHIR server for a rest-hook Subscription as a wake-up
 * @param callbackBaseUrl how the FHIR server reaches the gateway; empty: the gateway's own port on
 *     127.0.0.1 (right for the embedded server)
 * @param webhookTimeout connect and read timeout of a webhook call
 * @param webhooks webhooks from configuration, one per facility; the admin endpoint adds more
 * @param allowHttp whether webhook URLs may use plain http (tests, a TLS-terminating sidecar);
 *     https only by default
 * @param allowedHosts webhook hosts exempt from the address rules (ADR 0054), each {@code host} or
 *     {@code host:port} ({@code [v6]:port} for IPv6), e.g. a facility system on a private network;
 *     none by default
 * @param signature how webhook calls are signed: HMAC-SHA256 ({@code v1}, default) or HMAC-SM3
 *     ({@code sm3}, GB/T 32905)
 */
@Validated
@ConfigurationProperties(prefix = "gateway.notify")
public record NotifyProperties(
    @DefaultValue("true") boolean enabled,
    @NotNull @DefaultValue("5s") Duration pollInterval,
    @NotNull @DefaultValue("1m") Duration overlap,
    @Min(1) @DefaultValue("100") int pageSize,
    @DefaultValue("true") boolean subscription,
    @DefaultValue("") String callbackBaseUrl,
    @NotNull @DefaultValue("10s") Duration webhookTimeout,
    @Valid @NotNull @DefaultValue List<ConfiguredWebhook> webhooks,
    @DefaultValue("false") boolean allowHttp,
    @NotNull @DefaultValue List<@NotBlank String> allowedHosts,
    @NotNull @DefaultValue("HMAC-SHA256") WebhookSignature.Algorithm signature) {

  /**
   * A webhook given in configuration, e.g. {@code GATEWAY_NOTIFY_WEBHOOKS_0_FACILITYCODE}, {@code
   * ..._URL}, {@code ..._SECRET}.
   */
  public record ConfiguredWebhook(
      @NotBlank String facilityCode,
      @NotBlank String url,
      @NotBlank @Size(min = WebhookAdmin.MIN_SECRET_BYTES, max = WebhookAdmin.MAX_SECRET_BYTES)
          String secret) {

    @Override
    public String toString() {
      return "ConfiguredWebhook[facilityCode=" + facilityCode + ", url=" + url + "]";
    }
  }
}
