package dev.podnet.fix;

import java.util.List;

/**
 * What the drain needs to know of a pod on a node.
 *
 * @param ownerKind the kind of the controller owner reference ({@code ReplicaSet}, {@code
 *     DaemonSet}, ...), or null when the pod declares no controller
 * @param mirror whether it carries {@code kubernetes.io/config.mirror} (a static pod's mirror)
 * @param phase {@code status.phase}
 * @param terminating whether it has a deletion timestamp
 * @param ready whether its {@code Ready} condition is {@code True}
 * @param podIps {@code status.podIPs} (or {@code podIP}); empty before the sandbox has one
 */
public record ClusterPod(
    String namespace,
    String name,
    String uid,
    String nodeName,
    String ownerKind,
    String ownerName,
    boolean mirror,
    String phase,
    boolean terminating,
    boolean ready,
    List<String> podIps) {
  public ClusterPod {
    podIps = List.copyOf(podIps);
  }

  /** {@code namespace/name}. */
  public String key() {
    return namespace + "/" + name;
  }

  public boolean finished() {
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }
}
