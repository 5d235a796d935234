package dev.podnet.model;

import java.util.List;
import java.util.Optional;

/**
 * The per-node agents of the CNI plugins podnet knows: how to recognise their pods, and which
 * plugin types in a CNI error chain point at them.
 *
 * @param product the CNI product, e.g. {@code Calico}
 * @param daemonSets DaemonSet names that run the agent (current and historical)
 * @param pluginTypes CNI plugin {@code type} values served by the agent
 * @param container the agent container whose logs tell most
 */
public record CniAgent(
    String product, List<String> daemonSets, List<String> pluginTypes, String container) {

  /** Every agent podnet recognises; the first DaemonSet name is the canonical one. */
  public static final List<CniAgent> KNOWN =
      List.of(
          new CniAgent("Calico", List.of("calico-node"), List.of("calico"), "calico-node"),
          new CniAgent("Canal", List.of("canal"), List.of("calico", "flannel"), "calico-node"),
          new CniAgent("Cilium", List.of("cilium", "anetd"), List.of("cilium-cni"), "cilium-agent"),
          new CniAgent(
              "Flannel",
              List.of("kube-flannel-ds", "kube-flannel-ds-amd64", "kube-flannel-ds-arm64"),
              List.of("flannel"),
              "kube-flannel"),
          new CniAgent(
              "AWS VPC CNI", List.of("aws-node"), List.of("aws-cni", "egress-cni"), "aws-node"),
          new CniAgent("Antrea", List.of("antrea-agent"), List.of("antrea"), "antrea-agent"),
          new CniAgent("Kube-OVN", List.of("kube-ovn-cni"), List.of("kube-ovn"), "cni-server"),
          new CniAgent(
              "OVN-Kubernetes",
              List.of("ovnkube-node"),
              List.of("ovn-k8s-cni-overlay"),
              "ovnkube-node"),
          new CniAgent("Weave Net", List.of("weave-net"), List.of("weave-net"), "weave"),
          new CniAgent(
              "Multus",
              List.of("kube-multus-ds", "kube-multus-ds-amd64", "multus"),
              List.of("multus", "multus-shim"),
              "kube-multus"),
          new CniAgent("Azure CNS", List.of("azure-cns"), List.of("azure-vnet"), "cns-container"),
          new CniAgent("kube-router", List.of("kube-router"), List.of(), "kube-router"),
          new CniAgent("kindnet", List.of("kindnet"), List.of("ptp"), "kindnet-cni"));

  /** The canonical DaemonSet name. */
  public String daemonSet() {
    return daemonSets.get(0);
  }

  /** The agent run by a DaemonSet of this name, if any. */
  public static Optional<CniAgent> byDaemonSet(String name) {
    if (name == null) {
      return Optional.empty();
    }
    return KNOWN.stream().filter(a -> a.daemonSets().contains(name)).findFirst();
  }

  /**
   * The agent whose DaemonSet created a pod of this name (DaemonSet pods are named {@code
   * <daemonset>-<5 chars>}); used when the owner reference was not collected.
   */
  public static Optional<CniAgent> byPodName(String podName) {
    if (podName == null) {
      return Optional.empty();
    }
    int dash = podName.lastIndexOf('-');
    return dash <= 0 ? Optional.empty() : byDaemonSet(podName.substring(0, dash));
  }

  /** The agent that serves a CNI plugin type named in an error chain, if any. */
  public static Optional<CniAgent> byPluginType(String pluginType) {
    if (pluginType == null) {
      return Optional.empty();
    }
    return KNOWN.stream().filter(a -> a.pluginTypes().contains(pluginType)).findFirst();
  }
}
