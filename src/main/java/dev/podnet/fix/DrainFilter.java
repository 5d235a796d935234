package dev.podnet.fix;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code kubectl drain}'s pod filters, in kubectl's order and words ({@code
 * staging/src/k8s.io/kubectl/pkg/drain/filters.go}), as {@code kubectl drain --ignore-daemonsets
 * --delete-emptydir-data} applies them, with {@code --force} only when asked: already terminating →
 * skip; DaemonSet-managed → skip; mirror pod → skip; finished → evict (deleted); emptyDir → evict;
 * no controller → blocked unless forced. The planner and the executor use the same rules.
 */
public final class DrainFilter {
  /** The pod is evicted through the Eviction API. */
  public static final String EVICT = "evict";

  /** The pod stays (DaemonSet-managed, mirror) or is already going (terminating). */
  public static final String SKIP = "skip";

  /**
   * The pod stops the drain: it declares no controller, so nothing would recreate it, and {@code
   * --evict-unreplicated} was not given. Never part of a plan's nodes: such a node is refused.
   */
  public static final String BLOCKED = "blocked";

  /** kubectl's error for unreplicated pods, with podnet's flag in place of {@code --force}. */
  public static final String UNREPLICATED =
      "cannot delete Pods that declare no controller (use --evict-unreplicated to override)";

  private DrainFilter() {}

  /**
   * What the drain does to one pod.
   *
   * @param budgets every PodDisruptionBudget read; those selecting the pod are named in the result
   */
  public static PlannedEviction decide(
      DrainPod pod, List<DisruptionBudget> budgets, boolean evictUnreplicated) {
    List<String> pdbs = new ArrayList<>();
    for (DisruptionBudget budget : budgets) {
      if (budget.selects(pod)) {
        pdbs.add(budget.key());
      }
    }
    pdbs.sort(null);
    String owner = pod.owner();
    if (pod.terminating()) {
      return new PlannedEviction(
          pod.namespace(), pod.name(), owner, SKIP, "already terminating: waited for", pdbs);
    }
    if ("DaemonSet".equals(pod.controllerKind()) && !pod.finished()) {
      return new PlannedEviction(
          pod.namespace(), pod.name(), owner, SKIP, "ignoring DaemonSet-managed Pods", pdbs);
    }
    if (pod.mirror()) {
      return new PlannedEviction(
          pod.namespace(), pod.name(), owner, SKIP, "mirror pod: the kubelet runs it", pdbs);
    }
    if (pod.finished()) {
      return new PlannedEviction(
          pod.namespace(),
          pod.name(),
          owner,
          EVICT,
          "finished (" + pod.phase() + "): deleted, not rescheduled",
          pdbs);
    }
    List<String> warnings = new ArrayList<>();
    if (!pod.emptyDirVolumes().isEmpty()) {
      warnings.add(
          "deleting Pods with local storage (emptyDir "
              + String.join(", ", pod.emptyDirVolumes())
              + ")");
    }
    if (pod.controllerKind() == null) {
      if (!evictUnreplicated) {
        return new PlannedEviction(pod.namespace(), pod.name(), null, BLOCKED, UNREPLICATED, pdbs);
      }
      warnings.add("deleting Pods that declare no controller");
    } else {
      warnings.add(0, "managed by " + owner);
    }
    return new PlannedEviction(
        pod.namespace(), pod.name(), owner, EVICT, String.join("; ", warnings), pdbs);
  }
}
