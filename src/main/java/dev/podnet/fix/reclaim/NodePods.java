package dev.podnet.fix.reclaim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.model.Resource;
import dev.podnet.model.SourceInfo;
import dev.podnet.source.ClusterSource;
import dev.podnet.source.ListQuery;
import dev.podnet.source.Selection;
import dev.podnet.source.SourceException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads which addresses the pods of one node hold in the API: one pod list narrowed on the server
 * by {@code spec.nodeName} (a snapshot has no server, so the node is matched here as well).
 */
public final class NodePods {
  static final Selection POD =
      Selection.of(
          "metadata", Selection.fields("name", "namespace"),
          "spec", Selection.fields("nodeName"),
          "status", Selection.fields("phase", "podIP", "podIPs"));

  private NodePods() {}

  /** The query: pods field-selected by {@code spec.nodeName=<node>}. */
  public static ListQuery query(String node) {
    return new ListQuery(Resource.PODS, POD, List.of("spec.nodeName=" + node));
  }

  /**
   * The addresses of the node's pods that have not terminated ({@code Succeeded} and {@code Failed}
   * pods have had their sandbox torn down); a source that cannot be read gives a {@link PodHolders}
   * that says why.
   */
  public static PodHolders read(ClusterSource source, String node) {
    Map<String, String> byIp = new HashMap<>();
    AtomicInteger pods = new AtomicInteger();
    Map<Resource, String> missing;
    try {
      missing =
          source.read(
              List.of(query(node)),
              (resource, item) -> {
                if (node.equals(item.path("spec").path("nodeName").asText())) {
                  pods.incrementAndGet();
                  accept(item, byIp);
                }
              });
    } catch (SourceException e) {
      return PodHolders.unreadable(describe(source), e.getMessage());
    }
    if (missing.containsKey(Resource.PODS)) {
      return PodHolders.unreadable(
          describe(source), Resource.PODS.path() + ": " + missing.get(Resource.PODS));
    }
    return new PodHolders(byIp, describe(source), pods.get(), null);
  }

  private static void accept(ObjectNode pod, Map<String, String> byIp) {
    JsonNode status = pod.path("status");
    String phase = status.path("phase").asText("");
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      return;
    }
    String key =
        pod.path("metadata").path("namespace").asText("")
            + "/"
            + pod.path("metadata").path("name").asText("");
    String podIp = status.path("podIP").asText("");
    if (!podIp.isEmpty()) {
      byIp.merge(PodHolders.canonical(podIp), key, (a, b) -> a.compareTo(b) <= 0 ? a : b);
    }
    for (JsonNode entry : status.path("podIPs")) {
      String ip = entry.path("ip").asText("");
      if (!ip.isEmpty()) {
        byIp.merge(PodHolders.canonical(ip), key, (a, b) -> a.compareTo(b) <= 0 ? a : b);
      }
    }
  }

  private static String describe(ClusterSource source) {
    SourceInfo info = source.info();
    return info.kind()
        + " "
        + (info.context() != null && !info.context().isEmpty() ? info.context() : info.location());
  }
}
