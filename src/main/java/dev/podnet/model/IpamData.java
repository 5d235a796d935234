package dev.podnet.model;

import java.util.List;

/**
 * What IPAM audits read besides nodes: where running pods have their addresses, the Service
 * addresses, and the IPAM objects of Calico, Cilium and the MultiCIDRRangeAllocator.
 *
 * @param podKeys {@code namespace/name} of every pod, to tell live holders of addresses from leaks
 * @param podAddresses one entry per address of a running pod on the pod network
 * @param serviceIps every Service {@code clusterIP}, evidence of the service CIDR
 */
public record IpamData(
    java.util.Set<String> podKeys,
    List<PodAddress> podAddresses,
    List<String> serviceIps,
    List<CalicoPool> calicoPools,
    List<CalicoBlock> calicoBlocks,
    List<CalicoAffinity> calicoAffinities,
    List<CalicoHandle> calicoHandles,
    List<CiliumNodeInfo> ciliumNodes,
    List<ClusterCidrObject> clusterCidrs,
    List<WhereaboutsPool> whereaboutsPools) {

  public static final IpamData EMPTY =
      new IpamData(
          java.util.Set.of(),
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          List.of());

  public IpamData {
    podKeys = java.util.Collections.unmodifiableSet(podKeys);
    podAddresses = List.copyOf(podAddresses);
    serviceIps = List.copyOf(serviceIps);
    calicoPools = List.copyOf(calicoPools);
    calicoBlocks = List.copyOf(calicoBlocks);
    calicoAffinities = List.copyOf(calicoAffinities);
    calicoHandles = List.copyOf(calicoHandles);
    ciliumNodes = List.copyOf(ciliumNodes);
    clusterCidrs = List.copyOf(clusterCidrs);
    whereaboutsPools = List.copyOf(whereaboutsPools);
  }

  /**
   * A Whereabouts IPPool (secondary networks through Multus): its range and who holds addresses.
   *
   * @param podRefs {@code namespace/name} of each allocation's pod, in allocation order
   */
  public record WhereaboutsPool(String name, String range, List<String> podRefs) {
    public WhereaboutsPool {
      podRefs = List.copyOf(podRefs);
    }
  }

  /** An address held by a running pod. */
  public record PodAddress(String podKey, String node, String ip) {}

  /** A Calico IPPool. */
  public record CalicoPool(
      String name, String cidr, int blockSize, boolean disabled, String nodeSelector) {}

  /**
   * A Calico IPAMBlock.
   *
   * @param affinity the node it is affine to ({@code host:<node>} with the prefix removed), or null
   * @param allocations per ordinal, the index into {@code handles}, or null when the address is
   *     free
   * @param handles per attribute index, the handle id holding the address (null for a reservation)
   * @param attributePods per attribute index, {@code namespace/pod} when the attribute names one
   * @param attributeNodes per attribute index, the node the attribute names, or null
   */
  public record CalicoBlock(
      String name,
      String cidr,
      String affinity,
      List<Integer> allocations,
      List<String> handles,
      List<String> attributePods,
      List<String> attributeNodes,
      int unallocated) {
    public CalicoBlock {
      allocations = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(allocations));
      handles = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(handles));
      attributePods =
          java.util.Collections.unmodifiableList(new java.util.ArrayList<>(attributePods));
      attributeNodes =
          java.util.Collections.unmodifiableList(new java.util.ArrayList<>(attributeNodes));
    }

    /** Addresses in use. */
    public int allocated() {
      return (int) allocations.stream().filter(a -> a != null).count();
    }
  }

  /** A Calico BlockAffinity. */
  public record CalicoAffinity(String name, String node, String cidr, String state) {}

  /** A Calico IPAMHandle: who holds addresses, and how many in which block. */
  public record CalicoHandle(String name, String handleId, java.util.Map<String, Integer> blocks) {
    public CalicoHandle {
      blocks = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(blocks));
    }
  }

  /** A CiliumNode's IPAM view. */
  public record CiliumNodeInfo(String name, List<String> podCidrs, String operatorError, int used) {
    public CiliumNodeInfo {
      podCidrs = List.copyOf(podCidrs);
    }
  }

  /** A networking.k8s.io ClusterCIDR object (MultiCIDRRangeAllocator). */
  public record ClusterCidrObject(
      String name, String ipv4, String ipv6, int perNodeHostBits, String nodeSelector) {}
}
