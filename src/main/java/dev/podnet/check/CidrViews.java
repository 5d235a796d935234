package dev.podnet.check;

import dev.podnet.cidr.Cidr;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.NodeInfo;
import java.util.ArrayList;
import java.util.List;

/** The tables {@code podnet cidr} shows beside its findings. */
public final class CidrViews {
  private CidrViews() {}

  /** The IPAM model and the evidence it was decided from. */
  public static final class IpamModelView implements View {
    @Override
    public Table build(ClusterModel model) {
      ClusterNetwork network = ClusterNetwork.of(model);
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("model", network.model().id() + ": " + network.model().description()));
      for (String evidence : network.modelEvidence()) {
        rows.add(List.of("evidence", evidence));
      }
      rows.add(
          List.of(
              "cluster CIDR",
              network.clusterCidrs().isEmpty()
                  ? "-"
                  : join(network.clusterCidrs()) + " (" + network.clusterCidrSource() + ")"));
      rows.add(
          List.of(
              "node mask",
              network.nodeMasks().isEmpty()
                  ? "-"
                  : String.join(",", network.nodeMasks().stream().map(m -> "/" + m).toList())));
      rows.add(
          List.of(
              "service CIDR",
              network.serviceCidrs().isEmpty()
                  ? "-"
                  : join(network.serviceCidrs()) + " (" + network.serviceCidrSource() + ")"));
      return new Table("ipam-model", "IPAM model", List.of("ITEM", "VALUE"), rows);
    }
  }

  /** The cluster CIDR as every layer states it. */
  public static final class LayersView implements View {
    @Override
    public Table build(ClusterModel model) {
      List<List<String>> rows = new ArrayList<>();
      for (ClusterNetwork.Layer layer : ClusterNetwork.of(model).layers()) {
        rows.add(
            List.of(layer.layer(), layer.source() == null ? "-" : layer.source(), layer.value()));
      }
      return new Table(
          "layers", "Cluster CIDR by layer", List.of("LAYER", "SOURCE", "VALUE"), rows);
    }
  }

  /** Every node's pod CIDRs and whether they lie in the cluster CIDR. */
  public static final class NodesView implements View {
    @Override
    public Table build(ClusterModel model) {
      ClusterNetwork network = ClusterNetwork.of(model);
      List<List<String>> rows = new ArrayList<>();
      for (NodeInfo node : model.nodes().values()) {
        List<Cidr> cidrs = CidrChecks.nodeCidrs(node);
        String in;
        if (node.hasNoPodCidr()) {
          in = network.usesNodeCidrs() ? "MISSING" : "not used";
        } else if (network.clusterCidrs().isEmpty()) {
          in = "-";
        } else if (cidrs.size() < node.effectivePodCidrs().size()) {
          in = "unparseable";
        } else {
          in =
              cidrs.stream()
                      .allMatch(c -> network.clusterCidrs().stream().anyMatch(k -> k.contains(c)))
                  ? "yes"
                  : "NO";
        }
        rows.add(
            List.of(
                node.name(),
                node.hasNoPodCidr() ? "-" : String.join(",", node.effectivePodCidrs()),
                in,
                node.created() == null ? "-" : node.created().toString()));
      }
      return new Table(
          "nodes", "Nodes", List.of("NODE", "POD CIDRS", "IN CLUSTER CIDR", "REGISTERED"), rows);
    }
  }

  static String join(List<Cidr> cidrs) {
    return String.join(",", cidrs.stream().map(Cidr::text).toList());
  }
}
