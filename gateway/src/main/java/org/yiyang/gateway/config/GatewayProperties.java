package org.yiyang.gateway.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's own settings ({@code gateway.*}); every URL has an environment variable with a
 * local default in {@code application.yaml}.
 *
 * @param dataDir where all state lives (embedded FHIR database, delivery journal)
 * @param fhir the regional FHIR server the gateway writes to
 * @param api limits of the facility-side HTTP API
 * @param journal the durable message journal every accepted record is written to first
 * @param delivery how journaled messages are delivered to the FHIR server
 * @param attachments what records with attachments (remote consultations) may carry
 */
@Validated
@ConfigurationProperties(prefix = "gateway")
public record GatewayProperties(
    @NotNull @DefaultValue("./data") Path dataDir,
    @Valid @NotNull @DefaultValue Fhir fhir,
    @Valid @NotNull @DefaultValue Api api,
    @Valid @NotNull @DefaultValue Journal journal,
    @Valid @NotNull @DefaultValue Delivery delivery,
    @Valid @NotNull @DefaultValue Attachments attachments) {

  /**
   * @param baseUrl an external FHIR server; empty means the embedded HAPI JPA server at /fhir
   * @param connectTimeout TCP connect timeout towards the FHIR server
   * @param readTimeout socket read timeout towards the FHIR server
   * @param auth how the gateway authenticates to an external FHIR server
   */
  public record Fhir(
      @DefaultValue("") String baseUrl,
      @NotNull @DefaultValue("5s") Duration connectTimeout,
      @NotNull @DefaultValue("30s") Duration readTimeout,
      @Valid @NotNull @DefaultValue Auth auth) {

    public boolean embedded() {
      return baseUrl == null || baseUrl.isBlank();
    }
  }

  /**
   * SMART Backend Services towards an external FHIR server (ADR 0050): client credentials, the
   * gateway authenticated by a JWT signed with its keyring's signing key ({@code private_key_jwt};
   * the platform registers the key set the gateway publishes at {@code /oauth2/jwks}).
   *
   * @param tokenUrl the platform's token endpoint; empty: no token is sent (embedded server: the
   *     gateway's own internal token is always sent)
   * @param clientId the gateway's client id at the platform
   * @param scope the scopes asked for, space-separated (e.g. {@code system/*.rs system/*.cu})
   */
  public record Auth(
      @DefaultValue("") String tokenUrl,
      @DefaultValue("") String clientId,
      @DefaultValue("system/*.*") String scope) {

    public boolean smart() {
      return tokenUrl != null && !tokenUrl.isBlank();
    }
  }

  /**
   * @param maxBodySize largest request body accepted from a facility system
   */
  public record Api(@NotNull @DefaultValue("1MB") DataSize maxBodySize) {}

  /**
   * Attachments (records, reports, photos) that records such as a remote consultation carry in
   * base64 (FHIR sets no limit for Binary and leaves it to implementations). The body limit applies
   * to the POSTs of the flows whose format has attachments, and of their paths below; every other
   * request keeps {@code gateway.api.max-body-size}.
   *
   * @param allowedTypes the MIME types accepted; PDF, JPEG and PNG are also checked by their first
   *     bytes
   * @param maxSize the most one attachment may hold, decoded
   * @param maxTotal the most the attachments of one record may hold together, decoded
   * @param maxRequestSize the largest body of a request that carries attachments (base64 adds a
   *     third), refused with 413 before it is read when {@code Content-Length} says so
   */
  public record Attachments(
      @NotEmpty @DefaultValue({"application/pdf", "image/jpeg", "image/png"})
          List<String> allowedTypes,
      @NotNull @DefaultValue("5MB") DataSize maxSize,
      @NotNull @DefaultValue("10MB") DataSize maxTotal,
      @NotNull @DefaultValue("16MB") DataSize maxRequestSize) {

    /** The policy the mapping catalog checks attachments against. */
    public org.yiyang.mappings.AttachmentPolicy policy() {
      return new org.yiyang.mappings.AttachmentPolicy(
          java.util.Set.copyOf(
              allowedTypes.stream().map(t -> t.trim().toLowerCase(java.util.Locale.ROOT)).toList()),
          maxSize.toBytes(),
          maxTotal.toBytes());
    }
  }

  /**
   * @param url JDBC URL of the journal; empty means an H2 file database under {@code
   *     data-dir/journal}. PostgreSQL ({@code jdbc:postgresql://...}) is supported.
   * @param username database user (ignored for the default H2 file)
   * @param password database password
   * @param poolSize connections in the journal's pool
   * @param maxBacklog undelivered messages above which new records are refused with 503
   * @param retryAfter the Retry-After announced when the backlog is full
   */
  public record Journal(
      @DefaultValue("") String url,
      @DefaultValue("") String username,
      @DefaultValue("") String password,
      @Min(2) @DefaultValue("8") int poolSize,
      @Min(1) @DefaultValue("10000") long maxBacklog,
      @NotNull @DefaultValue("30s") Duration retryAfter) {

    public boolean embedded() {
      return url == null || url.isBlank();
    }
  }

  /**
   * @param syncDeadline how long a caller waits for the first delivery before getting 202
   * @param pollInterval how often the journal is polled for due messages
   * @param batchSize due messages claimed per poll
   * @param threads concurrent deliveries
   * @param maxAttempts attempts before a message that keeps failing transiently goes dead
   * @param initialBackoff delay before the second attempt
   * @param maxBackoff the longest delay between attempts
   * @param multiplier growth of the delay per attempt
   * @param jitter fraction of the delay drawn at random (0: none, 1: anywhere from 0 to the delay)
   * @param lease how long a claimed message is reserved for one delivery attempt; longer than the
   *     FHIR client's connect plus read timeout
   * @param drainTimeout how long a graceful shutdown waits for in-flight deliveries
   */
  public record Delivery(
      @NotNull @DefaultValue("3s") Duration syncDeadline,
      @NotNull @DefaultValue("500ms") Duration pollInterval,
      @Min(1) @DefaultValue("32") int batchSize,
      @Min(1) @DefaultValue("4") int threads,
      @Min(1) @DefaultValue("25") int maxAttempts,
      @NotNull @DefaultValue("2s") Duration initialBackoff,
      @NotNull @DefaultValue("10m") Duration maxBackoff,
      @DecimalMin("1.0") @DefaultValue("2.0") double multiplier,
      @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.5") double jitter,
      @NotNull @DefaultValue("2m") Duration lease,
      @NotNull @DefaultValue("30s") Duration drainTimeout) {}
}
