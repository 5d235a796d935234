package dev.podnet.check;

import dev.podnet.cidr.Cidr;
import dev.podnet.cidr.IpFamily;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.NodeInfo;
import dev.podnet.model.Resource;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Every node's podCIDR/podCIDRs checked against itself and the flags: a value that does not parse,
 * {@code podCIDR} differing from {@code podCIDRs[0]}, a mask other than {@code
 * --node-cidr-mask-size(-ipv4/-ipv6)}, a family missing on a dual-stack cluster.
 */
public final class NodeCidrShapeCheck implements Check {
  @Override
  public String id() {
    return "node-cidr-shape";
  }

  @Override
  public String description() {
    return "each node's podCIDR/podCIDRs: parseable, consistent, the configured mask, both families on"
        + " dual-stack";
  }

  @Override
  public Set<Resource> requires() {
    return EnumSet.of(Resource.NODES);
  }

  @Override
  public Set<Resource> uses() {
    return EnumSet.of(Resource.PODS, Resource.CONFIGMAPS);
  }

  @Override
  public List<Finding> run(ClusterModel model) {
    ClusterNetwork network = ClusterNetwork.of(model);
    List<Finding> findings = new ArrayList<>();
    boolean dualStack =
        network.clusterCidrs().stream().map(Cidr::family).distinct().count() == 2
            && network.usesNodeCidrs();
    for (NodeInfo node : model.nodes().values()) {
      if (node.hasNoPodCidr()) {
        continue;
      }
      List<Evidence> evidence = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      String subject = "node " + node.name();
      for (String text : node.effectivePodCidrs()) {
        try {
          Cidr.parse(text);
        } catch (IllegalArgumentException e) {
          problems.add("pod CIDR '" + text + "' does not parse");
          evidence.add(new Evidence("node-spec", subject, e.getMessage()));
        }
      }
      if (node.podCidr() != null
          && !node.podCidr().isEmpty()
          && !node.podCidrs().isEmpty()
          && !node.podCidr().equals(node.podCidrs().get(0))) {
        problems.add("spec.podCIDR differs from spec.podCIDRs[0]");
        evidence.add(
            new Evidence(
                "node-spec",
                subject,
                "spec.podCIDR " + node.podCidr() + ", spec.podCIDRs " + node.podCidrs()));
      }
      List<Cidr> cidrs = CidrChecks.nodeCidrs(node);
      if (network.model() == IpamModel.NODE_IPAM
          && network.nodeMasks().size() == network.clusterCidrs().size()) {
        for (Cidr cidr : cidrs) {
          for (int i = 0; i < network.clusterCidrs().size(); i++) {
            Cidr cluster = network.clusterCidrs().get(i);
            int mask = network.nodeMasks().get(i);
            if (cluster.family() == cidr.family()
                && cluster.contains(cidr)
                && cidr.prefixLength() != mask) {
              problems.add(
                  cidr.text() + " is a /" + cidr.prefixLength() + ", the node mask is /" + mask);
              evidence.add(
                  new Evidence(
                      "node-spec",
                      subject,
                      "pod CIDR "
                          + cidr.text()
                          + " has mask /"
                          + cidr.prefixLength()
                          + "; "
                          + network.clusterCidrSource()
                          + " "
                          + cluster.text()
                          + " gives /"
                          + mask
                          + " node CIDRs"));
            }
          }
        }
      }
      if (dualStack) {
        for (IpFamily family : List.of(IpFamily.IPV4, IpFamily.IPV6)) {
          if (!cidrs.isEmpty() && cidrs.stream().noneMatch(c -> c.family() == family)) {
            List<NextStep> steps = new ArrayList<>();
            steps.add(
                new NextStep(
                    "Read the node's pod CIDRs",
                    "kubectl get node " + node.name() + " -o jsonpath='{.spec.podCIDRs}'"));
            steps.addAll(CidrChecks.reRegister(node.name()));
            findings.add(
                CidrChecks.finding(
                    id(),
                    RootCause.NODE_CIDR_MISSING,
                    Severity.WARNING,
                    node.name(),
                    node.name() + " has no " + label(family) + " pod CIDR on a dual-stack cluster",
                    node.name()
                        + " holds only "
                        + String.join(",", node.podCidrs())
                        + ": its pods get no "
                        + label(family)
                        + " address. It registered before the cluster became dual-stack;"
                        + " only re-registration adds the family.",
                    List.of(node.name()),
                    List.of(
                        new Evidence(
                            "node-spec",
                            subject,
                            "spec.podCIDRs "
                                + node.podCidrs()
                                + " lacks "
                                + label(family)
                                + "; the cluster CIDRs are "
                                + CidrViews.join(network.clusterCidrs()))),
                    steps));
          }
        }
      }
      if (problems.isEmpty()) {
        continue;
      }
      List<NextStep> steps = new ArrayList<>();
      steps.add(
          new NextStep(
              "Read the node's pod CIDRs",
              "kubectl get node "
                  + node.name()
                  + " -o jsonpath='{.spec.podCIDR}{\"\\n\"}{.spec.podCIDRs}{\"\\n\"}'"));
      steps.addAll(CidrChecks.reRegister(node.name()));
      findings.add(
          CidrChecks.finding(
              id(),
              RootCause.CIDR_CONFLICT,
              Severity.WARNING,
              node.name(),
              "Pod CIDR of " + node.name() + " does not match the cluster's settings",
              node.name() + ": " + String.join("; ", problems) + ".",
              List.of(node.name()),
              evidence,
              steps));
    }
    return findings;
  }

  private static String label(IpFamily family) {
    return family == IpFamily.IPV4 ? "IPv4" : "IPv6";
  }
}
