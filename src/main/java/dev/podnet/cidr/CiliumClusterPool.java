package dev.podnet.cidr;

import java.util.List;

/**
 * Cilium's cluster-pool IPAM as capacity: the operator cuts per-node pod CIDRs of {@code maskSize}
 * out of the pool CIDRs (its {@code cidrset} is derived from kube-controller-manager's, IPv6
 * difference limit included) and the agent allocates from a node's CIDR without its first and last
 * address.
 *
 * @param podCidrs {@code clusterPoolIPv4PodCIDRList} or {@code clusterPoolIPv6PodCIDRList}, one
 *     family
 * @param maskSize {@code clusterPoolIPv4MaskSize} or {@code clusterPoolIPv6MaskSize}
 */
public record CiliumClusterPool(List<Cidr> podCidrs, int maskSize) {

  /** {@code ErrSubNetMaskSizeInvalid} of Cilium's cidrset. */
  public static final String MASK_SIZE_INVALID =
      "SubNetMask is invalid, should be lower or equal to 32 for IPv4 and to 128 for IPv6";

  /** Cilium's ipallocator keeps a bitmap of at most this many addresses per IPv6 node CIDR. */
  static final long IPV6_RANGE_LIMIT = 1L << 16;

  /**
   * @throws IllegalArgumentException {@link #MASK_SIZE_INVALID}, {@link
   *     NodeCidrPool#NODE_CIDR_TOO_BIG} for an IPv6 mask more than 16 bits longer than a pool CIDR,
   *     or podnet's text for an empty or mixed-family list
   */
  public CiliumClusterPool {
    podCidrs = List.copyOf(podCidrs);
    if (podCidrs.isEmpty()) {
      throw new IllegalArgumentException("a cluster pool needs at least one pod CIDR");
    }
    IpFamily family = podCidrs.get(0).family();
    if (podCidrs.stream().anyMatch(c -> c.family() != family)) {
      throw new IllegalArgumentException(
          "cluster-pool CIDR lists hold one family each, got " + podCidrs);
    }
    if (maskSize < 0 || maskSize > family.bits()) {
      throw new IllegalArgumentException(MASK_SIZE_INVALID);
    }
    for (Cidr cidr : podCidrs) {
      if (family == IpFamily.IPV6
          && maskSize - cidr.prefixLength() > NodeCidrPool.MAX_IPV6_MASK_DIFFERENCE) {
        throw new IllegalArgumentException(NodeCidrPool.NODE_CIDR_TOO_BIG);
      }
    }
  }

  /** Helm defaults: {@code ipam.operator.clusterPoolIPv4PodCIDRList: ["10.0.0.0/8"]}, mask 24. */
  public static CiliumClusterPool ipv4Defaults() {
    return new CiliumClusterPool(List.of(Cidr.parse("10.0.0.0/8")), 24);
  }

  /** Helm defaults: {@code clusterPoolIPv6PodCIDRList: ["fd00::/104"]}, mask 120. */
  public static CiliumClusterPool ipv6Defaults() {
    return new CiliumClusterPool(List.of(Cidr.parse("fd00::/104")), 120);
  }

  /**
   * Node CIDRs the pool yields: {@code 2^(mask - prefix)} summed over the pool CIDRs. A pool CIDR
   * longer than the mask yields none (upstream's shift gives 0 and the allocator is full at once).
   */
  public long nodeCidrCount() {
    return podCidrs.stream()
        .mapToLong(c -> maskSize < c.prefixLength() ? 0 : 1L << (maskSize - c.prefixLength()))
        .sum();
  }

  /**
   * Addresses the agent can allocate from one node CIDR, {@code RangeSize - 2}: the network and
   * last address are skipped, and IPv6 ranges are capped at 2^16 first. 254 for a /24 ({@code
   * cilium status} shows {@code IPv4: n/254 allocated}).
   */
  public long allocatableAddressesPerNode() {
    int hostBits = podCidrs.get(0).family().bits() - maskSize;
    IpFamily family = podCidrs.get(0).family();
    if (family == IpFamily.IPV4 && hostBits >= 31 || family == IpFamily.IPV6 && hostBits >= 127) {
      return 0;
    }
    long rangeSize = family == IpFamily.IPV6 && hostBits >= 16 ? IPV6_RANGE_LIMIT : 1L << hostBits;
    return Math.max(0, rangeSize - 2);
  }

  /**
   * Addresses left for pods on one node: the router ({@code cilium_host}) address and, with
   * endpoint health checking on (the default), the health endpoint take one each.
   */
  public long podAddressesPerNode(boolean healthEndpoint) {
    return Math.max(0, allocatableAddressesPerNode() - 1 - (healthEndpoint ? 1 : 0));
  }
}
