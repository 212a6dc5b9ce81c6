package org.yiyang.gateway.fhir;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.apache.http.HttpRequestInterceptor;
import org.apache.http.HttpResponse;
import org.apache.http.client.ServiceUnavailableRetryStrategy;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.protocol.HttpContext;

/**
 * The HTTP client under HAPI's FHIR client: every request carries the current bearer token (set at
 * each execution, so a retry carries a fresh one), and a {@code 401} is retried once after the
 * token is renewed. Timeouts and pool sizes as configured; no other retry here (the delivery worker
 * retries with backoff).
 */
final class AuthenticatedHttpClient {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(AuthenticatedHttpClient.class);

  private AuthenticatedHttpClient() {}

  static CloseableHttpClient build(
      FhirCredentials credentials,
      Duration connectTimeout,
      Duration readTimeout,
      int maxPerRoute,
      int maxTotal) {
    HttpRequestInterceptor bearer =
        (request, context) -> {
          Optional<String> token;
          try {
            token = credentials.bearerToken();
          } catch (RuntimeException e) {
            // The token endpoint is away or refused us: the FHIR server is unreachable for now.
            String why =
                e instanceof org.springframework.security.oauth2.core.OAuth2AuthorizationException o
                    ? o.getError().getErrorCode()
                    : e.getClass().getSimpleName();
            log.warn("No access token for the FHIR server: {}", why);
            throw new IOException("No access token for the FHIR server (" + why + ")", e);
          }
          request.removeHeaders("Authorization");
          token.ifPresent(t -> request.setHeader("Authorization", "Bearer " + t));
        };
    ServiceUnavailableRetryStrategy renewOnce =
        new ServiceUnavailableRetryStrategy() {
          @Override
          public boolean retryRequest(HttpResponse response, int executionCount, HttpContext c) {
            if (response.getStatusLine().getStatusCode() == 401 && executionCount == 1) {
              credentials.refresh();
              return true;
            }
            return false;
          }

          @Override
          public long getRetryInterval() {
            return 0;
          }
        };
    return HttpClientBuilder.create()
        .useSystemProperties()
        .disableRedirectHandling()
        .setMaxConnPerRoute(maxPerRoute)
        .setMaxConnTotal(maxTotal)
        .setDefaultRequestConfig(
            RequestConfig.custom()
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setConnectionRequestTimeout((int) connectTimeout.toMillis())
                .setSocketTimeout((int) readTimeout.toMillis())
                .build())
        .addInterceptorLast(bearer)
        .setServiceUnavailableRetryStrategy(renewOnce)
        .build();
  }
}
