package org.yiyang.gateway.notify;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The HTTP client of webhook calls (Apache HttpClient 5): its DNS resolver is {@link
 * WebhookUrlPolicy#resolveChecked}, so the connection goes to an address that was checked when it
 * was resolved; redirects are never followed (a 3xx is the answer), nothing is retried by the
 * client (the delivery worker retries), no proxy, cookie or credential is used, and the answer's
 * body is never read.
 */
@Component
public class WebhookHttp implements DisposableBean {

  private final CloseableHttpClient client;

  public WebhookHttp(WebhookUrlPolicy policy, NotifyProperties properties) {
    Timeout timeout = Timeout.of(properties.webhookTimeout());
    DnsResolver checked =
        new DnsResolver() {
          @Override
          public InetAddress[] resolve(String host) throws UnknownHostException {
            return policy.resolveChecked(host, -1);
          }

          @Override
          public List<InetSocketAddress> resolve(String host, int port)
              throws UnknownHostException {
            List<InetSocketAddress> out = new ArrayList<>();
            for (InetAddress address : policy.resolveChecked(host, port)) {
              out.add(new InetSocketAddress(address, port));
            }
            return out;
          }

          @Override
          public String resolveCanonicalHostname(String host) {
            // Only used for SPNEGO/Kerberos, which webhook calls never do; never looked up.
            return host;
          }
        };
    this.client =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setDnsResolver(checked)
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(timeout)
                            .setSocketTimeout(timeout)
                            .build())
                    .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(timeout).build())
                    .setMaxConnTotal(32)
                    .setMaxConnPerRoute(4)
                    .build())
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setRedirectsEnabled(false)
                    .setResponseTimeout(timeout)
                    .setConnectionRequestTimeout(timeout)
                    .build())
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .setUserAgent("yiyang-gateway-webhooks")
            .build();
  }

  /**
   * POSTs {@code body} as JSON and returns the answer's status. The answer's body is not read: the
   * connection is dropped instead, so a receiver cannot hold a delivery thread with an endless one.
   *
   * @throws WebhookUrlPolicy.UnsafeAddressException when the host resolves to a refused address
   * @throws IOException when the webhook cannot be reached or does not answer in time
   */
  public int post(URI uri, Map<String, String> headers, byte[] body) throws IOException {
    HttpPost post = new HttpPost(uri);
    headers.forEach(post::setHeader);
    post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON.withCharset("UTF-8")));
    ClassicHttpResponse response = client.executeOpen(null, post, null);
    int status = response.getCode();
    post.cancel();
    try {
      response.close();
    } catch (IOException ignored) {
      // The connection was dropped on purpose; closing it again may complain.
    }
    return status;
  }

  @Override
  public void destroy() throws IOException {
    client.close();
  }
}
