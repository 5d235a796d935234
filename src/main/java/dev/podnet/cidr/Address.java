package dev.podnet.cidr;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.AddressStringParameters.RangeParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.math.BigInteger;

/**
 * One IP address as a number of its family; parsed and printed the way Go's {@code net} package
 * does, because every upstream component modelled here is written in Go.
 */
record Address(IpFamily family, BigInteger value) implements Comparable<Address> {

  /**
   * What Go's {@code netip.ParseAddr} accepts: dotted quads without leading zeros, IPv6 with at
   * most four hex digits a group, embedded IPv4; no zones, no wildcards, no ranges, no inet_aton
   * short forms.
   */
  private static final IPAddressStringParameters STRICT = strictParameters();

  Address {
    if (value.signum() < 0 || value.bitLength() > family.bits()) {
      throw new IllegalArgumentException(value + " is not an " + family + " address value");
    }
  }

  /**
   * Parses like Go's {@code net.ParseIP}: an IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) is
   * an IPv4 address, as {@code To4()} makes it everywhere in host-local and node IPAM.
   */
  static Address parse(String text) {
    IPAddress parsed = parseLiteral(text, "IP address");
    if (parsed instanceof IPv6Address v6 && v6.isIPv4Mapped()) {
      return of(v6.getEmbeddedIPv4Address());
    }
    return of(parsed);
  }

  /** Parses the address part of a CIDR; the family is kept as written (Go's netip semantics). */
  static IPAddress parseLiteral(String text, String kind) {
    if (text == null || text.isEmpty() || containsWhitespace(text)) {
      throw new IllegalArgumentException("invalid " + kind + ": " + text);
    }
    try {
      return new IPAddressString(text, STRICT).toAddress();
    } catch (AddressStringException | RuntimeException e) {
      throw new IllegalArgumentException("invalid " + kind + ": " + text);
    }
  }

  static Address of(IPAddress address) {
    IpFamily family = address.isIPv4() ? IpFamily.IPV4 : IpFamily.IPV6;
    return new Address(family, address.getValue());
  }

  Address plus(BigInteger delta) {
    return new Address(family, value.add(delta));
  }

  Address next() {
    return plus(BigInteger.ONE);
  }

  IPAddress toIpAddress() {
    return family == IpFamily.IPV4 ? new IPv4Address(value.intValue()) : new IPv6Address(value);
  }

  @Override
  public int compareTo(Address other) {
    int byFamily = family.compareTo(other.family);
    return byFamily != 0 ? byFamily : value.compareTo(other.value);
  }

  /** Go's {@code net.IP.String()}: dotted quad, or RFC 5952 compressed lower-case IPv6. */
  @Override
  public String toString() {
    return toIpAddress().toCanonicalString();
  }

  private static boolean containsWhitespace(String text) {
    return text.chars().anyMatch(Character::isWhitespace);
  }

  private static IPAddressStringParameters strictParameters() {
    IPAddressStringParameters.Builder builder =
        new IPAddressStringParameters.Builder()
            .allowEmpty(false)
            .allowAll(false)
            .allowSingleSegment(false)
            .allowPrefix(false)
            .allowMask(false)
            .allowPrefixOnly(false)
            .allowWildcardedSeparator(false)
            .setRangeOptions(RangeParameters.NO_RANGE)
            .allow_inet_aton(false)
            .setEmptyAsLoopback(false);
    builder
        .getIPv4AddressParametersBuilder()
        .allow_inet_aton(false)
        .allowLeadingZeros(false)
        .allowBinary(false)
        .allowWildcardedSeparator(false)
        .setRangeOptions(RangeParameters.NO_RANGE);
    builder
        .getIPv6AddressParametersBuilder()
        .allowZone(false)
        .allowBase85(false)
        .allowBinary(false)
        .allowUnlimitedLeadingZeros(false)
        .allowWildcardedSeparator(false)
        .setRangeOptions(RangeParameters.NO_RANGE)
        .getEmbeddedIPv4AddressParametersBuilder()
        .allowLeadingZeros(false)
        .allow_inet_aton(false)
        .allowBinary(false)
        .allowWildcardedSeparator(false)
        .setRangeOptions(RangeParameters.NO_RANGE);
    return builder.toParams();
  }
}
