package dev.podnet.fix;

import java.util.List;
import java.util.Map;

/**
 * What the executor needs to know of a Node, read fresh before every decision.
 *
 * @param podCidrs {@code spec.podCIDRs}, or {@code [spec.podCIDR]} on servers that set only that;
 *     empty when none is assigned
 * @param annotations only podnet's own ({@code podnet.dev/...}); others are not needed
 */
public record ClusterNode(
    String name,
    String uid,
    boolean unschedulable,
    List<String> podCidrs,
    boolean ready,
    Map<String, String> annotations) {
  public ClusterNode {
    podCidrs = List.copyOf(podCidrs);
    annotations = Map.copyOf(annotations);
  }

  /** The run that cordoned this node, or null when podnet did not. */
  public String cordonedByRun() {
    return annotations.get(FixCluster.RUN_ANNOTATION);
  }
}
