package dev.podnet.cidr;

import java.util.List;

/**
 * What {@code podnet plan} is asked: a node-IPAM layout, the kubelet's pod limit, today's node
 * count and its growth, and the node count the layout should reach.
 *
 * @param clusterCidrs {@code --cluster-cidr}: one CIDR, or two of different families
 * @param nodeCidrMaskSizes one per cluster CIDR, see {@link NodeIpamFlags#nodeCidrMaskSizes()}
 * @param serviceCidrs service ranges; node CIDRs overlapping them are never allocated
 * @param maxPods kubelet {@code maxPods} (default 110)
 * @param nodeCount nodes today
 * @param nodeGrowthPerMonth nodes added per month; 0 when not growing
 * @param targetNodeCount node count the mask advice should make room for
 */
public record PlanInput(
    List<Cidr> clusterCidrs,
    List<Integer> nodeCidrMaskSizes,
    List<Cidr> serviceCidrs,
    int maxPods,
    long nodeCount,
    double nodeGrowthPerMonth,
    long targetNodeCount) {

  /** kubelet's default {@code maxPods}. */
  public static final int DEFAULT_MAX_PODS = 110;

  /**
   * @throws IllegalArgumentException with kube-controller-manager's {@code validateCIDRs} text for
   *     a cluster CIDR list it refuses, or podnet's text for impossible numbers
   */
  public PlanInput {
    clusterCidrs = List.copyOf(clusterCidrs);
    nodeCidrMaskSizes = List.copyOf(nodeCidrMaskSizes);
    serviceCidrs = List.copyOf(serviceCidrs);
    if (clusterCidrs.isEmpty()) {
      throw new IllegalArgumentException(NodeIpamConfig.CLUSTER_CIDR_MISSING);
    }
    boolean dualStack =
        clusterCidrs.stream().map(Cidr::family).distinct().count() == IpFamily.values().length;
    if (clusterCidrs.size() > 1 && !dualStack) {
      throw new IllegalArgumentException(
          "len of ClusterCIDRs=="
              + clusterCidrs.size()
              + " and they are not configured as dual stack (at least one from each IPFamily");
    }
    if (clusterCidrs.size() > 2) {
      throw new IllegalArgumentException(
          "length of clusterCIDRs is:" + clusterCidrs.size() + " more than max allowed of 2");
    }
    if (nodeCidrMaskSizes.size() != clusterCidrs.size()) {
      throw new IllegalArgumentException(
          "one node CIDR mask size per cluster CIDR, got "
              + nodeCidrMaskSizes
              + " for "
              + clusterCidrs);
    }
    if (maxPods < 1 || nodeCount < 0 || targetNodeCount < 0 || !(nodeGrowthPerMonth >= 0)) {
      throw new IllegalArgumentException(
          "maxPods must be positive and node counts and growth not negative");
    }
  }

  /** A single-stack or dual-stack plan from kube-controller-manager's flags. */
  public static PlanInput of(
      NodeIpamFlags flags,
      List<Cidr> serviceCidrs,
      int maxPods,
      long nodeCount,
      double nodeGrowthPerMonth,
      long targetNodeCount) {
    List<Cidr> clusterCidrs = flags.clusterCidrs();
    return new PlanInput(
        clusterCidrs,
        flags.nodeCidrMaskSizes(clusterCidrs),
        serviceCidrs,
        maxPods,
        nodeCount,
        nodeGrowthPerMonth,
        targetNodeCount);
  }
}
