package dev.podnet.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A pod kept in the model because it matters to the analysis: stuck without a sandbox, a CNI agent,
 * or a control-plane component whose flags carry network settings. Other pods are only counted,
 * never kept, so memory grows with nodes and not with pods.
 *
 * @param ownerKind kind of the controlling owner reference (DaemonSet, ReplicaSet, Node...), or
 *     null
 * @param command the first container's command followed by its args (control-plane flags live
 *     there)
 */
public record PodInfo(
    String namespace,
    String name,
    String uid,
    String nodeName,
    String phase,
    boolean hostNetwork,
    Instant created,
    Map<String, String> labels,
    String ownerKind,
    String ownerName,
    boolean mirror,
    Condition ready,
    List<ContainerState> containers,
    List<String> podIps,
    List<String> command) {

  public PodInfo {
    labels = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
    containers = List.copyOf(containers);
    podIps = List.copyOf(podIps);
    command = List.copyOf(command);
  }

  /** {@code namespace/name}, the key used across the model. */
  public String key() {
    return namespace + "/" + name;
  }

  /** True when every container reports ready. */
  public boolean allContainersReady() {
    return !containers.isEmpty()
        && containers.stream().filter(c -> !c.init()).allMatch(ContainerState::ready);
  }

  /** Restarts summed over the pod's containers. */
  public int restarts() {
    return containers.stream().mapToInt(ContainerState::restartCount).sum();
  }

  /** True when any container waits in {@code CrashLoopBackOff}. */
  public boolean crashLooping() {
    return containers.stream().anyMatch(c -> "CrashLoopBackOff".equals(c.waitingReason()));
  }

  /**
   * True when the pod is bound to a node but still has no sandbox: Pending, no pod IP, not on the
   * host network, with every container waiting in {@code ContainerCreating} (or no container status
   * yet).
   */
  public boolean waitingForSandbox() {
    if (!"Pending".equals(phase) || nodeName == null || nodeName.isEmpty()) {
      return false;
    }
    if (hostNetwork || !podIps.isEmpty()) {
      return false; // a pod with an IP has its sandbox; it waits for something else (an image pull)
    }
    List<ContainerState> main = containers.stream().filter(c -> !c.init()).toList();
    List<ContainerState> waiting =
        containers.stream().filter(c -> c.waitingReason() != null).toList();
    if (containers.isEmpty()) {
      return true;
    }
    return !waiting.isEmpty()
        && waiting.stream().allMatch(c -> isSandboxWaitingReason(c.waitingReason()))
        && main.stream().noneMatch(ContainerState::running);
  }

  private static boolean isSandboxWaitingReason(String reason) {
    return "ContainerCreating".equals(reason) || "PodInitializing".equals(reason);
  }
}
