package dev.podnet.fix;

import dev.podnet.model.NodeInfo;
import java.util.Locale;
import java.util.Optional;

/**
 * Recognises nodes whose instance belongs to a managed node group (EKS, Karpenter, GKE, AKS), by
 * the labels and providerIDs those platforms set (node-lifecycle.md sections 2 and 3). On such a
 * node the seed runbook's "delete the Node, restart the kubelet" hands the instance to the
 * platform's lifecycle instead.
 *
 * @param platform e.g. {@code EKS managed node group app-m5l}
 * @param evidence the label or providerID that matched, e.g. {@code label
 *     eks.amazonaws.com/nodegroup=app-m5l}
 * @param consequence what deleting the Node does there, and the platform's own way to replace it
 */
public record ManagedNode(String platform, String evidence, String consequence) {

  /** The managed node group the node belongs to, or empty. */
  public static Optional<ManagedNode> of(NodeInfo node) {
    String provider = node.providerId() == null ? "" : node.providerId();
    String eks = node.labels().get("eks.amazonaws.com/nodegroup");
    if (eks != null) {
      return Optional.of(
          new ManagedNode(
              "EKS managed node group " + eks,
              "label eks.amazonaws.com/nodegroup=" + eks,
              "the node group owns the instance's lifecycle: a deleted Node is treated as a lost"
                  + " instance and the group may terminate or replace it rather than let the kubelet"
                  + " register again; replace nodes through the node group (update its launch"
                  + " template or version)"));
    }
    String karpenter = node.labels().get("karpenter.sh/nodepool");
    if (karpenter != null) {
      return Optional.of(
          new ManagedNode(
              "Karpenter NodePool " + karpenter,
              "label karpenter.sh/nodepool=" + karpenter,
              "Karpenter's termination finalizer drains the Node and terminates its instance when"
                  + " the Node is deleted; let Karpenter replace it (kubectl delete nodeclaim) or"
                  + " drift the NodePool"));
    }
    String gke = node.labels().get("cloud.google.com/gke-nodepool");
    if (gke != null) {
      return Optional.of(
          new ManagedNode(
              "GKE node pool " + gke,
              "label cloud.google.com/gke-nodepool=" + gke,
              "GKE manages the VM through its managed instance group and recreates or repairs it"
                  + " on its own terms; upgrade or recreate the node pool instead"));
    }
    String aks = node.labels().get("kubernetes.azure.com/agentpool");
    String aksLabel = "kubernetes.azure.com/agentpool";
    if (aks == null && provider.startsWith("azure://")) {
      aks = node.labels().get("agentpool");
      aksLabel = "agentpool";
    }
    if (aks != null) {
      return Optional.of(
          new ManagedNode(
              "AKS agent pool " + aks,
              "label " + aksLabel + "=" + aks,
              "AKS manages the VM scale set instance and may reimage or replace it; use az aks"
                  + " nodepool upgrade or a node image upgrade instead"));
    }
    if (provider.startsWith("gce://")) {
      return Optional.of(
          new ManagedNode(
              "GCE instance",
              "providerID " + provider,
              "a managed instance group may recreate the VM once its Node is gone; replace it"
                  + " through the instance group"));
    }
    if (provider.startsWith("azure://")
        && provider.toLowerCase(Locale.ROOT).contains("/virtualmachinescalesets/")) {
      return Optional.of(
          new ManagedNode(
              "Azure VM scale set instance",
              "providerID " + provider,
              "the scale set may reimage or replace the instance; replace it through the scale"
                  + " set"));
    }
    return Optional.empty();
  }
}
