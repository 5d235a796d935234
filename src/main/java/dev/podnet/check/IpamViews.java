package dev.podnet.check;

import dev.podnet.model.ClusterModel;
import dev.podnet.model.IpamData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The tables {@code podnet ipam} shows beside its findings. */
public final class IpamViews {
  private IpamViews() {}

  /** Usable, used and free pod addresses per node, fullest first. */
  public static final class NodesView implements View {
    @Override
    public Table build(ClusterModel model) {
      List<List<String>> rows = new ArrayList<>();
      if (ClusterNetwork.of(model).usesNodeCidrs()) {
        IpamCapacity.nodes(model).stream()
            .sorted(IpamCapacity.fullestFirst())
            .forEach(
                c ->
                    rows.add(
                        List.of(
                            c.node().name(),
                            String.join(",", c.node().effectivePodCidrs()),
                            Long.toString(c.usable()),
                            Integer.toString(c.used()),
                            Long.toString(c.free()),
                            c.percent() + "%",
                            c.maxPods() < 0 ? "-" : Integer.toString(c.maxPods()))));
      }
      return new Table(
          "node-ips",
          "Pod IPs per node",
          List.of("NODE", "POD CIDR", "USABLE", "USED", "FREE", "USE%", "MAXPODS"),
          rows);
    }
  }

  /** Node CIDRs per cluster CIDR, and how long they last. */
  public static final class PoolsView implements View {
    @Override
    public Table build(ClusterModel model) {
      ClusterNetwork network = ClusterNetwork.of(model);
      Optional<Double> rate = IpamCapacity.nodesPerDay(model);
      List<List<String>> rows = new ArrayList<>();
      if (network.usesNodeCidrs()) {
        for (IpamCapacity.PoolCapacity pool : IpamCapacity.pools(model, network)) {
          String days =
              pool.free() == 0
                  ? "0"
                  : rate.map(r -> String.format(Locale.ROOT, "%.0f", pool.free() / r)).orElse("-");
          rows.add(
              List.of(
                  pool.clusterCidr().text(),
                  "/" + pool.nodeMask(),
                  Long.toString(pool.total()),
                  Long.toString(pool.assigned()),
                  Long.toString(pool.free()),
                  Integer.toString(pool.free() == 0 ? pool.waiting().size() : 0),
                  days));
        }
      }
      for (IpamData.CalicoPool pool : model.ipam().calicoPools()) {
        long blocks =
            model.ipam().calicoBlocks().stream()
                .filter(
                    b ->
                        ClusterNetwork.cidrs(pool.cidr()).stream()
                            .anyMatch(
                                c -> ClusterNetwork.cidrs(b.cidr()).stream().allMatch(c::contains)))
                .count();
        String total;
        try {
          total =
              new dev.podnet.cidr.CalicoPool(
                      dev.podnet.cidr.Cidr.parse(pool.cidr()),
                      pool.blockSize() > 0
                          ? pool.blockSize()
                          : dev.podnet.cidr.CalicoPool.DEFAULT_IPV4_BLOCK_SIZE)
                  .blockCount()
                  .toString();
        } catch (IllegalArgumentException e) {
          total = "-";
        }
        rows.add(
            List.of(
                pool.cidr() + " (Calico " + pool.name() + ")",
                "/" + (pool.blockSize() > 0 ? pool.blockSize() : 26) + " blocks",
                total,
                Long.toString(blocks),
                total.equals("-") ? "-" : Long.toString(Long.parseLong(total) - blocks),
                "0",
                "-"));
      }
      return new Table(
          "pools",
          "Pools",
          List.of("POOL", "UNIT", "TOTAL", "ASSIGNED", "FREE", "NODES WAITING", "DAYS LEFT"),
          rows);
    }
  }

  /** Calico blocks per node: size, allocated, affinity. */
  public static final class CalicoBlocksView implements View {
    @Override
    public Table build(ClusterModel model) {
      List<List<String>> rows = new ArrayList<>();
      for (IpamData.CalicoBlock block : model.ipam().calicoBlocks()) {
        rows.add(
            List.of(
                block.cidr(),
                block.affinity() == null ? "-" : block.affinity(),
                Integer.toString(block.allocations().size()),
                Integer.toString(block.allocated()),
                Integer.toString(block.allocations().size() - block.allocated())));
      }
      return new Table(
          "calico-blocks",
          "Calico blocks",
          List.of("BLOCK", "NODE", "SIZE", "ALLOCATED", "FREE"),
          rows);
    }
  }
}
