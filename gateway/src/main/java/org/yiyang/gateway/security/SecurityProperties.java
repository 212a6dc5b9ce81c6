package org.yiyang.gateway.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Identities and access ({@code gateway.security.*}, ADR 0050). The defaults run the README tour on
 * one machine; docs/operations.md lists what a regional deployment changes.
 *
 * @param issuer the {@code iss} of the tokens the gateway issues, and the base of its token
 *     endpoint URL that client assertions name as {@code aud}: the gateway's public URL
 * @param audience the {@code aud} every access token must carry
 * @param keyringFile the secrets file; empty: {@code <data-dir>/secrets/keyring.json}
 * @param tokenTtl how long an issued access token is valid (at most 300 s)
 * @param maxTokenLifetime the longest {@code exp - iat} accepted from any issuer
 * @param clientSecretBasic whether clients other than the bootstrap operator may authenticate with
 *     a secret ({@code client_secret_basic}); production uses {@code private_key_jwt} only
 * @param maxAssertionLifetime how far ahead a client assertion's {@code exp} may be (SMART: 5 min)
 * @param clockSkew tolerance on {@code exp}, {@code nbf} and {@code iat}
 * @param issuerUri an external issuer (Keycloak realm URL ...) whose tokens are accepted too;
 *     empty: none
 * @param external how to read role and organization from the external issuer's tokens
 * @param rateLimit requests per client
 * @param dataKeyAlgorithm the algorithm of data keys the gateway generates ({@code AES-256-GCM}, or
 *     {@code SM4-GCM} via BouncyCastle); an existing keyring keeps its active key until rotated
 */
@Validated
@ConfigurationProperties(prefix = "gateway.security")
public record SecurityProperties(
    @NotBlank @DefaultValue("http://localhost:8080") String issuer,
    @NotBlank @DefaultValue("yiyang-gateway") String audience,
    @DefaultValue("") String keyringFile,
    @NotNull @DefaultValue("300s") Duration tokenTtl,
    @NotNull @DefaultValue("300s") Duration maxTokenLifetime,
    @DefaultValue("true") boolean clientSecretBasic,
    @NotNull @DefaultValue("5m") Duration maxAssertionLifetime,
    @NotNull @DefaultValue("30s") Duration clockSkew,
    @DefaultValue("") String issuerUri,
    @Valid @NotNull @DefaultValue External external,
    @Valid @NotNull @DefaultValue RateLimit rateLimit,
    @NotBlank @DefaultValue(Keyring.AES_256_GCM) String dataKeyAlgorithm) {

  public SecurityProperties {
    if (tokenTtl.compareTo(Duration.ofSeconds(300)) > 0) {
      throw new IllegalArgumentException("gateway.security.token-ttl is at most 300s");
    }
    if (!Keyring.AES_256_GCM.equals(dataKeyAlgorithm)
        && !Keyring.SM4_GCM.equals(dataKeyAlgorithm)) {
      throw new IllegalArgumentException(
          "gateway.security.data-key-algorithm is AES-256-GCM or SM4-GCM");
    }
  }

  /**
   * @param roleClaim the claim holding the gateway role ({@code facility}, {@code hospital}...)
   * @param usccClaim the claim holding the organization's USCC
   * @param audience the {@code aud} the external tokens carry; empty: {@link #audience()}
   */
  public record External(
      @NotBlank @DefaultValue("role") String roleClaim,
      @NotBlank @DefaultValue("uscc") String usccClaim,
      @DefaultValue("") String audience) {}

  /**
   * @param enabled whether requests are counted per client
   * @param requestsPerSecond the sustained rate a client may send
   * @param burst how many requests a client may send at once
   * @param maxDelay how long a request over the rate waits for its token before it is refused
   * @param maxInProgress how many requests of one client the gateway holds at once (waiting or
   *     working); beyond, 429 at once
   * @param workSlots how many requests work at once, shared among the clients in turn; 0: one per
   *     processor, at least two
   * @param maxSlotWait how long a request waits for a work slot before it is refused
   */
  public record RateLimit(
      @DefaultValue("true") boolean enabled,
      @DecimalMin("0.1") @DefaultValue("50") double requestsPerSecond,
      @Min(1) @DefaultValue("200") int burst,
      @NotNull @DefaultValue("1s") Duration maxDelay,
      @Min(1) @DefaultValue("16") int maxInProgress,
      @Min(0) @DefaultValue("0") int workSlots,
      @NotNull @DefaultValue("30s") Duration maxSlotWait) {

    /**
     * The work slots, {@code workSlots} or one per processor (at least two): measured, one per core
     * kept the quiet client's p99 within 1.8× of alone where two per core let it reach 2.4×.
     */
    public int slots() {
      return workSlots > 0 ? workSlots : Math.max(2, Runtime.getRuntime().availableProcessors());
    }
  }
}
