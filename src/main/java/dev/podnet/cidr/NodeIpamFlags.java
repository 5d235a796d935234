package dev.podnet.cidr;

import java.util.ArrayList;
import java.util.List;

/**
 * kube-controller-manager's node-IPAM flags as written, and the two functions of {@code
 * cmd/kube-controller-manager/app/core.go} that turn them into values: {@code validateCIDRs} for
 * {@code --cluster-cidr} and {@code setNodeCIDRMaskSizes} for the three mask flags.
 *
 * <p>A mask flag of 0 means "not set", exactly as in the component config.
 *
 * @param clusterCidr {@code --cluster-cidr}, comma separated
 * @param nodeCidrMaskSize {@code --node-cidr-mask-size}, 0 if unset
 * @param nodeCidrMaskSizeIpv4 {@code --node-cidr-mask-size-ipv4}, 0 if unset
 * @param nodeCidrMaskSizeIpv6 {@code --node-cidr-mask-size-ipv6}, 0 if unset
 */
public record NodeIpamFlags(
    String clusterCidr, int nodeCidrMaskSize, int nodeCidrMaskSizeIpv4, int nodeCidrMaskSizeIpv6) {

  /** {@code defaultNodeMaskCIDRIPv4}. */
  public static final int DEFAULT_NODE_CIDR_MASK_SIZE_IPV4 = 24;

  /** {@code defaultNodeMaskCIDRIPv6}. */
  public static final int DEFAULT_NODE_CIDR_MASK_SIZE_IPV6 = 64;

  public static final String DUAL_STACK_WITH_SINGLE_MASK =
      "usage of --node-cidr-mask-size is not allowed with dual-stack clusters";

  public static final String FAMILY_MASKS_WITH_SINGLE_MASK =
      "usage of --node-cidr-mask-size-ipv4 and --node-cidr-mask-size-ipv6 is not allowed if"
          + " --node-cidr-mask-size is set. For dual-stack clusters please unset it and use"
          + " IPFamily specific flags";

  public static final String IPV4_MASK_ON_IPV6_CLUSTER =
      "usage of --node-cidr-mask-size-ipv4 is not allowed for a single-stack IPv6 cluster";

  public static final String IPV6_MASK_ON_IPV4_CLUSTER =
      "usage of --node-cidr-mask-size-ipv6 is not allowed for a single-stack IPv4 cluster";

  /** Flags with only {@code --cluster-cidr} set. */
  public static NodeIpamFlags of(String clusterCidr) {
    return new NodeIpamFlags(clusterCidr, 0, 0, 0);
  }

  /**
   * {@code validateCIDRs}: the cluster CIDRs in flag order; one, or two of different families. The
   * list is trimmed as a whole, not per entry, as upstream does.
   *
   * @throws IllegalArgumentException with upstream's text: {@code failed to parse cidr value:"<v>"
   *     with error:invalid CIDR address: <v>}, {@code len of ClusterCIDRs==<n> and they are not
   *     configured as dual stack (at least one from each IPFamily}, {@code length of clusterCIDRs
   *     is:<n> more than max allowed of 2}
   */
  public List<Cidr> clusterCidrs() {
    String list = clusterCidr == null ? "" : clusterCidr.strip();
    List<Cidr> cidrs = new ArrayList<>();
    for (String value : list.split(",", -1)) {
      try {
        cidrs.add(Cidr.parse(value));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "failed to parse cidr value:\"" + value + "\" with error:" + e.getMessage(), e);
      }
    }
    boolean dualStack =
        cidrs.stream().anyMatch(c -> c.family() == IpFamily.IPV4)
            && cidrs.stream().anyMatch(c -> c.family() == IpFamily.IPV6);
    if (cidrs.size() > 1 && !dualStack) {
      throw new IllegalArgumentException(
          "len of ClusterCIDRs=="
              + cidrs.size()
              + " and they are not configured as dual stack (at least one from each IPFamily");
    }
    if (cidrs.size() > 2) {
      throw new IllegalArgumentException(
          "length of clusterCIDRs is:" + cidrs.size() + " more than max allowed of 2");
    }
    return List.copyOf(cidrs);
  }

  /**
   * {@code setNodeCIDRMaskSizes}: one node mask per cluster CIDR, in the cluster CIDRs' order.
   *
   * @throws IllegalArgumentException with upstream's text for a forbidden flag combination, or from
   *     {@link #clusterCidrs()}
   */
  public List<Integer> nodeCidrMaskSizes() {
    return nodeCidrMaskSizes(clusterCidrs());
  }

  /** {@code setNodeCIDRMaskSizes} for cluster CIDRs that are already parsed. */
  public List<Integer> nodeCidrMaskSizes(List<Cidr> clusterCidrs) {
    int ipv4Mask = DEFAULT_NODE_CIDR_MASK_SIZE_IPV4;
    int ipv6Mask = DEFAULT_NODE_CIDR_MASK_SIZE_IPV6;
    if (clusterCidrs.size() > 1) {
      if (nodeCidrMaskSize != 0) {
        throw new IllegalArgumentException(DUAL_STACK_WITH_SINGLE_MASK);
      }
      if (nodeCidrMaskSizeIpv4 != 0) {
        ipv4Mask = nodeCidrMaskSizeIpv4;
      }
      if (nodeCidrMaskSizeIpv6 != 0) {
        ipv6Mask = nodeCidrMaskSizeIpv6;
      }
      return inClusterOrder(clusterCidrs, ipv4Mask, ipv6Mask);
    }
    boolean singleStackIpv6 = clusterCidrs.get(0).family() == IpFamily.IPV6;
    if (nodeCidrMaskSize != 0) {
      if (nodeCidrMaskSizeIpv4 != 0 || nodeCidrMaskSizeIpv6 != 0) {
        throw new IllegalArgumentException(FAMILY_MASKS_WITH_SINGLE_MASK);
      }
      return inClusterOrder(clusterCidrs, nodeCidrMaskSize, nodeCidrMaskSize);
    }
    if (nodeCidrMaskSizeIpv4 != 0) {
      if (singleStackIpv6) {
        throw new IllegalArgumentException(IPV4_MASK_ON_IPV6_CLUSTER);
      }
      ipv4Mask = nodeCidrMaskSizeIpv4;
    }
    if (nodeCidrMaskSizeIpv6 != 0) {
      if (!singleStackIpv6) {
        throw new IllegalArgumentException(IPV6_MASK_ON_IPV4_CLUSTER);
      }
      ipv6Mask = nodeCidrMaskSizeIpv6;
    }
    return inClusterOrder(clusterCidrs, ipv4Mask, ipv6Mask);
  }

  private static List<Integer> inClusterOrder(List<Cidr> clusterCidrs, int ipv4, int ipv6) {
    return clusterCidrs.stream().map(c -> c.family() == IpFamily.IPV6 ? ipv6 : ipv4).toList();
  }
}
