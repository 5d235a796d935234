package dev.podnet.fix;

/**
 * The steps of the seed runbook for one node, in the order the executor runs them. Each step is
 * idempotent: run again after an interruption, it first looks at the cluster and does only what is
 * still missing.
 */
public enum StepKind {
  /** Set {@code spec.unschedulable=true} on the planned Node (same UID) and mark it as podnet's. */
  CORDON,
  /** Evict every evictable pod through the Eviction API, honouring PodDisruptionBudgets. */
  EVICT,
  /** Wait until no evictable pod (terminating ones included) is left on the node. */
  WAIT_PODS_GONE,
  /** Delete the Node object, with a UID precondition so a re-registered Node is never deleted. */
  DELETE_NODE,
  /** Get the kubelet restarted: print the command and wait (manual) or run a privileged pod. */
  RESTART_KUBELET,
  /** Wait for a Node of the same name with a new UID. */
  WAIT_REGISTERED,
  /** Cordon the re-registered Node until it is verified. */
  RECORDON,
  /** Wait for the controller-manager to give the new Node its pod CIDR(s). */
  WAIT_CIDR,
  /**
   * Check the new CIDRs: inside the current cluster CIDR, overlapping no other node, both families
   * where the cluster is dual-stack; and wait for the CNI agent pod on the node to be Ready.
   */
  VERIFY,
  /** Optional: run a canary pod on the node and check it gets an address from the new range. */
  CANARY,
  /** Set {@code spec.unschedulable=false} and remove podnet's mark. */
  UNCORDON
}
