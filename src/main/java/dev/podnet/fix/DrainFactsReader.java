package dev.podnet.fix;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.model.Resource;
import dev.podnet.source.ClusterSource;
import dev.podnet.source.ListQuery;
import dev.podnet.source.Selection;
import dev.podnet.source.SourceException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The second pass over a source for {@code podnet fix node-cidr}: the pods of the target nodes (one
 * server-side {@code spec.nodeName} field selector per node on a live cluster; a snapshot is
 * filtered here) and every PodDisruptionBudget. Memory grows with the pods on the target nodes,
 * never with the cluster's pods.
 */
public final class DrainFactsReader {
  static final Selection POD =
      Selection.of(
          "metadata",
              Selection.of(
                  "name", Selection.ALL,
                  "namespace", Selection.ALL,
                  "labels", Selection.ALL,
                  "deletionTimestamp", Selection.ALL,
                  "ownerReferences", Selection.fields("kind", "name", "controller"),
                  "annotations", Selection.fields("kubernetes.io/config.mirror")),
          "spec",
              Selection.of(
                  "nodeName", Selection.ALL, "volumes", Selection.fields("name", "emptyDir")),
          "status", Selection.fields("phase"));

  static final Selection PDB =
      Selection.of(
          "apiVersion", Selection.ALL,
          "metadata", Selection.fields("name", "namespace"),
          "spec", Selection.fields("selector"),
          "status",
              Selection.fields(
                  "disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"));

  private DrainFactsReader() {}

  /** Reads the pods of {@code nodes} and every PodDisruptionBudget from the source. */
  public static DrainFacts read(ClusterSource source, Set<String> nodes) throws SourceException {
    if (nodes.isEmpty()) {
      return DrainFacts.none();
    }
    Set<String> targets = new LinkedHashSet<>(nodes);
    List<String> selectors = targets.stream().map(n -> "spec.nodeName=" + n).toList();
    List<ListQuery> queries =
        List.of(
            new ListQuery(Resource.PODS, POD, selectors),
            new ListQuery(Resource.PODDISRUPTIONBUDGETS, PDB, List.of()));
    // each resource's items arrive from one thread; the two lists are kept apart
    Map<String, List<DrainPod>> pods = new HashMap<>();
    List<DisruptionBudget> budgets = new ArrayList<>();
    Map<Resource, String> missing =
        source.read(
            queries,
            (Resource resource, ObjectNode item) -> {
              if (resource == Resource.PODS) {
                DrainPod pod = DrainPod.of(item);
                if (pod.name() != null && targets.contains(pod.nodeName())) {
                  pods.computeIfAbsent(pod.nodeName(), n -> new ArrayList<>()).add(pod);
                }
              } else if (resource == Resource.PODDISRUPTIONBUDGETS) {
                DisruptionBudget budget = DisruptionBudget.of(item);
                if (budget.name() != null) {
                  budgets.add(budget);
                }
              }
            });
    return new DrainFacts(
        pods, budgets, missing.get(Resource.PODS), missing.get(Resource.PODDISRUPTIONBUDGETS));
  }
}
