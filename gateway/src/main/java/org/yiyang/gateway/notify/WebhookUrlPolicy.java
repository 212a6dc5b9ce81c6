package org.yiyang.gateway.notify;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;

/**
 * Where a webhook may point (ADR 0054): https only (http where {@code gateway.notify.allow-http}
 * says so), no user info, and a host that neither is nor resolves to a loopback, private,
 * link-local, metadata, unspecified, multicast, shared or reserved address, unless {@code
 * gateway.notify.allowed-hosts} names it. Checked at registration, after resolving the name, and
 * again when the HTTP client connects ({@link #resolveChecked}): the address checked is the address
 * connected to, so a name that changes in between gains nothing.
 */
@Component
public class WebhookUrlPolicy {

  static final int MAX_URL_LENGTH = 2048;

  /** A URL refused by a rule: 400 GW-1033 on {@code url}, naming the rule. */
  public static final class RefusedUrlException extends GatewayException {
    private final transient UrlRule rule;

    RefusedUrlException(UrlRule rule) {
      super(
          ErrorCode.UNSAFE_URL,
          java.util.List.of(new Issue(ErrorCode.UNSAFE_URL, "url", rule.message())));
      this.rule = rule;
    }

    public UrlRule rule() {
      return rule;
    }
  }

  /** An address refused when the HTTP client resolves a webhook's host. */
  public static final class UnsafeAddressException extends UnknownHostException {
    private final transient UrlRule rule;

    UnsafeAddressException(UrlRule rule) {
      super("refused by rule '" + rule.code() + "'");
      this.rule = rule;
    }

    public UrlRule rule() {
      return rule;
    }
  }

  private final boolean allowHttp;
  private final Set<String> allowedHosts;
  private final DnsResolver dns;

  @Autowired
  public WebhookUrlPolicy(NotifyProperties properties, ObjectProvider<DnsResolver> dns) {
    this(
        properties.allowHttp(),
        properties.allowedHosts(),
        dns.getIfAvailable(() -> SystemDefaultDnsResolver.INSTANCE));
  }

  WebhookUrlPolicy(boolean allowHttp, Iterable<String> allowedHosts, DnsResolver dns) {
    this.allowHttp = allowHttp;
    this.dns = dns;
    Set<String> allowed = new HashSet<>();
    for (String entry : allowedHosts) {
      allowed.add(allowEntry(entry));
    }
    this.allowedHosts = Set.copyOf(allowed);
  }

  /**
   * Checks a URL given at registration, resolving its host now.
   *
   * @throws GatewayException 400 GW-1033 naming {@code url} and the rule, or GW-1003 when it is no
   *     URL at all; never with the URL in the message
   */
  public URI checkForRegistration(String url) {
    Target target = parse(url);
    if (!target.allowListed()) {
      checkHost(target.host(), true);
    }
    return target.uri();
  }

  /**
   * Checks a URL before it is called: everything {@link #checkForRegistration} checks but the name
   * resolution, which {@link #resolveChecked} does as the connection is made.
   */
  public URI checkForDelivery(String url) {
    Target target = parse(url);
    if (!target.allowListed()) {
      checkHost(target.host(), false);
    }
    return target.uri();
  }

  /**
   * The addresses to connect to for a webhook host, each checked; the HTTP client's DNS resolver.
   * Every address must pass (a client falls back to the next address of a name on failure).
   *
   * @param port the port connected to, or -1 when unknown (only {@code host} entries of the
   *     allow-list then apply)
   * @throws UnsafeAddressException when the host or an address it resolves to is refused
   */
  public InetAddress[] resolveChecked(String host, int port) throws UnknownHostException {
    String h = AddressRules.normalize(host);
    if (allowed(h, port)) {
      try {
        Optional<AddressRules.Literal> literal = AddressRules.literal(h);
        if (literal.isPresent()) {
          return new InetAddress[] {literal.get().address()};
        }
      } catch (IllegalArgumentException e) {
        // Not an address after all: a name, resolved below.
      }
      return dns.resolve(h);
    }
    Optional<InetAddress> literal;
    try {
      literal = checkedLiteral(h);
    } catch (RefusedUrlException e) {
      throw new UnsafeAddressException(e.rule());
    }
    if (literal.isPresent()) {
      return new InetAddress[] {literal.get()};
    }
    if (AddressRules.localName(h)) {
      throw new UnsafeAddressException(UrlRule.LOCAL_NAME);
    }
    InetAddress[] addresses = dns.resolve(h);
    if (addresses == null || addresses.length == 0) {
      throw new UnsafeAddressException(UrlRule.UNRESOLVABLE);
    }
    for (InetAddress address : addresses) {
      Optional<UrlRule> refusal = AddressRules.refusal(address);
      if (refusal.isPresent()) {
        throw new UnsafeAddressException(refusal.get());
      }
    }
    return addresses;
  }

  private record Target(URI uri, String host, int port, boolean allowListed) {}

  private Target parse(String url) {
    if (url == null || url.length() > MAX_URL_LENGTH) {
      throw invalid("url must be an absolute URL of at most " + MAX_URL_LENGTH + " characters.");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw invalid("url must be an absolute URL of at most " + MAX_URL_LENGTH + " characters.");
    }
    if (!uri.isAbsolute() || uri.isOpaque()) {
      throw invalid("url must be an absolute URL of at most " + MAX_URL_LENGTH + " characters.");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
      throw refused(UrlRule.SCHEME);
    }
    String authority = uri.getRawAuthority();
    if (uri.getRawUserInfo() != null || (authority != null && authority.indexOf('@') >= 0)) {
      throw refused(UrlRule.USERINFO);
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      // e.g. 127.1, hosts with '_' or non-ASCII letters: java.net.URI sees no server-based host.
      throw refused(UrlRule.HOST);
    }
    int port = uri.getPort();
    if (port == -1) {
      port = scheme.equals("https") ? 443 : 80;
    } else if (port < 1 || port > 65535) {
      throw invalid("url's port must be 1 to 65535.");
    }
    String host = AddressRules.normalize(uri.getHost());
    return new Target(uri, host, port, allowed(host, port));
  }

  private void checkHost(String host, boolean resolve) {
    if (checkedLiteral(host).isPresent()) {
      return;
    }
    if (AddressRules.localName(host)) {
      throw refused(UrlRule.LOCAL_NAME);
    }
    if (!resolve) {
      return;
    }
    InetAddress[] addresses;
    try {
      addresses = dns.resolve(host);
    } catch (UnknownHostException e) {
      throw refused(UrlRule.UNRESOLVABLE);
    }
    if (addresses == null || addresses.length == 0) {
      throw refused(UrlRule.UNRESOLVABLE);
    }
    for (InetAddress address : addresses) {
      AddressRules.refusal(address)
          .ifPresent(
              rule -> {
                throw refused(rule);
              });
    }
  }

  /** The host's address when it is written as one, checked; empty for a DNS name. */
  private static Optional<InetAddress> checkedLiteral(String host) {
    Optional<AddressRules.Literal> literal;
    try {
      literal = AddressRules.literal(host);
    } catch (IllegalArgumentException e) {
      throw refused(host.indexOf(':') >= 0 ? UrlRule.HOST : UrlRule.IP_LITERAL_FORM);
    }
    if (literal.isEmpty()) {
      return Optional.empty();
    }
    AddressRules.refusal(literal.get().address())
        .ifPresent(
            rule -> {
              throw refused(rule);
            });
    if (!literal.get().canonical()) {
      throw refused(UrlRule.IP_LITERAL_FORM);
    }
    return Optional.of(literal.get().address());
  }

  private boolean allowed(String host, int port) {
    return allowedHosts.contains(host) || (port > 0 && allowedHosts.contains(host + "#" + port));
  }

  /** {@code host}, {@code host:port} or {@code [v6]:port}, as {@link #allowed} compares it. */
  static String allowEntry(String entry) {
    String e = entry.trim().toLowerCase(Locale.ROOT);
    String host = e;
    String port = null;
    if (e.startsWith("[")) {
      int close = e.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("gateway.notify.allowed-hosts: unclosed [ in an entry");
      }
      host = e.substring(0, close + 1);
      if (close + 1 < e.length()) {
        if (e.charAt(close + 1) != ':') {
          throw new IllegalArgumentException("gateway.notify.allowed-hosts: [v6]:port expected");
        }
        port = e.substring(close + 2);
      }
    } else if (e.indexOf(':') >= 0 && e.indexOf(':') == e.lastIndexOf(':')) {
      host = e.substring(0, e.indexOf(':'));
      port = e.substring(e.indexOf(':') + 1);
    }
    String normalized = AddressRules.normalize(host);
    if (port == null) {
      return normalized;
    }
    if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException("gateway.notify.allowed-hosts: a port must be 1 to 65535");
    }
    return normalized + "#" + Integer.parseInt(port);
  }

  static RefusedUrlException refused(UrlRule rule) {
    return new RefusedUrlException(rule);
  }

  private static GatewayException invalid(String message) {
    return GatewayException.of(ErrorCode.INVALID_VALUE, "url", message);
  }
}
