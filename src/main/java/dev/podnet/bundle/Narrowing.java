package dev.podnet.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which part of the cluster a bundle keeps: {@code --namespace}, {@code --pod NS/NAME}, {@code
 * --node NAME}. Values of one option are alternatives; different options must all hold (a pod is
 * kept when it is in one of the namespaces <i>and</i> is one of the pods <i>and</i> runs on one of
 * the nodes, for the options given). Events are kept when they are about a kept pod, about a kept
 * node, or (with {@code --namespace} alone) in a kept namespace. Nodes are narrowed by {@code
 * --node} only. Everything else (DaemonSets, network ConfigMaps, Services, CNI resources) is
 * cluster-wide network evidence and is always kept whole.
 *
 * <p>Stateful: pods must be offered before events, so that events can follow the kept pods.
 */
public final class Narrowing {
  private final Set<String> namespaces;
  private final Set<String> pods;
  private final Set<String> nodes;
  private final Set<String> keptPods = new HashSet<>();

  public Narrowing(List<String> namespaces, List<String> pods, List<String> nodes) {
    for (String pod : pods) {
      if (pod.indexOf('/') <= 0
          || pod.indexOf('/') == pod.length() - 1
          || pod.indexOf('/') != pod.lastIndexOf('/')) {
        throw new IllegalArgumentException("--pod takes NAMESPACE/NAME, got '" + pod + "'");
      }
    }
    this.namespaces = new TreeSet<>(namespaces);
    this.pods = new TreeSet<>(pods);
    this.nodes = new TreeSet<>(nodes);
  }

  /** Keeps everything. */
  public static Narrowing none() {
    return new Narrowing(List.of(), List.of(), List.of());
  }

  /** True when nothing is narrowed. */
  public boolean isNone() {
    return namespaces.isEmpty() && pods.isEmpty() && nodes.isEmpty();
  }

  /** The namespaces asked for, sorted; empty for all. */
  public Set<String> namespaces() {
    return Set.copyOf(namespaces);
  }

  /** The pods asked for, as NS/NAME, sorted; empty for all. */
  public Set<String> pods() {
    return Set.copyOf(pods);
  }

  /** The nodes asked for, sorted; empty for all. */
  public Set<String> nodes() {
    return Set.copyOf(nodes);
  }

  /** True when a Node is kept. */
  public boolean keepsNode(JsonNode node) {
    return nodes.isEmpty() || nodes.contains(node.path("metadata").path("name").asText());
  }

  /** True when a Pod is kept; remembers it, so its events are kept too. */
  public boolean keepsPod(JsonNode pod) {
    String namespace = pod.path("metadata").path("namespace").asText();
    String key = namespace + "/" + pod.path("metadata").path("name").asText();
    boolean kept =
        (namespaces.isEmpty() || namespaces.contains(namespace))
            && (pods.isEmpty() || pods.contains(key))
            && (nodes.isEmpty() || nodes.contains(pod.path("spec").path("nodeName").asText()));
    if (kept && !isNone()) {
      keptPods.add(key);
    }
    return kept;
  }

  /** True when an Event is kept: about a kept pod or node, or in a kept namespace. */
  public boolean keepsEvent(JsonNode event) {
    if (isNone()) {
      return true;
    }
    JsonNode involved = event.path("involvedObject");
    String kind = involved.path("kind").asText();
    String name = involved.path("name").asText();
    if ("Pod".equals(kind)) {
      String namespace =
          involved.path("namespace").asText(event.path("metadata").path("namespace").asText());
      return keptPods.contains(namespace + "/" + name);
    }
    if ("Node".equals(kind)) {
      return nodes.contains(name);
    }
    return pods.isEmpty()
        && nodes.isEmpty()
        && namespaces.contains(event.path("metadata").path("namespace").asText());
  }
}
