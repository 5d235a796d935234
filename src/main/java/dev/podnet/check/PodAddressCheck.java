package dev.podnet.check;

import dev.podnet.cidr.Cidr;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.IpamData;
import dev.podnet.model.NodeInfo;
import dev.podnet.model.Resource;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Running pods whose IP lies outside their node's pod CIDR (where pods take addresses from it), and
 * two running pods holding one IP.
 */
public final class PodAddressCheck implements Check {
  private static final int SAMPLE = 10;

  @Override
  public String id() {
    return "pod-addresses";
  }

  @Override
  public String description() {
    return "running pods with an IP outside their node's pod CIDR, and IPs held by two running pods";
  }

  @Override
  public Set<Resource> requires() {
    return EnumSet.of(Resource.NODES, Resource.PODS);
  }

  @Override
  public List<Finding> run(ClusterModel model) {
    ClusterNetwork network = ClusterNetwork.of(model);
    List<Finding> findings = new ArrayList<>();
    Map<String, String> firstHolder = new HashMap<>();
    Map<String, List<String>> duplicates = new TreeMap<>();
    Map<String, List<String>> outsideByNode = new TreeMap<>();
    Map<String, List<Cidr>> cidrsByNode = new HashMap<>();
    for (IpamData.PodAddress address : model.ipam().podAddresses()) {
      String previous = firstHolder.putIfAbsent(address.ip(), address.podKey());
      if (previous != null && !previous.equals(address.podKey())) {
        duplicates
            .computeIfAbsent(address.ip(), ip -> new ArrayList<>(List.of(previous)))
            .add(address.podKey());
      }
      if (network.usesNodeCidrs() && address.node() != null) {
        List<Cidr> cidrs =
            cidrsByNode.computeIfAbsent(
                address.node(), n -> model.node(n).map(CidrChecks::nodeCidrs).orElse(List.of()));
        if (!cidrs.isEmpty()
            && cidrs.stream()
                .noneMatch(
                    c -> c.family() == familyOf(address.ip()) ? c.contains(address.ip()) : false)
            && cidrs.stream().anyMatch(c -> c.family() == familyOf(address.ip()))) {
          outsideByNode
              .computeIfAbsent(address.node(), n -> new ArrayList<>())
              .add(address.podKey() + " " + address.ip());
        }
      }
    }
    if (!duplicates.isEmpty()) {
      List<Evidence> evidence = new ArrayList<>();
      duplicates.entrySet().stream()
          .limit(SAMPLE)
          .forEach(
              e ->
                  evidence.add(
                      new Evidence(
                          "pod-status",
                          e.getKey(),
                          "held by " + String.join(" and ", e.getValue()))));
      findings.add(
          CidrChecks.finding(
              id(),
              RootCause.CIDR_CONFLICT,
              Severity.CRITICAL,
              Finding.CLUSTER,
              duplicates.size() + " IP address(es) held by two running pods",
              "Running pods share addresses, so traffic for one reaches the other: overlapping node"
                  + " CIDRs or IPAM state restored from an old backup.",
              List.of(),
              evidence,
              List.of(
                  new NextStep(
                      "List pods by IP", "kubectl get pods -A -o wide --sort-by=.status.podIP"))));
    }
    outsideByNode.forEach(
        (node, pods) -> {
          NodeInfo info = model.nodes().get(node);
          List<Evidence> evidence = new ArrayList<>();
          evidence.add(
              new Evidence(
                  "node-spec",
                  "node " + node,
                  "pod CIDR " + String.join(",", info.effectivePodCidrs())));
          pods.stream()
              .limit(SAMPLE)
              .forEach(
                  p ->
                      evidence.add(
                          new Evidence(
                              "pod-status", "pod " + p.split(" ")[0], "IP " + p.split(" ")[1])));
          findings.add(
              CidrChecks.finding(
                  id(),
                  RootCause.CIDR_CONFLICT,
                  Severity.WARNING,
                  node,
                  CauseText.pods(pods.size()) + " on " + node + " have IPs outside its pod CIDR",
                  "Pods on "
                      + node
                      + " run with addresses outside "
                      + String.join(",", info.effectivePodCidrs())
                      + ": the node's CIDR changed after they started (stale cni0/bridge address, re-registered node), so routes to them point elsewhere.",
                  List.of(node),
                  evidence,
                  List.of(
                      new NextStep(
                          "Recreate the pods so they get addresses from the node's current range",
                          "kubectl get pods -A -o wide --field-selector spec.nodeName=" + node))));
        });
    return findings;
  }

  private static dev.podnet.cidr.IpFamily familyOf(String ip) {
    return ip.contains(":") ? dev.podnet.cidr.IpFamily.IPV6 : dev.podnet.cidr.IpFamily.IPV4;
  }
}
