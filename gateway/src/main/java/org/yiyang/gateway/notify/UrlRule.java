package org.yiyang.gateway.notify;

/**
 * The rules a webhook URL is refused by (ADR 0054), each named in the refusal as {@code rule
 * '<code>'}; the refusal never repeats the URL.
 */
public enum UrlRule {
  SCHEME("scheme", "it must use https (plain http only where gateway.notify.allow-http is set)"),
  USERINFO("userinfo", "it must not carry user info (credentials go in the secret)"),
  HOST("host", "it must name a host: a DNS name or an IP address written in canonical form"),
  LOCAL_NAME("local-name", "it must not name the local host (localhost, *.localhost)"),
  IP_LITERAL_FORM(
      "ip-literal-form",
      "its host is an IPv4 address in a non-canonical form (hexadecimal, octal or fewer than four"
          + " parts); write four decimal parts"),
  LOOPBACK("loopback", "it must not reach a loopback address"),
  PRIVATE("private", "it must not reach a private address (RFC 1918, fc00::/7)"),
  LINK_LOCAL("link-local", "it must not reach a link-local address (169.254.0.0/16, fe80::/10)"),
  METADATA("metadata", "it must not reach a cloud metadata service"),
  UNSPECIFIED("unspecified", "it must not reach the unspecified address (0.0.0.0/8, ::)"),
  MULTICAST("multicast", "it must not reach a multicast address"),
  SHARED("shared-address", "it must not reach a carrier-grade NAT address (100.64.0.0/10)"),
  RESERVED(
      "reserved",
      "it must not reach a reserved address (documentation, benchmarking, broadcast, deprecated"
          + " IPv6 forms)"),
  UNRESOLVABLE("unresolvable", "its host does not resolve to any address");

  private final String code;
  private final String explanation;

  UrlRule(String code, String explanation) {
    this.code = code;
    this.explanation = explanation;
  }

  /** The rule's name as refusals and logs show it. */
  public String code() {
    return code;
  }

  /** The refusal's text for the {@code url} field, without the URL. */
  public String message() {
    return "url is refused by rule '" + code + "': " + explanation + ".";
  }
}
