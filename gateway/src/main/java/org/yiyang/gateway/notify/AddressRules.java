package org.yiyang.gateway.notify;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Which addresses a webhook may never reach, and how a host written as an IP address is read. A
 * host that looks like an IPv4 address is read as browsers and curl read it (WHATWG URL: {@code
 * 0x7f000001}, {@code 2130706433} and {@code 0177.0.0.1} are all 127.0.0.1), because Java reads
 * some of these forms differently; any form but four plain decimal parts is refused.
 */
final class AddressRules {

  private AddressRules() {}

  /** A host written as an address: the address, or the rule that refuses the form itself. */
  record Literal(InetAddress address, boolean canonical) {}

  /** The host as URLs compare it: lower case, without brackets or one trailing dot. */
  static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".") && h.length() > 1) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  /** RFC 6761: {@code localhost} and every name under it are the local host, whatever DNS says. */
  static boolean localName(String normalizedHost) {
    return normalizedHost.equals("localhost") || normalizedHost.endsWith(".localhost");
  }

  /**
   * Reads a normalized host written as an IP address; empty when it is a DNS name.
   *
   * @throws IllegalArgumentException when it is meant as an address but is none (e.g. {@code
   *     1.2.3.4.5}, {@code 0x1g}, an IPv6 zone id)
   */
  static Optional<Literal> literal(String host) {
    if (host.indexOf(':') >= 0) {
      if (host.indexOf('%') >= 0) {
        throw new IllegalArgumentException("IPv6 zone ids are not accepted");
      }
      try {
        // A string with ':' is an IPv6 literal to InetAddress: parsed, never looked up.
        InetAddress address = InetAddress.getByName(host);
        return Optional.of(new Literal(address, true));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IPv6 address", e);
      }
    }
    String[] parts = host.split("\\.", -1);
    if (!numeric(parts[parts.length - 1])) {
      return Optional.empty();
    }
    return Optional.of(ipv4(parts));
  }

  /** WHATWG's "ends in a number": the last label is decimal digits or 0x and hex digits. */
  private static boolean numeric(String label) {
    if (label.isEmpty()) {
      return false;
    }
    if (label.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return true;
    }
    return (label.startsWith("0x") || label.startsWith("0X"))
        && label.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }

  private static Literal ipv4(String[] parts) {
    if (parts.length > 4) {
      throw new IllegalArgumentException("more than four parts");
    }
    long[] numbers = new long[parts.length];
    boolean canonical = parts.length == 4;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (p.isEmpty()) {
        throw new IllegalArgumentException("empty part");
      }
      int radix = 10;
      String digits = p;
      if (p.startsWith("0x") || p.startsWith("0X")) {
        radix = 16;
        digits = p.substring(2);
        canonical = false;
      } else if (p.length() > 1 && p.startsWith("0")) {
        radix = 8;
        digits = p.substring(1);
        canonical = false;
      }
      numbers[i] = digits.isEmpty() ? 0 : number(digits, radix);
    }
    for (int i = 0; i < numbers.length - 1; i++) {
      if (numbers[i] > 255) {
        throw new IllegalArgumentException("a part above 255");
      }
    }
    if (numbers[numbers.length - 1] >= (1L << (8 * (5 - numbers.length)))) {
      throw new IllegalArgumentException("the last part is too large");
    }
    long value = numbers[numbers.length - 1];
    for (int i = 0; i < numbers.length - 1; i++) {
      value += numbers[i] << (8 * (3 - i));
    }
    byte[] bytes = {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
    try {
      return new Literal(InetAddress.getByAddress(bytes), canonical);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long number(String digits, int radix) {
    if (digits.length() > 12) {
      throw new IllegalArgumentException("a part too long");
    }
    try {
      return Long.parseLong(digits, radix);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number in base " + radix, e);
    }
  }

  /** The rule that refuses this address; empty for an address a webhook may reach. */
  static Optional<UrlRule> refusal(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return ipv4Refusal(b);
    }
    if (address instanceof Inet6Address) {
      return ipv6Refusal(b);
    }
    return Optional.of(UrlRule.RESERVED);
  }

  private static Optional<UrlRule> ipv4Refusal(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    int a2 = b[2] & 0xff;
    int a3 = b[3] & 0xff;
    if (a0 == 169 && a1 == 254 && ((a2 == 169 && a3 == 254) || (a2 == 170 && a3 == 2))) {
      // AWS, Azure, GCP, Huawei and Tencent instance metadata; AWS ECS task metadata.
      return Optional.of(UrlRule.METADATA);
    }
    if (a0 == 100 && a1 == 100 && a2 == 100 && a3 == 200) {
      // Alibaba Cloud instance metadata (inside the shared address space).
      return Optional.of(UrlRule.METADATA);
    }
    if (a0 == 0) {
      return Optional.of(UrlRule.UNSPECIFIED);
    }
    if (a0 == 127) {
      return Optional.of(UrlRule.LOOPBACK);
    }
    if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
      return Optional.of(UrlRule.PRIVATE);
    }
    if (a0 == 169 && a1 == 254) {
      return Optional.of(UrlRule.LINK_LOCAL);
    }
    if (a0 == 100 && (a1 & 0xc0) == 64) {
      return Optional.of(UrlRule.SHARED);
    }
    if (a0 >= 224 && a0 <= 239) {
      return Optional.of(UrlRule.MULTICAST);
    }
    if (a0 >= 240 // future use and the limited broadcast address
        || (a0 == 192 && a1 == 0 && a2 == 0) // IETF protocol assignments
        || (a0 == 192 && a1 == 0 && a2 == 2) // documentation
        || (a0 == 198 && a1 == 51 && a2 == 100)
        || (a0 == 203 && a1 == 0 && a2 == 113)
        || (a0 == 198 && (a1 & 0xfe) == 18) // benchmarking
        || (a0 == 192 && a1 == 88 && a2 == 99)) { // deprecated 6to4 relays
      return Optional.of(UrlRule.RESERVED);
    }
    return Optional.empty();
  }

  private static Optional<UrlRule> ipv6Refusal(byte[] b) {
    if (startsWith(b, 0xfd, 0x00, 0x0e, 0xc2)
        && allZero(b, 4, 14)
        && (b[14] & 0xff) == 0x02
        && (b[15] & 0xff) == 0x54) {
      return Optional.of(UrlRule.METADATA); // fd00:ec2::254, AWS instance metadata over IPv6
    }
    if (allZero(b, 0, 10)) {
      if ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        // ::ffff:a.b.c.d, IPv4-mapped: the IPv4 address is what a socket reaches.
        return ipv4Refusal(Arrays.copyOfRange(b, 12, 16));
      }
      if (allZero(b, 10, 12)) {
        if (allZero(b, 12, 15) && b[15] == 0) {
          return Optional.of(UrlRule.UNSPECIFIED);
        }
        if (allZero(b, 12, 15) && b[15] == 1) {
          return Optional.of(UrlRule.LOOPBACK);
        }
        // ::a.b.c.d, IPv4-compatible (deprecated): refused whatever it embeds.
        return ipv4Refusal(Arrays.copyOfRange(b, 12, 16)).or(() -> Optional.of(UrlRule.RESERVED));
      }
    }
    if (startsWith(b, 0x00, 0x64, 0xff, 0x9b) && allZero(b, 4, 12)) {
      // 64:ff9b::/96, NAT64: the embedded IPv4 address is what it reaches.
      return ipv4Refusal(Arrays.copyOfRange(b, 12, 16));
    }
    if (startsWith(b, 0x00, 0x64, 0xff, 0x9b) && b[4] == 0 && b[5] == 1) {
      return Optional.of(UrlRule.PRIVATE); // 64:ff9b:1::/48, local-use NAT64
    }
    if (startsWith(b, 0x20, 0x02)) {
      // 2002::/16, 6to4: bytes 2-5 are the IPv4 address it reaches.
      return ipv4Refusal(Arrays.copyOfRange(b, 2, 6));
    }
    int b0 = b[0] & 0xff;
    int b1 = b[1] & 0xff;
    if (b0 == 0xff) {
      return Optional.of(UrlRule.MULTICAST);
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
      return Optional.of(UrlRule.LINK_LOCAL);
    }
    if ((b0 & 0xfe) == 0xfc || (b0 == 0xfe && (b1 & 0xc0) == 0xc0)) {
      return Optional.of(UrlRule.PRIVATE); // unique local fc00::/7, deprecated site-local
    }
    if (startsWith(b, 0x20, 0x01, 0x00, 0x00) // Teredo: hides the IPv4 address it reaches
        || startsWith(b, 0x20, 0x01, 0x0d, 0xb8) // documentation
        || (startsWith(b, 0x20, 0x01, 0x00, 0x02) && b[4] == 0 && b[5] == 0) // benchmarking
        || (startsWith(b, 0x01, 0x00) && allZero(b, 2, 8)) // discard-only
        || b0 < 0x20
        || b0 >= 0x40) { // outside global unicast (2000::/3)
      return Optional.of(UrlRule.RESERVED);
    }
    return Optional.empty();
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
