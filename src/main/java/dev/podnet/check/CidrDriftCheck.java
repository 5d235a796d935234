package dev.podnet.check;

import dev.podnet.cidr.Cidr;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.NodeInfo;
import dev.podnet.model.Resource;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pod CIDR drift: nodes whose CIDRs lie outside the current cluster CIDR (assigned from an old one
 * before {@code --cluster-cidr} changed), and layers that state different cluster CIDRs.
 */
public final class CidrDriftCheck implements Check {
  @Override
  public String id() {
    return "cidr-drift";
  }

  @Override
  public String description() {
    return "node CIDRs outside the current cluster CIDR, and layers (controller-manager, kubeadm,"
        + " kube-proxy, CNI pool) that disagree";
  }

  @Override
  public Set<Resource> requires() {
    return EnumSet.of(Resource.NODES);
  }

  @Override
  public Set<Resource> uses() {
    return EnumSet.of(Resource.PODS, Resource.CONFIGMAPS, Resource.CALICO_IPPOOLS);
  }

  @Override
  public List<Finding> run(ClusterModel model) {
    ClusterNetwork network = ClusterNetwork.of(model);
    List<Finding> findings = new ArrayList<>();
    layerDisagreement(network).ifPresent(findings::add);
    if (network.clusterCidrs().isEmpty() || !network.usesNodeCidrs()) {
      return findings;
    }
    List<NodeInfo> outside = new ArrayList<>();
    List<NodeInfo> inside = new ArrayList<>();
    for (NodeInfo node : model.nodes().values()) {
      List<Cidr> cidrs = CidrChecks.nodeCidrs(node);
      if (cidrs.isEmpty()) {
        continue;
      }
      boolean in =
          cidrs.stream()
              .allMatch(
                  c -> network.clusterCidrs().stream().anyMatch(cluster -> cluster.contains(c)));
      (in ? inside : outside).add(node);
    }
    if (outside.isEmpty()) {
      return findings;
    }
    outside.sort(Comparator.comparing(NodeInfo::name));
    List<Evidence> evidence = new ArrayList<>();
    String current = String.join(",", network.clusterCidrs().stream().map(Cidr::text).toList());
    evidence.add(
        new Evidence(
            "decision",
            "cluster",
            "the cluster CIDR is " + current + " (" + network.clusterCidrSource() + ")"));
    Map<String, List<String>> byOldLayer = new LinkedHashMap<>();
    for (NodeInfo node : outside) {
      List<String> cidrs = CidrChecks.nodeCidrs(node).stream().map(Cidr::text).toList();
      String layer =
          network.layers().stream()
              .filter(
                  l ->
                      ClusterNetwork.cidrs(l.value().split(" ")[0]).stream()
                          .anyMatch(c -> CidrChecks.nodeCidrs(node).stream().allMatch(c::contains)))
              .map(l -> l.layer() + " " + l.value())
              .findFirst()
              .orElse("no layer");
      byOldLayer.computeIfAbsent(layer, k -> new ArrayList<>()).add(node.name());
      evidence.add(
          new Evidence(
              "node-spec",
              "node " + node.name(),
              "pod CIDR "
                  + String.join(",", cidrs)
                  + " is outside "
                  + current
                  + (node.created() == null ? "" : "; registered " + node.created())
                  + ("no layer".equals(layer) ? "" : "; inside " + layer)));
    }
    if (!inside.isEmpty()) {
      TreeSet<String> insideNames = new TreeSet<>(inside.stream().map(NodeInfo::name).toList());
      evidence.add(
          new Evidence(
              "distribution",
              "cluster",
              inside.size()
                  + " node(s) inside "
                  + current
                  + ": "
                  + CidrChecks.list(List.copyOf(insideNames), 8)));
    }
    byOldLayer.forEach(
        (layer, nodes) -> {
          if (!"no layer".equals(layer)) {
            evidence.add(
                new Evidence(
                    "decision",
                    "cluster",
                    CidrChecks.list(nodes, 8)
                        + " hold CIDRs from "
                        + layer
                        + ": assigned before --cluster-cidr changed"));
          }
        });
    List<NextStep> steps = new ArrayList<>();
    steps.add(
        new NextStep(
            "List every node's pod CIDR",
            "kubectl get nodes -o custom-columns=NAME:.metadata.name,CIDR:.spec.podCIDR,CREATED:.metadata.creationTimestamp"));
    steps.add(
        new NextStep(
            "Make every layer state the new cluster CIDR (kubeadm-config networking.podSubnet, kube-proxy clusterCIDR, the CNI's pool) before re-registering nodes",
            "kubectl -n kube-system edit configmap kubeadm-config"));
    steps.addAll(CidrChecks.reRegister(outside.get(0).name()));
    List<String> names = outside.stream().map(NodeInfo::name).toList();
    findings.add(
        CidrChecks.finding(
            id(),
            RootCause.CIDR_CONFLICT,
            Severity.CRITICAL,
            Finding.CLUSTER,
            "Pod CIDR drift: "
                + CauseText.nodes(outside.size())
                + " outside the cluster CIDR "
                + current,
            CidrChecks.list(names, 8)
                + " hold pod CIDRs outside "
                + current
                + " while "
                + inside.size()
                + " node(s) are inside it: pods on the two ranges may not reach each other, and"
                + " the CNI and kube-proxy treat one range as external. Re-register the old nodes one"
                + " at a time.",
            names,
            evidence,
            steps));
    return findings;
  }

  /** The layers that state a pod cluster CIDR, when they do not all say the same. */
  private java.util.Optional<Finding> layerDisagreement(ClusterNetwork network) {
    List<ClusterNetwork.Layer> podLayers =
        network.layers().stream()
            .filter(
                l ->
                    l.layer().contains("--cluster-cidr")
                        || l.layer().contains("podSubnet")
                        || l.layer().contains("kube-proxy clusterCIDR")
                        || l.layer().startsWith("flannel net-conf.json")
                        || l.layer().contains("cilium cluster-pool"))
            .toList();
    // Compared per family: a dual-stack flag "v4,v6" agrees with a layer that states only the v4
    // one.
    Set<String> values = new TreeSet<>();
    boolean disagree = false;
    for (dev.podnet.cidr.IpFamily family : dev.podnet.cidr.IpFamily.values()) {
      Set<String> perFamily = new TreeSet<>();
      for (ClusterNetwork.Layer layer : podLayers) {
        ClusterNetwork.cidrs(layer.value()).stream()
            .filter(c -> c.family() == family)
            .forEach(c -> perFamily.add(c.text()));
      }
      values.addAll(perFamily);
      disagree |= perFamily.size() > 1;
    }
    if (!disagree) {
      return java.util.Optional.empty();
    }
    List<Evidence> evidence =
        podLayers.stream()
            .map(
                l ->
                    new Evidence(
                        "configuration",
                        l.source() == null ? l.layer() : l.source(),
                        l.layer() + " = " + l.value()))
            .toList();
    return java.util.Optional.of(
        CidrChecks.finding(
            id(),
            RootCause.CIDR_CONFLICT,
            Severity.WARNING,
            Finding.CLUSTER,
            "The layers disagree on the cluster CIDR",
            "The cluster CIDR is stated as "
                + String.join(" and ", values)
                + " by different layers;"
                + " nodes, the CNI and kube-proxy may each use a different one.",
            List.of(),
            evidence,
            List.of(
                new NextStep(
                    "Read the controller-manager's flags",
                    "kubectl -n kube-system get pods -l component=kube-controller-manager -o yaml | grep -E 'cluster-cidr|node-cidr-mask'"),
                new NextStep(
                    "Read kubeadm's and kube-proxy's view",
                    "kubectl -n kube-system get configmap kubeadm-config kube-proxy -o yaml | grep -iE 'podSubnet|clusterCIDR'"),
                new NextStep(
                    "Bring the stale layers to the current cluster CIDR, then re-register nodes that hold an old range one at a time",
                    null))));
  }
}
