package dev.podnet.check;

import dev.podnet.model.ClusterModel;
import dev.podnet.model.Resource;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Pod addresses per node by host-local's rules: nodes whose range is full or nearly so, and nodes
 * whose {@code maxPods} exceeds their usable addresses (exhaustion is then only a matter of time).
 */
public final class NodeIpCapacityCheck implements Check {
  /** Use at or above which a node is reported as running out. */
  static final int NEARLY_FULL_PERCENT = 90;

  @Override
  public String id() {
    return "node-ip-capacity";
  }

  @Override
  public String description() {
    return "usable pod IPs per node (host-local rules) against running pods and maxPods";
  }

  @Override
  public Set<Resource> requires() {
    return EnumSet.of(Resource.NODES, Resource.PODS);
  }

  @Override
  public List<Finding> run(ClusterModel model) {
    ClusterNetwork network = ClusterNetwork.of(model);
    List<Finding> findings = new ArrayList<>();
    if (!network.usesNodeCidrs()) {
      return findings;
    }
    for (IpamCapacity.NodeCapacity capacity : IpamCapacity.nodes(model)) {
      String node = capacity.node().name();
      String cidrs = String.join(",", capacity.node().effectivePodCidrs());
      List<Evidence> evidence = new ArrayList<>();
      evidence.add(
          new Evidence(
              "node-spec",
              "node " + node,
              "pod CIDR "
                  + cidrs
                  + ": "
                  + capacity.usable()
                  + " usable addresses (network, gateway and broadcast excluded)"));
      evidence.add(
          new Evidence(
              "pod-status", "node " + node, capacity.used() + " running pods on the pod network"));
      if (capacity.maxPods() > 0) {
        evidence.add(
            new Evidence(
                "node-status", "node " + node, "status.allocatable.pods " + capacity.maxPods()));
      }
      List<NextStep> steps =
          List.of(
              new NextStep(
                  "Count the pods holding an IP on " + node,
                  "kubectl get pods -A -o wide --field-selector spec.nodeName="
                      + node
                      + ",status.phase=Running"),
              new NextStep(
                  "Lower the kubelet's maxPods to the usable addresses, or give nodes a larger pod CIDR (a smaller --node-cidr-mask-size; existing nodes keep theirs until re-registered)",
                  null));
      List<String> problems = new ArrayList<>();
      Severity severity = null;
      String title = null;
      if (capacity.free() == 0) {
        severity = Severity.CRITICAL;
        title = "No free pod IP addresses on " + node;
        problems.add(
            node
                + " uses all "
                + capacity.usable()
                + " usable addresses of "
                + cidrs
                + "; new pods there get no IP.");
      } else if (capacity.percent() >= NEARLY_FULL_PERCENT) {
        severity = Severity.WARNING;
        title = node + " is running out of pod IPs (" + capacity.percent() + "% used)";
        problems.add(
            capacity.free()
                + " of "
                + capacity.usable()
                + " usable addresses of "
                + cidrs
                + " are left on "
                + node
                + ".");
      }
      if (capacity.maxPods() > capacity.usable()) {
        if (severity == null) {
          severity = Severity.WARNING;
          title =
              "maxPods "
                  + capacity.maxPods()
                  + " exceeds the "
                  + capacity.usable()
                  + " usable IPs of "
                  + node;
        }
        problems.add(
            "The scheduler will place up to "
                + capacity.maxPods()
                + " pods on "
                + node
                + ", but its pod CIDR "
                + cidrs
                + " holds only "
                + capacity.usable()
                + " addresses: exhaustion is a matter of time.");
      }
      if (severity != null) {
        findings.add(
            CidrChecks.finding(
                id(),
                RootCause.IPAM_EXHAUSTED,
                severity,
                node,
                title,
                String.join(" ", problems),
                List.of(node),
                evidence,
                steps));
      }
    }
    return findings;
  }
}
