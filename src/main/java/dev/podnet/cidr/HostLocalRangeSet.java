package dev.podnet.cidr;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One {@code ipam.ranges} entry of host-local: ranges of one family from which exactly one address
 * is allocated per container, validated like {@code RangeSet.Canonicalize}.
 */
public final class HostLocalRangeSet {

  public static final String EMPTY_RANGE_SET = "empty range set";

  public static final String MIXED_ADDRESS_FAMILIES = "mixed address families";

  /** Two ranges of one set share addresses: both as {@code <rangeStart>-<rangeEnd>}. */
  public static final String SUBNETS_OVERLAP = "subnets %s and %s overlap";

  private final List<HostLocalRange> ranges;

  private HostLocalRangeSet(List<HostLocalRange> ranges) {
    this.ranges = ranges;
  }

  /**
   * A validated range set.
   *
   * @throws IllegalArgumentException {@code empty range set}, {@code mixed address families} or
   *     {@code subnets <a> and <b> overlap}, host-local's texts
   */
  public static HostLocalRangeSet of(List<HostLocalRange> ranges) {
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException(EMPTY_RANGE_SET);
    }
    IpFamily family = ranges.get(0).subnet().family();
    if (ranges.stream().anyMatch(r -> r.subnet().family() != family)) {
      throw new IllegalArgumentException(MIXED_ADDRESS_FAMILIES);
    }
    for (int i = 0; i < ranges.size() - 1; i++) {
      for (int j = i + 1; j < ranges.size(); j++) {
        if (ranges.get(i).overlaps(ranges.get(j))) {
          throw new IllegalArgumentException(
              String.format(SUBNETS_OVERLAP, ranges.get(i), ranges.get(j)));
        }
      }
    }
    return new HostLocalRangeSet(List.copyOf(ranges));
  }

  /** A set of ranges with default start, end and gateway, one per subnet. */
  public static HostLocalRangeSet ofSubnets(String... subnets) {
    return of(Arrays.stream(subnets).map(HostLocalRange::of).toList());
  }

  public List<HostLocalRange> ranges() {
    return ranges;
  }

  public IpFamily family() {
    return ranges.get(0).subnet().family();
  }

  /** Pod IPs the whole set can hand out. */
  public BigInteger usableAddressCount() {
    return ranges.stream()
        .map(HostLocalRange::usableAddressCount)
        .reduce(BigInteger.ZERO, BigInteger::add);
  }

  /** {@code RangeSet.Contains}: whether any range contains the IP. */
  public boolean contains(String ip) {
    return rangeFor(Address.parse(ip)) >= 0;
  }

  /** Whether any range of either set shares an address with any range of the other. */
  public boolean overlaps(HostLocalRangeSet other) {
    return ranges.stream().anyMatch(r -> other.ranges.stream().anyMatch(r::overlaps));
  }

  /** Index of the first range containing the address, or -1 ({@code RangeSet.RangeFor}). */
  int rangeFor(Address address) {
    for (int i = 0; i < ranges.size(); i++) {
      if (ranges.get(i).containsAddress(address)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code RangeSet.String()}: the ranges joined with commas. */
  @Override
  public String toString() {
    return ranges.stream().map(HostLocalRange::toString).collect(Collectors.joining(","));
  }
}
