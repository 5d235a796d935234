package dev.podnet.check;

/** Who hands out pod addresses in a cluster; decides whether an empty node podCIDR is a fault. */
public enum IpamModel {
  NODE_IPAM("built-in node IPAM: kube-controller-manager assigns each node a pod CIDR", true),
  CALICO_IPAM("Calico IPAM: blocks from IPPools, node podCIDRs unused", false),
  CILIUM_CLUSTER_POOL("Cilium cluster-pool: the operator assigns CiliumNode podCIDRs", false),
  CILIUM_MULTI_POOL("Cilium multi-pool: CiliumPodIPPools, node podCIDRs unused", false),
  CILIUM_CLOUD("Cilium ENI/Azure IPAM: addresses from the cloud network", false),
  AWS_VPC_CNI(
      "AWS VPC CNI: pod IPs are ENI addresses from the VPC subnets; empty podCIDRs are normal",
      false),
  AZURE_CNI("Azure CNI: pod IPs from the VNet subnet; empty podCIDRs are normal", false),
  UNKNOWN("not determined from what was collected", false);

  private final String description;
  private final boolean nodeCidrs;

  IpamModel(String description, boolean nodeCidrs) {
    this.description = description;
    this.nodeCidrs = nodeCidrs;
  }

  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  public String description() {
    return description;
  }

  /** True when pods take their addresses from the node's podCIDR. */
  public boolean usesNodeCidrs() {
    return nodeCidrs;
  }
}
