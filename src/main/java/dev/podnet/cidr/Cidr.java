package dev.podnet.cidr;

import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.Objects;

/**
 * A CIDR block as Kubernetes and the CNI plugins read it: parsed like Go's {@code net.ParseCIDR},
 * so {@code 10.244.1.5/24} is accepted and means {@code 10.244.1.0/24}, while the text as written
 * is kept for messages and for checks that care about host bits.
 *
 * <p>Two CIDRs are equal when family, network and prefix length are equal; the text is not part of
 * the value.
 */
public final class Cidr implements Comparable<Cidr> {

  private static final Comparator<Cidr> ORDER =
      Comparator.comparing(Cidr::family)
          .thenComparing(Cidr::first)
          .thenComparingInt(Cidr::prefixLength);

  private final String text;
  private final IpFamily family;
  private final int prefixLength;
  private final BigInteger written;
  private final BigInteger first;
  private final BigInteger last;

  private Cidr(String text, IPAddress written, int prefixLength) {
    this.text = text;
    this.family = written.isIPv4() ? IpFamily.IPV4 : IpFamily.IPV6;
    this.prefixLength = prefixLength;
    this.written = written.getValue();
    IPAddress block = written.toPrefixBlock(prefixLength);
    this.first = block.getValue();
    this.last = block.getUpperValue();
  }

  /**
   * Parses {@code address/prefix} like Go's {@code net.ParseCIDR}: host bits are allowed and masked
   * off; leading zeros in IPv4 octets, zones, whitespace and missing or out-of-range prefixes are
   * not.
   *
   * @throws IllegalArgumentException {@code invalid CIDR address: <text>}, Go's own message
   */
  public static Cidr parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("invalid CIDR address: null");
    }
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw invalid(text);
    }
    IPAddress address;
    try {
      address = Address.parseLiteral(text.substring(0, slash), "CIDR address");
    } catch (IllegalArgumentException e) {
      throw invalid(text);
    }
    IpFamily family = address.isIPv4() ? IpFamily.IPV4 : IpFamily.IPV6;
    int prefix = parsePrefix(text.substring(slash + 1), family);
    if (prefix < 0) {
      throw invalid(text);
    }
    return new Cidr(text, address, prefix);
  }

  /** The block of {@code prefixLength} bits that starts at {@code network}. */
  static Cidr of(Address network, int prefixLength) {
    IPAddress lower = network.toIpAddress().toPrefixBlock(prefixLength).getLower();
    lower = lower.withoutPrefixLength();
    return new Cidr(Address.of(lower) + "/" + prefixLength, lower, prefixLength);
  }

  /** The text this CIDR was parsed from, unchanged. */
  public String text() {
    return text;
  }

  public IpFamily family() {
    return family;
  }

  public int prefixLength() {
    return prefixLength;
  }

  /** The network address, host bits cleared: {@code 10.244.1.0} for {@code 10.244.1.5/24}. */
  public String networkAddress() {
    return new Address(family, first).toString();
  }

  /** Whether the text had host bits set ({@code 10.244.1.5/24}), which Go masks silently. */
  public boolean hasHostBits() {
    return !written.equals(first);
  }

  /** Number of addresses in the block: {@code 2^(bits - prefix)}. */
  public BigInteger size() {
    return BigInteger.ONE.shiftLeft(family.bits() - prefixLength);
  }

  /** Whether every address of {@code other} lies in this block; false across families. */
  public boolean contains(Cidr other) {
    return family == other.family
        && prefixLength <= other.prefixLength
        && first.compareTo(other.first) <= 0
        && last.compareTo(other.last) >= 0;
  }

  /** Whether the two blocks share an address; CIDR blocks overlap only by containment. */
  public boolean overlaps(Cidr other) {
    return contains(other) || other.contains(this);
  }

  /**
   * Whether the IP lies in this block, like Go's {@code IPNet.Contains}: an IPv4-mapped IPv6
   * address counts as IPv4, an address of the other family is never contained.
   *
   * @throws IllegalArgumentException {@code invalid IP address: <ip>}
   */
  public boolean contains(String ip) {
    return contains(Address.parse(ip));
  }

  boolean contains(Address address) {
    return address.family() == family
        && first.compareTo(address.value()) <= 0
        && last.compareTo(address.value()) >= 0;
  }

  /** The address as written, host bits included, as Go prints it. */
  Address writtenAddress() {
    return new Address(family, written);
  }

  Address network() {
    return new Address(family, first);
  }

  Address lastAddress() {
    return new Address(family, last);
  }

  BigInteger first() {
    return first;
  }

  BigInteger last() {
    return last;
  }

  /** The same network with a shorter or longer prefix, host bits of the new prefix cleared. */
  Cidr withPrefixLength(int newPrefixLength) {
    return of(network(), newPrefixLength);
  }

  @Override
  public int compareTo(Cidr other) {
    return ORDER.compare(this, other);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr other
        && family == other.family
        && prefixLength == other.prefixLength
        && first.equals(other.first);
  }

  @Override
  public int hashCode() {
    return Objects.hash(family, prefixLength, first);
  }

  /** Go's {@code IPNet.String()}: the network address and the prefix, {@code 10.244.1.0/24}. */
  @Override
  public String toString() {
    return networkAddress() + "/" + prefixLength;
  }

  /**
   * The prefix the way Go's {@code dtoi} reads it: decimal digits only (leading zeros allowed), at
   * most the family's width; -1 when invalid.
   */
  private static int parsePrefix(String digits, IpFamily family) {
    if (digits.isEmpty() || digits.length() > 6) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value <= family.bits() ? value : -1;
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("invalid CIDR address: " + text);
  }
}
