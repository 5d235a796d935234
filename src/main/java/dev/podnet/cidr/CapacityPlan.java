package dev.podnet.cidr;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The answer of {@code podnet plan}: how many nodes and pods a node-IPAM layout holds, how much is
 * left, when it runs out, and the nearest node-mask or cluster-mask change that reaches the target
 * node count, within kube-controller-manager's limits.
 *
 * <p>Pods per node are {@code min(maxPods, usable addresses of a node CIDR)}, counted the
 * host-local way (network, IPv4 broadcast and gateway excluded), which is what bridge-based CNIs
 * (flannel, kubenet, bridge) and Calico with host-local IPAM give each node.
 *
 * @param families one entry per cluster CIDR, in flag order
 * @param nodesThatFit node CIDRs free in every family, service ranges excluded
 * @param podsPerNode {@code min(maxPods, usable per node)} over the families
 * @param podsThatFit {@code podsPerNode × nodesThatFit}
 * @param nodeHeadroom {@code nodesThatFit − nodeCount}; negative when nodes already lack a CIDR
 * @param podHeadroom {@code podsPerNode × nodeHeadroom}
 * @param monthsUntilExhausted headroom divided by growth; empty when not growing
 */
public record CapacityPlan(
    List<Family> families,
    long nodesThatFit,
    long podsPerNode,
    long podsThatFit,
    long nodeHeadroom,
    long podHeadroom,
    OptionalDouble monthsUntilExhausted) {

  public CapacityPlan {
    families = List.copyOf(families);
  }

  /**
   * Plans a layout.
   *
   * @throws IllegalArgumentException with kube-controller-manager's error text when the layout
   *     itself is refused ({@link NodeCidrPool#CLUSTER_MASK_TOO_LONG}, {@link
   *     NodeCidrPool#NODE_CIDR_TOO_BIG})
   */
  public static CapacityPlan of(PlanInput input) {
    List<Family> families = new ArrayList<>();
    for (int i = 0; i < input.clusterCidrs().size(); i++) {
      families.add(family(input, input.clusterCidrs().get(i), input.nodeCidrMaskSizes().get(i)));
    }
    long nodesThatFit = families.stream().mapToLong(Family::nodesThatFit).min().orElseThrow();
    BigInteger usable =
        families.stream()
            .map(Family::usableAddressesPerNode)
            .reduce(BigInteger.valueOf(input.maxPods()), BigInteger::min);
    long podsPerNode = usable.longValueExact();
    long nodeHeadroom = nodesThatFit - input.nodeCount();
    OptionalDouble months =
        input.nodeGrowthPerMonth() > 0
            ? OptionalDouble.of(Math.max(0, nodeHeadroom) / input.nodeGrowthPerMonth())
            : OptionalDouble.empty();
    return new CapacityPlan(
        families,
        nodesThatFit,
        podsPerNode,
        podsPerNode * nodesThatFit,
        nodeHeadroom,
        podsPerNode * nodeHeadroom,
        months);
  }

  /**
   * Pod IPs host-local gives one node CIDR of this mask: {@code 2^(32−m) − 3} for IPv4, {@code
   * 2^(128−m) − 2} for IPv6, none for a /31, /32, /127 or /128.
   */
  public static BigInteger hostLocalUsableAddresses(IpFamily family, int nodeMaskSize) {
    if (nodeMaskSize > family.bits() - 2) {
      return BigInteger.ZERO;
    }
    BigInteger size = BigInteger.ONE.shiftLeft(family.bits() - nodeMaskSize);
    return size.subtract(BigInteger.valueOf(family == IpFamily.IPV4 ? 3 : 2));
  }

  /**
   * Capacity of one cluster CIDR.
   *
   * @param nodeCidrs node CIDRs in the cluster CIDR
   * @param nodeCidrsTakenByServices those a service range overlaps
   * @param nodesThatFit the rest
   * @param usableAddressesPerNode host-local pod IPs of one node CIDR
   * @param advice what to change to reach the target
   */
  public record Family(
      Cidr clusterCidr,
      int nodeCidrMaskSize,
      long nodeCidrs,
      long nodeCidrsTakenByServices,
      long nodesThatFit,
      BigInteger usableAddressesPerNode,
      MaskAdvice advice) {}

  /**
   * The nearest layout that gives {@code targetNodeCount} nodes a CIDR with room for {@code
   * maxPods} pods each.
   *
   * @param meetsTarget the current layout already does; both changes are then empty
   * @param nodeMaskChange keeping the cluster CIDR: the node mask closest to today's that works
   * @param clusterMaskChange keeping the node mask (or the longest one that holds maxPods): the
   *     longest wider cluster prefix that works; widening may take in a service range. Empty when
   *     today's prefix is enough once the node mask holds maxPods
   * @param blockers why a change is impossible: kube-controller-manager's own error text where it
   *     would refuse the layout ({@link NodeCidrPool#NODE_CIDR_TOO_BIG}, {@link
   *     NodeCidrPool#CLUSTER_MASK_TOO_LONG}), otherwise a sentence of podnet's
   */
  public record MaskAdvice(
      boolean meetsTarget,
      Optional<Layout> nodeMaskChange,
      Optional<Layout> clusterMaskChange,
      List<String> blockers) {

    public MaskAdvice {
      blockers = List.copyOf(blockers);
    }
  }

  /** A node-IPAM layout of one family and what it holds. */
  public record Layout(
      Cidr clusterCidr,
      int nodeCidrMaskSize,
      long nodesThatFit,
      BigInteger usableAddressesPerNode) {}

  private static Family family(PlanInput input, Cidr cluster, int nodeMask) {
    NodeCidrPool pool = pool(cluster, nodeMask, input.serviceCidrs());
    return new Family(
        pool.clusterCidr(),
        nodeMask,
        pool.maxNodeCidrs(),
        pool.allocatedCount(),
        pool.freeCount(),
        hostLocalUsableAddresses(cluster.family(), nodeMask),
        advice(input, pool.clusterCidr(), nodeMask));
  }

  /** A RangeAllocator pool with the service ranges occupied, as at controller start-up. */
  private static NodeCidrPool pool(Cidr cluster, int nodeMask, List<Cidr> services) {
    NodeCidrPool pool = new NodeCidrPool(cluster, nodeMask);
    services.stream().filter(cluster::overlaps).forEach(pool::occupy);
    return pool;
  }

  private static MaskAdvice advice(PlanInput input, Cidr cluster, int nodeMask) {
    IpFamily family = cluster.family();
    BigInteger pods = BigInteger.valueOf(input.maxPods());
    if (fits(input, cluster, nodeMask) && holds(family, nodeMask, pods)) {
      return new MaskAdvice(true, Optional.empty(), Optional.empty(), List.of());
    }
    List<String> blockers = new ArrayList<>();
    OptionalInt longestForPods = longestMaskHolding(family, pods);
    if (longestForPods.isEmpty()) {
      blockers.add(String.format("no node CIDR of %s holds %s pods", family, pods));
      return new MaskAdvice(false, Optional.empty(), Optional.empty(), blockers);
    }
    Optional<Layout> byNodeMask =
        nodeMaskChange(input, cluster, nodeMask, longestForPods.getAsInt(), blockers);
    int keptMask = holds(family, nodeMask, pods) ? nodeMask : longestForPods.getAsInt();
    Optional<Layout> byClusterMask = clusterMaskChange(input, cluster, keptMask, blockers);
    return new MaskAdvice(false, byNodeMask, byClusterMask, blockers);
  }

  /** The node mask nearest today's that fits the target and holds maxPods; ties go shorter. */
  private static Optional<Layout> nodeMaskChange(
      PlanInput input, Cidr cluster, int nodeMask, int longestForPods, List<String> blockers) {
    IpFamily family = cluster.family();
    int best = -1;
    for (int candidate = cluster.prefixLength(); candidate <= longestForPods; candidate++) {
      if (fits(input, cluster, candidate)
          && (best < 0 || Math.abs(candidate - nodeMask) < Math.abs(best - nodeMask))) {
        best = candidate;
      }
    }
    if (best >= 0) {
      return Optional.of(layout(input, cluster, best));
    }
    OptionalInt shortestForNodes = shortestMaskFitting(input, cluster);
    if (longestForPods < cluster.prefixLength()) {
      addOnce(blockers, NodeCidrPool.CLUSTER_MASK_TOO_LONG);
    } else if (shortestForNodes.isEmpty()) {
      addOnce(
          blockers,
          String.format(
              "%s cannot hold %d node CIDRs at any node mask", cluster, input.targetNodeCount()));
    } else if (!withinIpv6Limit(cluster.prefixLength(), shortestForNodes.getAsInt(), family)) {
      addOnce(blockers, NodeCidrPool.NODE_CIDR_TOO_BIG);
    } else {
      addOnce(
          blockers,
          String.format(
              "no node mask of %s gives both %d nodes and %d pods per node",
              cluster, input.targetNodeCount(), input.maxPods()));
    }
    return Optional.empty();
  }

  /**
   * The longest prefix wider than today's that fits the target with {@code nodeMask}; empty when
   * today's prefix already does (the node-mask change covers it) or none does.
   */
  private static Optional<Layout> clusterMaskChange(
      PlanInput input, Cidr cluster, int nodeMask, List<String> blockers) {
    for (int prefix = Math.min(cluster.prefixLength(), nodeMask); prefix >= 0; prefix--) {
      if (!withinIpv6Limit(prefix, nodeMask, cluster.family())) {
        addOnce(blockers, NodeCidrPool.NODE_CIDR_TOO_BIG);
        return Optional.empty();
      }
      Cidr wider = cluster.withPrefixLength(prefix);
      if (fits(input, wider, nodeMask)) {
        return prefix < cluster.prefixLength()
            ? Optional.of(layout(input, wider, nodeMask))
            : Optional.empty();
      }
    }
    addOnce(
        blockers,
        String.format(
            "no prefix wider than %s holds %d /%d node CIDRs",
            cluster, input.targetNodeCount(), nodeMask));
    return Optional.empty();
  }

  private static void addOnce(List<String> blockers, String blocker) {
    if (!blockers.contains(blocker)) {
      blockers.add(blocker);
    }
  }

  private static Layout layout(PlanInput input, Cidr cluster, int nodeMask) {
    NodeCidrPool pool = pool(cluster, nodeMask, input.serviceCidrs());
    return new Layout(
        pool.clusterCidr(),
        nodeMask,
        pool.freeCount(),
        hostLocalUsableAddresses(cluster.family(), nodeMask));
  }

  private static boolean fits(PlanInput input, Cidr cluster, int nodeMask) {
    if (!withinIpv6Limit(cluster.prefixLength(), nodeMask, cluster.family())) {
      return false;
    }
    return pool(cluster, nodeMask, input.serviceCidrs()).freeCount() >= input.targetNodeCount();
  }

  private static boolean holds(IpFamily family, int nodeMask, BigInteger pods) {
    return hostLocalUsableAddresses(family, nodeMask).compareTo(pods) >= 0;
  }

  private static boolean withinIpv6Limit(int clusterPrefix, int nodeMask, IpFamily family) {
    return family == IpFamily.IPV4
        || nodeMask - clusterPrefix <= NodeCidrPool.MAX_IPV6_MASK_DIFFERENCE;
  }

  private static OptionalInt longestMaskHolding(IpFamily family, BigInteger pods) {
    for (int mask = family.bits(); mask >= 0; mask--) {
      if (holds(family, mask, pods)) {
        return OptionalInt.of(mask);
      }
    }
    return OptionalInt.empty();
  }

  /**
   * The shortest node mask giving enough node CIDRs if upstream had no IPv6 limit; services are
   * ignored, so this only tells whether the limit is what stands in the way.
   */
  private static OptionalInt shortestMaskFitting(PlanInput input, Cidr cluster) {
    for (int mask = cluster.prefixLength(); mask <= cluster.family().bits(); mask++) {
      int difference = mask - cluster.prefixLength();
      if (difference >= 63 || (1L << difference) >= input.targetNodeCount()) {
        return OptionalInt.of(mask);
      }
    }
    return OptionalInt.empty();
  }
}
