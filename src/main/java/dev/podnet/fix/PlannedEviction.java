package dev.podnet.fix;

import java.util.List;

/**
 * A pod on a node to be rolled, with what the drain will do to it (the {@code kubectl drain}
 * filters, in their order: deleted, DaemonSet, mirror, local storage, unreplicated).
 *
 * @param action {@code evict}, or {@code skip} (DaemonSet-managed, mirror, finished, already
 *     terminating)
 * @param reason why, in kubectl's words where kubectl has them
 * @param pdbs {@code namespace/name} of the PodDisruptionBudgets that select the pod
 */
public record PlannedEviction(
    String namespace, String name, String owner, String action, String reason, List<String> pdbs) {
  public PlannedEviction {
    pdbs = List.copyOf(pdbs);
  }

  /** {@code namespace/name}. */
  public String key() {
    return namespace + "/" + name;
  }

  public boolean evicted() {
    return "evict".equals(action);
  }
}
