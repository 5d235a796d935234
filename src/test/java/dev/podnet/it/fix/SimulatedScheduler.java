package dev.podnet.it.fix;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of kube-scheduler these tests need: a pod without {@code spec.nodeName} (a ReplicaSet's
 * replacement for an evicted pod) is bound, through the {@code pods/binding} subresource, to the
 * schedulable node with the fewest pods: not cordoned, Ready, carrying a pod CIDR, and with no
 * {@code NoSchedule}/{@code NoExecute} taint the pod does not tolerate.
 */
public final class SimulatedScheduler extends ClusterLoop {
  private final List<String> bindings = Collections.synchronizedList(new ArrayList<>());

  /**
   * @param client the scheduler's own client; closed by {@link #close()}
   */
  public SimulatedScheduler(KubernetesClient client, Duration period) {
    super(client, period, "scheduler");
  }

  public SimulatedScheduler start() {
    startLoop();
    return this;
  }

  /** {@code namespace/pod -> node} of every binding made, in order. */
  public List<String> bindings() {
    synchronized (bindings) {
      return List.copyOf(bindings);
    }
  }

  @Override
  protected void step() {
    scheduleOnce();
  }

  private void scheduleOnce() {
    List<Pod> pending =
        client.pods().inAnyNamespace().withField("spec.nodeName", "").list().getItems().stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .toList();
    if (pending.isEmpty()) {
      return;
    }
    List<Node> nodes = client.nodes().list().getItems();
    Map<String, Integer> load = new HashMap<>();
    for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
      String node = pod.getSpec().getNodeName();
      if (node != null && !node.isEmpty()) {
        load.merge(node, 1, Integer::sum);
      }
    }
    for (Pod pod : pending) {
      Node target =
          nodes.stream()
              .filter(n -> fits(n, pod))
              .min(
                  Comparator.comparing((Node n) -> load.getOrDefault(name(n), 0))
                      .thenComparing(SimulatedScheduler::name))
              .orElse(null);
      if (target == null) {
        continue; // Pending: 0/N nodes are available
      }
      Binding binding =
          new BindingBuilder()
              .withNewMetadata()
              .withName(pod.getMetadata().getName())
              .withNamespace(pod.getMetadata().getNamespace())
              .endMetadata()
              .withNewTarget()
              .withKind("Node")
              .withApiVersion("v1")
              .withName(name(target))
              .endTarget()
              .build();
      try {
        client.bindings().inNamespace(pod.getMetadata().getNamespace()).resource(binding).create();
        load.merge(name(target), 1, Integer::sum);
        bindings.add(
            pod.getMetadata().getNamespace()
                + "/"
                + pod.getMetadata().getName()
                + " -> "
                + name(target));
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 && e.getCode() != 404) {
          throw e;
        }
        // bound or deleted meanwhile
      }
    }
  }

  private static String name(Node node) {
    return node.getMetadata().getName();
  }

  private static boolean fits(Node node, Pod pod) {
    if (node.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    if (Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
      return false;
    }
    String cidr = node.getSpec().getPodCIDR();
    if (cidr == null || cidr.isEmpty()) {
      return false;
    }
    boolean ready =
        node.getStatus() != null
            && node.getStatus().getConditions() != null
            && node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    if (!ready) {
      return false;
    }
    List<Toleration> tolerations =
        pod.getSpec().getTolerations() == null ? List.of() : pod.getSpec().getTolerations();
    List<Taint> taints =
        node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
    for (Taint taint : taints) {
      if ("PreferNoSchedule".equals(taint.getEffect())) {
        continue;
      }
      boolean tolerated =
          tolerations.stream()
              .anyMatch(
                  t ->
                      ("Exists".equals(t.getOperator())
                              && (t.getKey() == null || t.getKey().equals(taint.getKey())))
                          || (taint.getKey().equals(t.getKey())
                              && (t.getValue() == null || t.getValue().equals(taint.getValue()))));
      if (!tolerated) {
        return false;
      }
    }
    return true;
  }
}
