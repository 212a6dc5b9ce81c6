package org.yiyang.gateway.notify;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.impl.InMemoryDnsResolver;

/**
 * Issue 18's SSRF corpus: URLs a webhook must never reach, each with the rule that refuses it. The
 * same corpus is refused at registration ({@code WebhookUrlPolicyTest}, {@code
 * ReferralNotificationsIT}) and at delivery ({@code WebhookDeliveryTest}). Every URL carries a
 * query secret that no refusal may repeat.
 */
final class SsrfCorpus {

  /** A name that resolves to 127.0.0.1 (the tests' DNS). */
  static final String LOOPBACK_NAME = "loopback.facility.test";

  /** A name that resolves to a public address (the tests' DNS). */
  static final String PUBLIC_NAME = "hooks.facility.test";

  static final String PUBLIC_ADDRESS = "93.184.216.34";

  /** Carried by every corpus URL; must never show in a refusal. */
  static final String URL_SECRET = "tok3n-in-the-url";

  record Case(String host, UrlRule rule) {
    /** The URL on {@code port}, or the scheme's default port when {@code port} is 0. */
    String url(String scheme, int port) {
      return scheme + "://" + host + (port == 0 ? "" : ":" + port) + "/hook?token=" + URL_SECRET;
    }

    @Override
    public String toString() {
      return host + " -> " + rule.code();
    }
  }

  /** The corpus of issue 18 (a redirect to loopback is a delivery case of its own). */
  static final List<Case> ISSUE =
      List.of(
          new Case("127.0.0.1", UrlRule.LOOPBACK),
          new Case("[::1]", UrlRule.LOOPBACK),
          new Case("0x7f000001", UrlRule.LOOPBACK),
          new Case("2130706433", UrlRule.LOOPBACK),
          new Case("0177.0.0.1", UrlRule.LOOPBACK),
          new Case("10.0.0.1", UrlRule.PRIVATE),
          new Case("192.168.1.1", UrlRule.PRIVATE),
          new Case("172.16.0.1", UrlRule.PRIVATE),
          new Case("169.254.169.254", UrlRule.METADATA),
          new Case("[::ffff:127.0.0.1]", UrlRule.LOOPBACK),
          new Case("0.0.0.0", UrlRule.UNSPECIFIED),
          new Case("localhost", UrlRule.LOCAL_NAME),
          new Case(LOOPBACK_NAME, UrlRule.LOOPBACK));

  /** More of the same families: other forms, IPv6, metadata and the rest of the ranges. */
  static final List<Case> MORE =
      List.of(
          new Case("127.0.0.2", UrlRule.LOOPBACK),
          new Case("0x7f.0.0.1", UrlRule.HOST),
          new Case("017700000001", UrlRule.LOOPBACK),
          new Case("127.000.000.001", UrlRule.LOOPBACK),
          new Case("0x5db8d822", UrlRule.IP_LITERAL_FORM),
          new Case("1.2.3.4.5", UrlRule.HOST),
          new Case("0xffffffff1", UrlRule.IP_LITERAL_FORM),
          new Case("[::]", UrlRule.UNSPECIFIED),
          new Case("[::127.0.0.1]", UrlRule.LOOPBACK),
          new Case("[::ffff:a9fe:a9fe]", UrlRule.METADATA),
          new Case("[::ffff:10.0.0.1]", UrlRule.PRIVATE),
          new Case("[64:ff9b::7f00:1]", UrlRule.LOOPBACK),
          new Case("[2002:7f00:1::1]", UrlRule.LOOPBACK),
          new Case("[fd00:ec2::254]", UrlRule.METADATA),
          new Case("[fc00::1]", UrlRule.PRIVATE),
          new Case("[fd12:3456::1]", UrlRule.PRIVATE),
          new Case("[fe80::1]", UrlRule.LINK_LOCAL),
          new Case("[ff02::1]", UrlRule.MULTICAST),
          new Case("[2001:db8::1]", UrlRule.RESERVED),
          new Case("169.254.170.2", UrlRule.METADATA),
          new Case("100.100.100.200", UrlRule.METADATA),
          new Case("169.254.1.1", UrlRule.LINK_LOCAL),
          new Case("100.64.0.1", UrlRule.SHARED),
          new Case("172.31.255.255", UrlRule.PRIVATE),
          new Case("224.0.0.1", UrlRule.MULTICAST),
          new Case("255.255.255.255", UrlRule.RESERVED),
          new Case("198.18.0.1", UrlRule.RESERVED),
          new Case("localhost.", UrlRule.LOCAL_NAME),
          new Case("LOCALHOST", UrlRule.LOCAL_NAME),
          new Case("hooks.localhost", UrlRule.LOCAL_NAME),
          new Case("private.facility.test", UrlRule.PRIVATE),
          new Case("mixed.facility.test", UrlRule.LOOPBACK),
          new Case("nowhere.facility.test", UrlRule.UNRESOLVABLE));

  /** The tests' DNS: the corpus names, and nothing else. */
  static InMemoryDnsResolver dns() {
    InMemoryDnsResolver dns = new InMemoryDnsResolver();
    dns.add(LOOPBACK_NAME, address("127.0.0.1"));
    dns.add(PUBLIC_NAME, address(PUBLIC_ADDRESS));
    dns.add("private.facility.test", address("10.1.2.3"));
    // A name with a public and a loopback address: a client falls back to the second one.
    dns.add("mixed.facility.test", address(PUBLIC_ADDRESS), address("127.0.0.1"));
    return dns;
  }

  /** The corpus names from {@link #dns()}, any other name from the system's resolver. */
  static DnsResolver dnsThenSystem() {
    InMemoryDnsResolver corpus = dns();
    return new DnsResolver() {
      @Override
      public InetAddress[] resolve(String host) throws UnknownHostException {
        try {
          return corpus.resolve(host);
        } catch (UnknownHostException e) {
          return SystemDefaultDnsResolver.INSTANCE.resolve(host);
        }
      }

      @Override
      public String resolveCanonicalHostname(String host) {
        return host;
      }
    };
  }

  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private SsrfCorpus() {}
}
