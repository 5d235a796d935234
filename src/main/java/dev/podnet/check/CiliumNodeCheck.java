package dev.podnet.check;

import dev.podnet.model.ClusterModel;
import dev.podnet.model.IpamData;
import dev.podnet.model.NodeInfo;
import dev.podnet.model.Resource;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cilium's view of node CIDRs: the operator's IPAM error on a CiliumNode ({@code allocator full},
 * {@code allocator not configured for the requested CIDR}), a CiliumNode without podCIDRs, and,
 * where Cilium takes CIDRs from the Node ({@code ipam: kubernetes}), CiliumNode podCIDRs that
 * differ from the Node's.
 */
public final class CiliumNodeCheck implements Check {
  @Override
  public String id() {
    return "cilium-nodes";
  }

  @Override
  public String description() {
    return "CiliumNode podCIDRs against the Node's, and the Cilium operator's IPAM errors";
  }

  @Override
  public Set<Resource> requires() {
    return EnumSet.of(Resource.CILIUM_NODES, Resource.NODES);
  }

  @Override
  public boolean applies(ClusterModel model) {
    return !model.ipam().ciliumNodes().isEmpty()
        || model.configMaps().containsKey("kube-system/cilium-config");
  }

  @Override
  public List<Finding> run(ClusterModel model) {
    ClusterNetwork network = ClusterNetwork.of(model);
    List<Finding> findings = new ArrayList<>();
    for (IpamData.CiliumNodeInfo cilium : model.ipam().ciliumNodes()) {
      String node = cilium.name();
      String subject = "ciliumnode " + node;
      if (cilium.operatorError() != null && !cilium.operatorError().isBlank()) {
        String error = cilium.operatorError();
        RootCause cause =
            error.toLowerCase(Locale.ROOT).contains("full")
                ? RootCause.NODE_CIDR_MISSING
                : RootCause.CIDR_CONFLICT;
        findings.add(
            CidrChecks.finding(
                id(),
                cause,
                Severity.CRITICAL,
                node,
                "The Cilium operator cannot give " + node + " a pod CIDR",
                "status.ipam.operator-status.error of CiliumNode "
                    + node
                    + ": "
                    + error
                    + (cause == RootCause.NODE_CIDR_MISSING
                        ? " The cluster pool is used up: widen cluster-pool-ipv4-cidr or lower the mask size."
                        : " The node's CIDR lies outside the configured pool."),
                List.of(node),
                List.of(new Evidence("cilium", subject, error)),
                List.of(
                    new NextStep(
                        "Read the operator's view",
                        "kubectl get ciliumnode "
                            + node
                            + " -o jsonpath='{.status.ipam.operator-status}'"),
                    new NextStep(
                        "Read the operator's log",
                        "kubectl -n kube-system logs deploy/cilium-operator | grep -i -E 'cidr|allocat'"))));
      } else if (cilium.podCidrs().isEmpty() && network.model() == IpamModel.CILIUM_CLUSTER_POOL) {
        findings.add(
            CidrChecks.finding(
                id(),
                RootCause.NODE_CIDR_MISSING,
                Severity.WARNING,
                node,
                "CiliumNode " + node + " has no pod CIDR",
                "The Cilium agent on "
                    + node
                    + " waits for the operator to fill spec.ipam.podCIDRs.",
                List.of(node),
                List.of(new Evidence("cilium", subject, "spec.ipam.podCIDRs is empty")),
                List.of(
                    new NextStep(
                        "Check the operator runs",
                        "kubectl -n kube-system get deploy cilium-operator"))));
      }
      if (network.model() == IpamModel.NODE_IPAM) {
        NodeInfo info = model.nodes().get(node);
        if (info != null
            && !info.hasNoPodCidr()
            && !cilium.podCidrs().isEmpty()
            && !cilium.podCidrs().equals(info.effectivePodCidrs())) {
          findings.add(
              CidrChecks.finding(
                  id(),
                  RootCause.CIDR_CONFLICT,
                  Severity.WARNING,
                  node,
                  "CiliumNode " + node + " and Node " + node + " disagree on the pod CIDR",
                  "Cilium allocates from "
                      + String.join(",", cilium.podCidrs())
                      + " while the Node holds "
                      + String.join(",", info.effectivePodCidrs())
                      + ": routes from other nodes point at the wrong range.",
                  List.of(node),
                  List.of(
                      new Evidence("cilium", subject, "spec.ipam.podCIDRs " + cilium.podCidrs()),
                      new Evidence(
                          "node-spec",
                          "node " + node,
                          "spec.podCIDRs " + info.effectivePodCidrs())),
                  List.of(
                      new NextStep(
                          "Restart the node's Cilium agent so it re-reads the Node",
                          "kubectl -n kube-system delete pod -l k8s-app=cilium --field-selector spec.nodeName="
                              + node))));
        }
      }
    }
    return findings;
  }
}
