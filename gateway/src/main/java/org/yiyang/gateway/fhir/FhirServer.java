package org.yiyang.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.gclient.IQuery;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.config.GatewayProperties;

/**
 * The regional FHIR server as the gateway sees it: always a base URL reached over HTTP. With no
 * {@code gateway.fhir.base-url} it is the embedded server on this process's own port.
 */
@Component
public class FhirServer {

  /**
   * {@code Cache-Control: no-cache} for every search and read whose caller must see what was
   * written a moment ago (identity checks, read-backs, state changes, the change poller).
   */
  public static final CacheControlDirective NO_CACHE = new CacheControlDirective().setNoCache(true);

  /**
   * {@code no-cache} and {@code no-store}: the server keeps no copy of the search either. On HAPI's
   * JPA server a stored search is a row that holds the query (a citizen ID) for an hour; this one
   * is answered synchronously (ADR 0051). Only for searches without {@code _include}: HAPI 8.6
   * answered a no-store check-up read-back without some of its included Observations.
   */
  public static final CacheControlDirective NO_STORE =
      new CacheControlDirective().setNoCache(true).setNoStore(true);

  private final GatewayProperties properties;
  private final Environment environment;
  private final FhirCredentials credentials;
  private volatile IGenericClient client;
  private volatile String baseUrl;

  public FhirServer(
      GatewayProperties properties, Environment environment, FhirCredentials credentials) {
    this.properties = properties;
    this.environment = environment;
    this.credentials = credentials;
  }

  public boolean embedded() {
    return properties.fhir().embedded();
  }

  /** The base URL, resolved once the web server knows its port. */
  public String baseUrl() {
    String url = baseUrl;
    if (url == null) {
      if (embedded()) {
        String port = environment.getProperty("local.server.port");
        if (port == null) {
          throw new IllegalStateException("The web server has not started yet");
        }
        url = "http://127.0.0.1:" + port + "/fhir";
      } else {
        url = properties.fhir().baseUrl().replaceAll("/+$", "");
      }
      baseUrl = url;
    }
    return url;
  }

  /**
   * A search by identifier ({@code system|value}) that bypasses search caches: identity checks and
   * read-backs must see what was written a moment ago. Callers add includes or elements, then
   * execute; a lookup without includes adds {@code cacheControl(NO_STORE)}.
   */
  public IQuery<Bundle> identifierSearch(String resourceType, String system, String value) {
    return client()
        .search()
        .forResource(resourceType)
        .where(new TokenClientParam("identifier").exactly().systemAndIdentifier(system, value))
        .returnBundle(Bundle.class)
        .cacheControl(NO_CACHE);
  }

  /** A HAPI generic client with the configured timeouts; thread-safe, created once. */
  public IGenericClient client() {
    IGenericClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          // HAPI reads timeouts from the context's own client factory on every request, so the
          // client gets a context of its own: these timeouts are this server's, no one else's.
          FhirContext context = FhirContext.forR4();
          IRestfulClientFactory factory = context.getRestfulClientFactory();
          factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
          factory.setConnectTimeout((int) properties.fhir().connectTimeout().toMillis());
          factory.setSocketTimeout((int) properties.fhir().readTimeout().toMillis());
          factory.setPoolMaxPerRoute(32);
          factory.setPoolMaxTotal(64);
          factory.setHttpClient(
              AuthenticatedHttpClient.build(
                  credentials,
                  properties.fhir().connectTimeout(),
                  properties.fhir().readTimeout(),
                  32,
                  64));
          c = context.newRestfulGenericClient(baseUrl());
          client = c;
        }
      }
    }
    return c;
  }
}
