package dev.podnet.check;

import dev.podnet.cidr.Cidr;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.NodeInfo;
import dev.podnet.model.PodInfo;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the CIDR checks share: parsing node CIDRs and wording the rolling fix. */
final class CidrChecks {
  private CidrChecks() {}

  /** A node's pod CIDRs that parse; unparseable ones are reported by the shape check. */
  static List<Cidr> nodeCidrs(NodeInfo node) {
    List<Cidr> cidrs = new ArrayList<>();
    for (String text : node.effectivePodCidrs()) {
      try {
        cidrs.add(Cidr.parse(text));
      } catch (IllegalArgumentException e) {
        // reported by NodeCidrShapeCheck
      }
    }
    return cidrs;
  }

  /** The seed's rolling fix for one node whose CIDR must change: the CIDR is immutable once set. */
  static List<NextStep> reRegister(String node) {
    return List.of(
        new NextStep(
            "Move the node's pods away (one node at a time, never several at once)",
            "kubectl cordon "
                + node
                + " && kubectl drain "
                + node
                + " --ignore-daemonsets --delete-emptydir-data"),
        new NextStep(
            "Delete the Node object: spec.podCIDR is immutable, only re-registration assigns a new one",
            "kubectl delete node " + node),
        new NextStep(
            "Restart the kubelet on the host so the node registers again",
            "ssh " + node + " sudo systemctl restart kubelet"),
        new NextStep(
            "Verify the new CIDR, then let pods back",
            "kubectl get node "
                + node
                + " -o jsonpath='{.spec.podCIDRs}' && kubectl uncordon "
                + node));
  }

  static Finding finding(
      String checkId,
      RootCause cause,
      Severity severity,
      String scope,
      String title,
      String summary,
      List<String> nodes,
      List<Evidence> evidence,
      List<NextStep> steps) {
    return new Finding(
        checkId, cause, severity, scope, title, summary, nodes, List.of(), evidence, steps);
  }

  static Optional<String> controllerManagerName(ClusterNetwork network) {
    return network.controllerManager().map(PodInfo::name);
  }

  static String list(List<String> items, int max) {
    if (items.size() <= max) {
      return String.join(", ", items);
    }
    return String.join(", ", items.subList(0, max)) + " and " + (items.size() - max) + " more";
  }

  static boolean any(ClusterModel model) {
    return !model.nodes().isEmpty();
  }
}
