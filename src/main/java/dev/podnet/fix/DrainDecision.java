package dev.podnet.fix;

/**
 * What the drain does with a pod found on the node at apply time: {@link DrainFilter}'s rules (the
 * ones the plan was made with), applied to what the cluster says now rather than to what the plan
 * saw, plus what matters for the delete: a terminating pod is waited for.
 */
enum DrainDecision {
  /** Evict it through the Eviction API. */
  EVICT,
  /** Being deleted already: nothing to send, but the Node must not go before it has. */
  WAIT,
  /** DaemonSet-managed: its controller ignores the cordon and it goes with the Node. */
  SKIP_DAEMONSET,
  /** The mirror of a static pod: the kubelet owns it. */
  SKIP_MIRROR,
  /** Neither evicted nor waited for, for any other reason the filter gives. */
  SKIP,
  /**
   * Declares no controller, so nothing would recreate it elsewhere, and the plan did not allow
   * evicting such pods: stop rather than lose it.
   */
  REFUSE_UNREPLICATED;

  /**
   * The decision for a pod now on the node: {@link DrainFilter}'s rules (the planner's), read for
   * the apply.
   *
   * @param evictUnreplicated the plan's option, or true when the plan listed this very pod for
   *     eviction
   */
  static DrainDecision of(ClusterPod pod, boolean evictUnreplicated) {
    DrainPod drainPod =
        new DrainPod(
            pod.namespace(),
            pod.name(),
            pod.nodeName(),
            pod.phase(),
            java.util.Map.of(),
            pod.ownerKind(),
            pod.ownerName(),
            pod.mirror(),
            pod.terminating(),
            java.util.List.of());
    PlannedEviction decided = DrainFilter.decide(drainPod, java.util.List.of(), evictUnreplicated);
    return switch (decided.action()) {
      case DrainFilter.EVICT -> EVICT;
      case DrainFilter.BLOCKED -> REFUSE_UNREPLICATED;
      default -> {
        if (pod.mirror()) {
          yield SKIP_MIRROR;
        }
        if ("DaemonSet".equals(pod.ownerKind())) {
          yield SKIP_DAEMONSET;
        }
        yield pod.terminating() ? WAIT : SKIP;
      }
    };
  }

  /** Whether the pod, still on the node, forbids deleting the Node. */
  boolean blocksNodeDeletion() {
    return this == EVICT || this == WAIT || this == REFUSE_UNREPLICATED;
  }
}
