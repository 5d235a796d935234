package dev.podnet.cidr;

import java.math.BigInteger;

/**
 * One {@code ipam.ranges[][]} entry of the host-local IPAM plugin after {@code Range.Canonicalize}
 * (containernetworking/plugins {@code backend/allocator/range.go}): subnet, inclusive {@code
 * [rangeStart, rangeEnd]}, and the gateway that the allocator skips.
 *
 * <p>Defaults: gateway and rangeStart are the network address + 1; rangeEnd is the broadcast
 * address − 1 for IPv4 and the last address for IPv6. So a /24 holds 253 pod IPs, a /30 one, and an
 * IPv6 /64 2^64 − 2.
 */
public final class HostLocalRange {

  /** A /31, /32, /127 or /128: the subnet as written, e.g. {@code 192.0.2.0/31}. */
  public static final String NETWORK_TOO_SMALL = "Network %s too small to allocate from";

  /** The subnet is not a network address: its prefix length, then the network address. */
  public static final String HOST_BITS_SET =
      "Network has host bits set. For a subnet mask of length %d the network address is %s";

  public static final String RANGE_START_NOT_IN_NETWORK = "RangeStart %s not in network %s";

  public static final String RANGE_END_NOT_IN_NETWORK = "RangeEnd %s not in network %s";

  private final Cidr subnet;
  private final Address rangeStart;
  private final Address rangeEnd;
  private final Address gateway;

  private HostLocalRange(Cidr subnet, Address rangeStart, Address rangeEnd, Address gateway) {
    this.subnet = subnet;
    this.rangeStart = rangeStart;
    this.rangeEnd = rangeEnd;
    this.gateway = gateway;
  }

  /** A range with default start, end and gateway. */
  public static HostLocalRange of(String subnet) {
    return of(subnet, null, null, null);
  }

  /**
   * A range as host-local canonicalizes it; a null or empty start, end or gateway takes the
   * default.
   *
   * @throws IllegalArgumentException with host-local's text: {@code Network <subnet> too small to
   *     allocate from}, {@code Network has host bits set. For a subnet mask of length <n> the
   *     network address is <ip>}, {@code RangeStart <ip> not in network <subnet>}, {@code RangeEnd
   *     <ip> not in network <subnet>}; or {@code invalid CIDR address: ...} / {@code invalid IP
   *     address: ...} for text that does not parse. One combination host-local accepts is refused
   *     with podnet's own text: an IPv4 rangeStart on the broadcast address with the default
   *     rangeEnd, which upstream turns into allocations outside the subnet.
   */
  public static HostLocalRange of(
      String subnet, String rangeStart, String rangeEnd, String gateway) {
    Cidr parsed = Cidr.parse(subnet);
    int bits = parsed.family().bits();
    if (parsed.prefixLength() > bits - 2) {
      throw new IllegalArgumentException(
          String.format(NETWORK_TOO_SMALL, parsed.writtenAddress() + "/" + parsed.prefixLength()));
    }
    if (parsed.hasHostBits()) {
      throw new IllegalArgumentException(
          String.format(HOST_BITS_SET, parsed.prefixLength(), parsed.networkAddress()));
    }
    Address firstHost = parsed.network().next();
    Address gatewayAddress = isUnset(gateway) ? firstHost : Address.parse(gateway);
    Address explicitEnd = isUnset(rangeEnd) ? null : Address.parse(rangeEnd);

    Address start = firstHost;
    if (!isUnset(rangeStart)) {
      start = Address.parse(rangeStart);
      // Upstream checks the start against the explicit end, before the end is defaulted.
      if (!within(parsed, start, start, explicitEnd)) {
        throw new IllegalArgumentException(
            String.format(RANGE_START_NOT_IN_NETWORK, start, parsed));
      }
    }
    Address end;
    if (explicitEnd != null) {
      end = explicitEnd;
      if (!within(parsed, end, start, end)) {
        throw new IllegalArgumentException(String.format(RANGE_END_NOT_IN_NETWORK, end, parsed));
      }
    } else {
      end =
          parsed.family() == IpFamily.IPV4
              ? parsed.lastAddress().plus(BigInteger.ONE.negate())
              : parsed.lastAddress();
    }
    if (start.compareTo(end) > 0) {
      throw new IllegalArgumentException(
          String.format(
              "RangeStart %s is after RangeEnd %s in network %s: host-local accepts this but then"
                  + " allocates outside the network",
              start, end, parsed));
    }
    return new HostLocalRange(parsed, start, end, gatewayAddress);
  }

  public Cidr subnet() {
    return subnet;
  }

  public String rangeStart() {
    return rangeStart.toString();
  }

  public String rangeEnd() {
    return rangeEnd.toString();
  }

  public String gateway() {
    return gateway.toString();
  }

  /** Pod IPs this range can hand out: {@code [rangeStart, rangeEnd]} without the gateway. */
  public BigInteger usableAddressCount() {
    BigInteger count = rangeEnd.value().subtract(rangeStart.value()).add(BigInteger.ONE);
    return containsAddress(gateway) ? count.subtract(BigInteger.ONE) : count;
  }

  /**
   * {@code Range.Contains}: same family, inside the subnet, inside {@code [rangeStart, rangeEnd]}.
   * The gateway counts as contained.
   */
  public boolean contains(String ip) {
    return containsAddress(Address.parse(ip));
  }

  boolean containsAddress(Address address) {
    return within(subnet, address, rangeStart, rangeEnd);
  }

  /** {@code Range.Overlaps}: same family and the two inclusive ranges share an address. */
  boolean overlaps(HostLocalRange other) {
    return subnet.family() == other.subnet.family()
        && (containsAddress(other.rangeStart)
            || containsAddress(other.rangeEnd)
            || other.containsAddress(rangeStart)
            || other.containsAddress(rangeEnd));
  }

  Address start() {
    return rangeStart;
  }

  Address end() {
    return rangeEnd;
  }

  Address gatewayAddress() {
    return gateway;
  }

  /** {@code Range.String()}: {@code <rangeStart>-<rangeEnd>}. */
  @Override
  public String toString() {
    return rangeStart + "-" + rangeEnd;
  }

  private static boolean within(Cidr subnet, Address address, Address low, Address high) {
    return subnet.contains(address)
        && (low == null || address.compareTo(low) >= 0)
        && (high == null || address.compareTo(high) <= 0);
  }

  private static boolean isUnset(String value) {
    return value == null || value.isEmpty();
  }
}
