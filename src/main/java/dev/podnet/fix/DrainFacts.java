package dev.podnet.fix;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the drain of the target nodes needs beyond the cluster model: the pods on those nodes only
 * (never every pod of the cluster) and every PodDisruptionBudget.
 *
 * @param podsByNode the pods bound to each target node, by node name, each list sorted by key
 * @param podsNotRead why the pods could not be read, or null when they were
 * @param budgetsNotRead why the PodDisruptionBudgets could not be read, or null when they were
 */
public record DrainFacts(
    Map<String, List<DrainPod>> podsByNode,
    List<DisruptionBudget> budgets,
    String podsNotRead,
    String budgetsNotRead) {

  public DrainFacts {
    Map<String, List<DrainPod>> sorted = new TreeMap<>();
    podsByNode.forEach(
        (node, pods) ->
            sorted.put(node, pods.stream().sorted(Comparator.comparing(DrainPod::key)).toList()));
    podsByNode = java.util.Collections.unmodifiableMap(sorted);
    budgets = budgets.stream().sorted(Comparator.comparing(DisruptionBudget::key)).toList();
  }

  /** No target node: nothing was read. */
  public static DrainFacts none() {
    return new DrainFacts(Map.of(), List.of(), null, null);
  }

  /** The pods on one node; empty when none were read for it. */
  public List<DrainPod> pods(String node) {
    return podsByNode.getOrDefault(node, List.of());
  }
}
