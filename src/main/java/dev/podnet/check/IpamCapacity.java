package dev.podnet.check;

import dev.podnet.cidr.Cidr;
import dev.podnet.cidr.HostLocalRange;
import dev.podnet.cidr.NodeCidrPool;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.NodeInfo;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Address capacity computed from the model by the allocators' real rules: usable pod IPs per node
 * (host-local excludes network, gateway and broadcast), node CIDRs per cluster CIDR, and the growth
 * rate seen in node registration times.
 */
final class IpamCapacity {
  private IpamCapacity() {}

  /** One node's pod addresses. */
  record NodeCapacity(NodeInfo node, long usable, int used, int maxPods) {
    long free() {
      return Math.max(0, usable - used);
    }

    int percent() {
      return usable == 0 ? 100 : (int) Math.min(100, Math.round(100.0 * used / usable));
    }
  }

  /** One cluster CIDR's node CIDRs. */
  record PoolCapacity(
      Cidr clusterCidr, int nodeMask, long total, long assigned, List<String> waiting) {
    long free() {
      return Math.max(0, total - assigned);
    }
  }

  /** Usable host-local addresses per node, for nodes whose pods take addresses from their CIDR. */
  static List<NodeCapacity> nodes(ClusterModel model) {
    List<NodeCapacity> result = new ArrayList<>();
    for (NodeInfo node : model.nodes().values()) {
      long usable = 0;
      for (Cidr cidr : CidrChecks.nodeCidrs(node)) {
        if (cidr.family() == dev.podnet.cidr.IpFamily.IPV4) {
          usable += usable(cidr);
        }
      }
      if (usable == 0) {
        for (Cidr cidr : CidrChecks.nodeCidrs(node)) {
          usable += usable(cidr);
        }
      }
      if (CidrChecks.nodeCidrs(node).isEmpty()) {
        continue;
      }
      result.add(
          new NodeCapacity(
              node, usable, model.podCounts(node.name()).podNetwork(), node.allocatablePods()));
    }
    return result;
  }

  /** host-local's usable addresses in a node CIDR with its default range and gateway. */
  static long usable(Cidr cidr) {
    BigInteger count = HostLocalRange.of(cidr.text()).usableAddressCount();
    return count.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
  }

  /**
   * Node CIDRs per cluster CIDR, with the nodes inside each and the nodes still waiting for one.
   */
  static List<PoolCapacity> pools(ClusterModel model, ClusterNetwork network) {
    List<PoolCapacity> result = new ArrayList<>();
    if (network.nodeMasks().size() != network.clusterCidrs().size()) {
      return result;
    }
    List<String> waiting =
        model.nodes().values().stream().filter(NodeInfo::hasNoPodCidr).map(NodeInfo::name).toList();
    for (int i = 0; i < network.clusterCidrs().size(); i++) {
      Cidr cluster = network.clusterCidrs().get(i);
      int mask = network.nodeMasks().get(i);
      long total;
      try {
        total = new NodeCidrPool(cluster, mask).maxNodeCidrs();
      } catch (IllegalArgumentException e) {
        continue;
      }
      long assigned =
          model.nodes().values().stream()
              .filter(n -> CidrChecks.nodeCidrs(n).stream().anyMatch(cluster::contains))
              .count();
      result.add(new PoolCapacity(cluster, mask, total, assigned, waiting));
    }
    return result;
  }

  /**
   * Nodes registered per day, from the spread of registration times, or empty with fewer than two
   * nodes or all registered at once.
   */
  static Optional<Double> nodesPerDay(ClusterModel model) {
    List<Instant> created =
        model.nodes().values().stream()
            .map(NodeInfo::created)
            .filter(c -> c != null)
            .sorted()
            .toList();
    if (created.size() < 2) {
      return Optional.empty();
    }
    Duration span = Duration.between(created.get(0), created.get(created.size() - 1));
    double days = span.toSeconds() / 86400.0;
    if (days < 1.0 / 24) {
      return Optional.empty();
    }
    return Optional.of((created.size() - 1) / days);
  }

  static Comparator<NodeCapacity> fullestFirst() {
    return Comparator.comparingInt(NodeCapacity::percent)
        .reversed()
        .thenComparing(c -> c.node().name());
  }
}
