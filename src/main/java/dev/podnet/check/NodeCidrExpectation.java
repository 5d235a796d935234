package dev.podnet.check;

import dev.podnet.model.ClusterModel;
import dev.podnet.model.NodeInfo;
import dev.podnet.model.PodInfo;
import java.util.Optional;

/**
 * Whether nodes of this cluster are expected to hold a pod CIDR, and why: built-in node IPAM is in
 * use when the controller-manager runs with {@code --allocate-node-cidrs=true}, or when other nodes
 * hold one. On EKS with the VPC CNI, for example, no node has one and that is normal.
 */
final class NodeCidrExpectation {
  private NodeCidrExpectation() {}

  /** The reason nodes should have a pod CIDR, or empty when nothing says they should. */
  static Optional<String> reason(ClusterModel model) {
    ClusterNetwork network = ClusterNetwork.of(model);
    if (!network.usesNodeCidrs() || network.modelEvidence().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(network.modelEvidence().get(0));
  }

  static Optional<PodInfo> controllerManager(ClusterModel model) {
    return model.controlPlanePods().stream()
        .filter(p -> p.name().startsWith("kube-controller-manager"))
        .findFirst();
  }

  /** True when the node lacks a pod CIDR although the cluster says it should have one. */
  static boolean missing(ClusterModel model, NodeInfo node) {
    return node.hasNoPodCidr() && reason(model).isPresent();
  }
}
