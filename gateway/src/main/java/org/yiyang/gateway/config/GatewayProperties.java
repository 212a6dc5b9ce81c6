package org.yiyang.gateway.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's own settings ({@code gateway.*}); every URL has an environment variable with a
 * local default in {@code application.yaml}.
 *
 * @param dataDir where all state lives (embedded FHIR database, later the journal)
 * @param fhir the regional FHIR server the gateway writes to
 * @param api limits of the facility-side HTTP API
 */
@Validated
@ConfigurationProperties(prefix = "gateway")
public record GatewayProperties(
    @NotNull @DefaultValue("./data") Path dataDir,
    @Valid @NotNull @DefaultValue Fhir fhir,
    @Valid @NotNull @DefaultValue Api api) {

  /**
   * @param baseUrl an external FHIR server; empty means the embedded HAPI JPA server at /fhir
   * @param connectTimeout TCP connect timeout towards the FHIR server
   * @param readTimeout socket read timeout towards the FHIR server
   */
  public record Fhir(
      @DefaultValue("") String baseUrl,
      @NotNull @DefaultValue("5s") Duration connectTimeout,
      @NotNull @DefaultValue("30s") Duration readTimeout) {

    public boolean embedded() {
      return baseUrl == null || baseUrl.isBlank();
    }
  }

  /**
   * @param maxBodySize largest request body accepted from a facility system
   */
  public record Api(@NotNull @DefaultValue("1MB") DataSize maxBodySize) {}
}
