package dev.podnet.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The lean, immutable picture of a cluster that every check reads: nodes in full, pods only where
 * they matter (stuck, CNI agents, control plane) and counted otherwise, sandbox failures aggregated
 * per pod, and which sources were collected.
 *
 * @param nodes by name, sorted
 * @param stuckPods pods bound to a node and waiting for a sandbox
 * @param agentPods pods of known CNI agents
 * @param controlPlanePods kube-controller-manager, kube-apiserver and kube-proxy pods
 * @param podCounts per node name
 * @param sandboxFailures per pod key ({@code namespace/name})
 * @param nodeEvents other network-relevant events, aggregated
 * @param collected the resources that were read
 * @param notCollected the resources that were absent, with why
 * @param ipam pod and service addresses and the CNI's IPAM objects
 */
public record ClusterModel(
    SourceInfo source,
    Map<String, NodeInfo> nodes,
    List<PodInfo> stuckPods,
    List<PodInfo> agentPods,
    List<PodInfo> controlPlanePods,
    Map<String, NodePodCounts> podCounts,
    Map<String, SandboxFailure> sandboxFailures,
    List<NodeEventSummary> nodeEvents,
    List<DaemonSetInfo> daemonSets,
    Map<String, ConfigMapInfo> configMaps,
    Set<Resource> collected,
    Map<Resource, String> notCollected,
    IpamData ipam) {

  public ClusterModel {
    nodes = sorted(nodes);
    stuckPods = List.copyOf(stuckPods);
    agentPods = List.copyOf(agentPods);
    controlPlanePods = List.copyOf(controlPlanePods);
    podCounts = sorted(podCounts);
    sandboxFailures = sorted(sandboxFailures);
    nodeEvents = List.copyOf(nodeEvents);
    daemonSets = List.copyOf(daemonSets);
    configMaps = sorted(configMaps);
    java.util.EnumSet<Resource> collectedSet = java.util.EnumSet.noneOf(Resource.class);
    collectedSet.addAll(collected);
    collected = java.util.Collections.unmodifiableSet(collectedSet);
    java.util.EnumMap<Resource, String> notCollectedMap = new java.util.EnumMap<>(Resource.class);
    notCollectedMap.putAll(notCollected);
    notCollected = java.util.Collections.unmodifiableMap(notCollectedMap);
  }

  /** An unmodifiable copy that iterates in key order, so every output is deterministic. */
  private static <V> Map<String, V> sorted(Map<String, V> map) {
    return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(map));
  }

  /** {@code namespace/name} of every pod that was read. */
  public java.util.Set<String> podKeys() {
    return ipam.podKeys();
  }

  public Optional<NodeInfo> node(String name) {
    return Optional.ofNullable(name == null ? null : nodes.get(name));
  }

  public NodePodCounts podCounts(String nodeName) {
    return podCounts.getOrDefault(nodeName, NodePodCounts.EMPTY);
  }

  public boolean has(Resource resource) {
    return collected.contains(resource);
  }
}
