package dev.podnet.fix;

import java.time.Instant;
import java.util.List;

/**
 * What {@code podnet fix node-cidr} will do, as a value: made from a snapshot or the live cluster,
 * printed in every output format, saved to a file, reviewed, then applied by one executor. Nothing
 * in it is computed at apply time except what the executor re-checks against the cluster.
 *
 * @param createdAt from the injected clock
 * @param source where the cluster data came from (snapshot path or kubeconfig context)
 * @param clusterCidrs the current cluster CIDR(s) a re-registered node's CIDR must lie in
 * @param clusterCidrSource which layer stated them
 * @param nodeMasks node mask per cluster CIDR, same order
 * @param nodes the nodes to roll, in order; never more than one is disrupted at a time
 * @param refusals what podnet will not do, and why; a refused node is not in {@code nodes}
 * @param notes other facts a reviewer needs (capacity, PDBs not collected, ...)
 */
public record FixPlan(
    int schemaVersion,
    Instant createdAt,
    String source,
    List<String> clusterCidrs,
    String clusterCidrSource,
    List<Integer> nodeMasks,
    FixOptions options,
    List<NodePlan> nodes,
    List<Refusal> refusals,
    List<String> notes) {
  public static final int SCHEMA_VERSION = 1;

  public FixPlan {
    clusterCidrs = List.copyOf(clusterCidrs);
    nodeMasks = List.copyOf(nodeMasks);
    nodes = List.copyOf(nodes);
    refusals = List.copyOf(refusals);
    notes = List.copyOf(notes);
  }

  /** True when there is at least one node to roll. */
  public boolean hasWork() {
    return !nodes.isEmpty();
  }
}
