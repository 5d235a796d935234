package dev.podnet.fix;

import java.util.List;

/**
 * One node to roll: why, what it holds now, the pods the drain will evict, and the steps.
 *
 * @param uid the Node's UID when planned; the executor refuses to touch a Node with another UID
 *     before its own delete step
 * @param reason the finding that selects the node, e.g. {@code pod CIDR 10.244.3.0/24 is outside
 *     10.42.0.0/16}
 * @param cause {@code node_cidr_missing} or {@code cidr_conflict}
 * @param currentCidrs the node's pod CIDRs now (empty when it has none)
 * @param pdbs {@code namespace/name} of every PodDisruptionBudget governing an evicted pod
 */
public record NodePlan(
    String node,
    String uid,
    String cause,
    String reason,
    List<String> currentCidrs,
    List<PlannedEviction> pods,
    List<String> pdbs,
    List<FixStep> steps) {
  public NodePlan {
    currentCidrs = List.copyOf(currentCidrs);
    pods = List.copyOf(pods);
    pdbs = List.copyOf(pdbs);
    steps = List.copyOf(steps);
  }

  /** The pods the drain evicts (not the skipped ones). */
  public List<PlannedEviction> evictions() {
    return pods.stream().filter(PlannedEviction::evicted).toList();
  }
}
