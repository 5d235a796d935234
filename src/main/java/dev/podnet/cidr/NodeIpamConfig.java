package dev.podnet.cidr;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The inputs of {@code NewNodeIpamController}, and what it does with them at start-up: which
 * configurations it refuses (with which error), and the node-CIDR pools it then allocates from,
 * service ranges already occupied.
 *
 * @param clusterCidrs parsed {@code --cluster-cidr}; empty when it did not parse
 * @param serviceCidr {@code --service-cluster-ip-range}, first entry, if set and parseable
 * @param secondaryServiceCidr its second entry, if any
 * @param nodeCidrMaskSizes one per cluster CIDR, see {@link NodeIpamFlags#nodeCidrMaskSizes()}
 * @param allocatorType {@code --cidr-allocator-type}
 */
public record NodeIpamConfig(
    List<Cidr> clusterCidrs,
    Optional<Cidr> serviceCidr,
    Optional<Cidr> secondaryServiceCidr,
    List<Integer> nodeCidrMaskSizes,
    CidrAllocatorType allocatorType) {

  public static final String CLUSTER_CIDR_MISSING =
      "Controller: Must specify --cluster-cidr if --allocate-node-cidrs is set";

  /** kube-controller-manager has no cloud provider since KEP-2395, so it refuses this type. */
  public static final String CLOUD_ALLOCATOR_WITHOUT_CLOUD =
      "--cidr-allocator-type is set to 'CloudAllocator' but cloud provider is not configured";

  public static final String SERVICE_CIDRS_NOT_DUAL_STACK =
      "serviceCIDR and secondaryServiceCIDR are not dualstack (from different IPfamiles)";

  public NodeIpamConfig {
    clusterCidrs = List.copyOf(clusterCidrs);
    nodeCidrMaskSizes = List.copyOf(nodeCidrMaskSizes);
    if (nodeCidrMaskSizes.size() < clusterCidrs.size()) {
      throw new IllegalArgumentException(
          "one node CIDR mask size is needed per cluster CIDR: "
              + clusterCidrs
              + " vs "
              + nodeCidrMaskSizes);
    }
  }

  /**
   * What kube-controller-manager's {@code newNodeIpamController} builds from its flags before
   * calling {@code NewNodeIpamController}: the allocator type check, {@code validateCIDRs}, the
   * service ranges (an unparseable one is only logged and then ignored) and {@code
   * setNodeCIDRMaskSizes}.
   *
   * @param serviceClusterIpRange {@code --service-cluster-ip-range}, up to two comma separated
   *     entries; null or blank when unset
   * @throws IllegalArgumentException with upstream's text for the first check that fails
   */
  public static NodeIpamConfig fromFlags(
      NodeIpamFlags flags, String serviceClusterIpRange, CidrAllocatorType allocatorType) {
    // Option validation runs when the process starts, before any controller.
    String[] services =
        serviceClusterIpRange == null ? new String[0] : serviceClusterIpRange.split(",", -1);
    if (services.length > 2) {
      throw new IllegalArgumentException(
          "--service-cluster-ip-range can not contain more than two entries");
    }
    if (allocatorType == CidrAllocatorType.CLOUD_ALLOCATOR) {
      throw new IllegalArgumentException(CLOUD_ALLOCATOR_WITHOUT_CLOUD);
    }
    List<Cidr> clusterCidrs = flags.clusterCidrs();
    Optional<Cidr> service = services.length > 0 ? parseLeniently(services[0]) : Optional.empty();
    Optional<Cidr> secondary = services.length > 1 ? parseLeniently(services[1]) : Optional.empty();
    if (service.isPresent()
        && secondary.isPresent()
        && service.get().family() == secondary.get().family()) {
      throw new IllegalArgumentException(SERVICE_CIDRS_NOT_DUAL_STACK);
    }
    return new NodeIpamConfig(
        clusterCidrs, service, secondary, flags.nodeCidrMaskSizes(clusterCidrs), allocatorType);
  }

  /**
   * The error {@code NewNodeIpamController} returns, if any. kube-controller-manager logs it as
   * {@code "Error starting controller" err="<error>" controller="node-ipam-controller"} and no node
   * gets a pod CIDR.
   *
   * <p>CloudAllocator skips the cluster-CIDR checks (the cloud assigns ranges). The legacy
   * IPAMFromCluster/IPAMFromCloud controllers use only the first cluster CIDR and fail when the
   * service range leaves nothing to allocate; a GCE cloud provider is assumed present for them.
   */
  public Optional<String> startupError() {
    try {
      newPools();
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * The pools the controller allocates node CIDRs from, one per cluster CIDR (the legacy
   * allocators: the first only), with the service ranges occupied as the controller does at
   * start-up. Empty for CloudAllocator.
   *
   * @throws IllegalArgumentException with the upstream error, see {@link #startupError()}
   */
  public List<NodeCidrPool> newPools() {
    if (allocatorType != CidrAllocatorType.CLOUD_ALLOCATOR) {
      if (clusterCidrs.isEmpty()) {
        throw new IllegalArgumentException(CLUSTER_CIDR_MISSING);
      }
      for (int i = 0; i < clusterCidrs.size(); i++) {
        if (clusterCidrs.get(i).prefixLength() > nodeCidrMaskSizes.get(i)) {
          throw new IllegalArgumentException(NodeCidrPool.CLUSTER_MASK_TOO_LONG);
        }
      }
    }
    return switch (allocatorType) {
      case CLOUD_ALLOCATOR -> List.of();
      case IPAM_FROM_CLUSTER, IPAM_FROM_CLOUD -> List.of(legacyPool());
      case RANGE_ALLOCATOR -> rangeAllocatorPools();
    };
  }

  private static Optional<Cidr> parseLeniently(String value) {
    if (value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Cidr.parse(value));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * {@code NewCIDRRangeAllocator} and {@code filterOutServiceRange}: occupy errors are only logged.
   */
  private List<NodeCidrPool> rangeAllocatorPools() {
    List<NodeCidrPool> pools = new ArrayList<>();
    for (int i = 0; i < clusterCidrs.size(); i++) {
      pools.add(new NodeCidrPool(clusterCidrs.get(i), nodeCidrMaskSizes.get(i)));
    }
    for (Optional<Cidr> service : List.of(serviceCidr, secondaryServiceCidr)) {
      service.ifPresent(
          range ->
              pools.stream()
                  .filter(pool -> pool.clusterCidr().overlaps(range))
                  .forEach(pool -> pool.occupy(range)));
    }
    return List.copyOf(pools);
  }

  /** {@code createLegacyIPAM} and {@code ipam.NewController}: errors are wrapped. */
  private NodeCidrPool legacyPool() {
    Cidr cluster = clusterCidrs.get(0);
    NodeCidrPool pool;
    try {
      pool = new NodeCidrPool(cluster, nodeCidrMaskSizes.get(0));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("error creating ipam controller: " + e.getMessage(), e);
    }
    // occupyServiceCIDR tests containment of the other's address, not overlap of prefixes.
    serviceCidr
        .filter(
            service -> cluster.contains(service.network()) || service.contains(cluster.network()))
        .ifPresent(pool::occupy);
    if (pool.freeCount() == 0) {
      throw new IllegalArgumentException(
          "error creating ipam controller: failed after occupy serviceCIDR: "
              + NodeCidrPool.NO_REMAINING_CIDRS);
    }
    return pool;
  }
}
