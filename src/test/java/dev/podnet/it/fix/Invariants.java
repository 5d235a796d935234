package dev.podnet.it.fix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The safety rules of the rolling fix (DESIGN.md section 7), checked from outside podnet: by {@link
 * FaultProxy} guards at the instant a request is forwarded, and by an observer that polls the nodes
 * all along.
 *
 * <ul>
 *   <li>No Node is deleted while an evictable pod is still bound to it (evictable: not owned by a
 *       DaemonSet, not a mirror pod, not finished; terminating pods still count, their containers
 *       may still run).
 *   <li>Never two nodes cordoned at once: a request that cordons a node is checked against every
 *       other node, and the observer never sees two unschedulable nodes.
 * </ul>
 */
public final class Invariants implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NODE = Pattern.compile("/api/v1/nodes/([^/]+)");

  private final KubernetesClient client;
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicInteger maxUnschedulable = new AtomicInteger();
  private final AtomicLong polls = new AtomicLong();
  private final Thread observer;
  private volatile boolean running = true;

  /**
   * @param client an admin client straight to the server (not through the proxy); not closed
   */
  public Invariants(KubernetesClient client, Duration pollEvery) {
    this.client = client;
    this.observer =
        new Thread(
            () -> {
              while (running) {
                try {
                  observe();
                } catch (RuntimeException e) {
                  // the server is busy: the next poll sees the state again
                }
                try {
                  Thread.sleep(pollEvery.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "invariant-observer");
    observer.setDaemon(true);
  }

  public Invariants start() {
    observer.start();
    return this;
  }

  /** The guards to add to the proxy. */
  public FaultProxy.Guard nodeDeleteGuard() {
    return (method, path, body) -> {
      Matcher m = NODE.matcher(path);
      if (!"DELETE".equals(method) || !m.matches()) {
        return List.of();
      }
      String node = m.group(1);
      List<String> found = new ArrayList<>();
      for (Pod pod : podsOn(node)) {
        if (evictable(pod)) {
          found.add(
              "Node "
                  + node
                  + " deleted while evictable pod "
                  + pod.getMetadata().getNamespace()
                  + "/"
                  + pod.getMetadata().getName()
                  + " is on it (phase "
                  + (pod.getStatus() == null ? null : pod.getStatus().getPhase())
                  + (pod.getMetadata().getDeletionTimestamp() == null ? "" : ", terminating")
                  + ")");
        }
      }
      return found;
    };
  }

  /** A guard on requests that cordon a node: no other node may be cordoned at that instant. */
  public FaultProxy.Guard cordonGuard() {
    return (method, path, body) -> {
      Matcher m = NODE.matcher(path);
      if (!m.matches() || !("PATCH".equals(method) || "PUT".equals(method))) {
        return List.of();
      }
      if (!setsUnschedulable(body)) {
        return List.of();
      }
      String node = m.group(1);
      List<String> others =
          client.nodes().list().getItems().stream()
              .filter(n -> !n.getMetadata().getName().equals(node))
              .filter(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
              .map(n -> n.getMetadata().getName())
              .toList();
      return others.isEmpty()
          ? List.of()
          : List.of("cordoning " + node + " while " + others + " cordoned");
    };
  }

  /** Whether a Node patch or update sets {@code spec.unschedulable} to true. */
  static boolean setsUnschedulable(byte[] body) {
    if (body.length == 0) {
      return false;
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (IOException e) {
      return false;
    }
    if (tree.isArray()) {
      for (JsonNode op : tree) {
        if ("/spec/unschedulable".equals(op.path("path").asText())
            && op.path("value").asBoolean(false)
            && !"test".equals(op.path("op").asText())) {
          return true;
        }
      }
      return false;
    }
    return tree.path("spec").path("unschedulable").asBoolean(false);
  }

  static boolean evictable(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return false;
    }
    if (pod.getMetadata().getAnnotations() != null
        && pod.getMetadata().getAnnotations().containsKey("kubernetes.io/config.mirror")) {
      return false;
    }
    return pod.getMetadata().getOwnerReferences().stream()
        .noneMatch(o -> Boolean.TRUE.equals(o.getController()) && "DaemonSet".equals(o.getKind()));
  }

  private List<Pod> podsOn(String node) {
    return client.pods().inAnyNamespace().withField("spec.nodeName", node).list().getItems();
  }

  private void observe() {
    List<Node> nodes = client.nodes().list().getItems();
    List<String> cordoned =
        nodes.stream()
            .filter(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
            .map(n -> n.getMetadata().getName())
            .sorted()
            .toList();
    polls.incrementAndGet();
    maxUnschedulable.accumulateAndGet(cordoned.size(), Math::max);
    if (cordoned.size() > 1) {
      violations.add(
          Instant.now() + " observer: " + cordoned.size() + " nodes cordoned: " + cordoned);
    }
  }

  /** What the observer saw; the proxy's guards keep their own list. */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  /** The most nodes the observer ever saw cordoned at once. */
  public int maxUnschedulable() {
    return maxUnschedulable.get();
  }

  public long polls() {
    return polls.get();
  }

  @Override
  public void close() {
    running = false;
    observer.interrupt();
    try {
      observer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
