package dev.podnet.it.fix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.cidr.Cidr;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The workload the fix ITs roll: {@code drifted} nodes registered with a pod CIDR from an old
 * cluster CIDR (10.99.x.0/24), {@code healthy} ones that got theirs from the controller-manager,
 * each with a flannel pod; in its own namespace a ReplicaSet {@code web} with one pod per node and
 * a PodDisruptionBudget that allows one disruption ({@code minAvailable = pods - 1}), and a
 * ReplicaSet {@code api} with a pod on each drifted node and no budget.
 *
 * <p>{@link #endState} reduces what the cluster looks like after a run to names-free facts, so that
 * the end of any run (any schedule of faults and kills) compares equal to {@link #expectedEnd()}.
 */
public record FixScenario(
    String namespace,
    List<String> drifted,
    List<String> healthy,
    Map<String, String> initialUids,
    int workloadPods) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Builds it: {@code prefix-d1..}, {@code prefix-ok1..}, namespace {@code prefix}. */
  public static FixScenario create(
      FixTestCluster cluster, String prefix, int driftedCount, int healthyCount, int cidrBase) {
    List<String> drifted = new ArrayList<>();
    List<String> healthy = new ArrayList<>();
    for (int i = 1; i <= driftedCount; i++) {
      String name = prefix + "-d" + i;
      cluster.addWorker(name, "10.99." + ((cidrBase + i) % 250) + ".0/24", Map.of());
      drifted.add(name);
    }
    for (int i = 1; i <= healthyCount; i++) {
      String name = prefix + "-ok" + i;
      cluster.addWorker(name, null, Map.of());
      healthy.add(name);
    }
    cluster.createNamespace(prefix);
    Map<String, Integer> web = new LinkedHashMap<>();
    drifted.forEach(n -> web.put(n, 1));
    healthy.forEach(n -> web.put(n, 1));
    cluster.createReplicaSet(prefix, "web", web);
    int webPods = drifted.size() + healthy.size();
    cluster.createPdb(prefix, "web", "web", webPods - 1);
    Map<String, Integer> api = new LinkedHashMap<>();
    drifted.forEach(n -> api.put(n, 1));
    cluster.createReplicaSet(prefix, "api", api);
    Map<String, String> uids = new LinkedHashMap<>();
    KubernetesClient client = cluster.client();
    for (String node : drifted) {
      uids.put(node, client.nodes().withName(node).get().getMetadata().getUid());
    }
    for (String node : healthy) {
      uids.put(node, client.nodes().withName(node).get().getMetadata().getUid());
    }
    return new FixScenario(prefix, drifted, healthy, uids, webPods + drifted.size());
  }

  public List<String> nodes() {
    List<String> all = new ArrayList<>(drifted);
    all.addAll(healthy);
    return all;
  }

  /** What one node looks like at the end, without its name. */
  public record NodeEnd(
      String role,
      boolean exists,
      boolean schedulable,
      boolean podnetAnnotation,
      boolean cidrInsideClusterCidr,
      boolean reRegistered,
      int registrations) {}

  /** The end of a run, without names, times or UIDs. */
  public record EndState(
      List<NodeEnd> nodes,
      int workloadPods,
      int readyWorkloadPods,
      String journalState,
      boolean everyPlannedStepDone,
      boolean lockFree,
      int helperPodsLeft,
      Map<String, Integer> nodeDeletes) {}

  /** The end every run of this scenario must reach, faults or not. */
  public EndState expectedEnd() {
    List<NodeEnd> nodes = new ArrayList<>();
    drifted.forEach(n -> nodes.add(new NodeEnd("drifted", true, true, false, true, true, 2)));
    healthy.forEach(n -> nodes.add(new NodeEnd("healthy", true, true, false, true, false, 1)));
    Map<String, Integer> deletes = new TreeMap<>();
    for (int i = 0; i < drifted.size(); i++) {
      deletes.put("drifted-" + (i + 1), 1);
    }
    return new EndState(nodes, workloadPods, workloadPods, "complete", true, true, 0, deletes);
  }

  /**
   * What the cluster and the journal say now.
   *
   * @param deletes successful Node DELETEs by node name (from the proxy's log)
   */
  public EndState endState(
      FixTestCluster cluster, Path journalDir, String runId, Map<String, Integer> deletes) {
    KubernetesClient client = cluster.client();
    Cidr clusterCidr = Cidr.parse(FixTestCluster.CLUSTER_CIDR);
    List<NodeEnd> nodes = new ArrayList<>();
    for (String name : nodes()) {
      Node node = client.nodes().withName(name).get();
      String role = drifted.contains(name) ? "drifted" : "healthy";
      if (node == null) {
        nodes.add(
            new NodeEnd(role, false, false, false, false, false, registrations(cluster, name)));
        continue;
      }
      String cidr = node.getSpec().getPodCIDR();
      Map<String, String> annotations =
          node.getMetadata().getAnnotations() == null
              ? Map.of()
              : node.getMetadata().getAnnotations();
      nodes.add(
          new NodeEnd(
              role,
              true,
              !Boolean.TRUE.equals(node.getSpec().getUnschedulable()),
              annotations.keySet().stream().anyMatch(k -> k.startsWith("podnet.dev/")),
              cidr != null && clusterCidr.contains(Cidr.parse(cidr)),
              !node.getMetadata().getUid().equals(initialUids.get(name)),
              registrations(cluster, name)));
    }
    List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
    int ready = (int) pods.stream().filter(FixTestCluster::ready).count();
    JournalView journal = JournalView.read(journalDir, runId).orElse(null);
    boolean allDone = journal != null && everyPlannedStepDone(journalDir, runId, journal);
    boolean lockFree = lockReleasedOrLapsed(client);
    int helpers =
        (int)
            client
                .pods()
                .inNamespace("kube-system")
                .withLabel("app.kubernetes.io/managed-by", "podnet")
                .list()
                .getItems()
                .stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .count();
    Map<String, Integer> byRole = new TreeMap<>();
    deletes.forEach(
        (node, count) -> {
          int index = drifted.indexOf(node);
          byRole.put(index >= 0 ? "drifted-" + (index + 1) : "unplanned " + node, count);
        });
    return new EndState(
        nodes,
        pods.size(),
        ready,
        journal == null ? "(no journal)" : journal.state(),
        allDone,
        lockFree,
        helpers,
        byRole);
  }

  /**
   * Whether no run holds the lock: released, or, where the release itself could not reach the
   * server (the run says so and that the lock lapses), not renewed by anyone until its duration ran
   * out. Waits out the duration for that.
   */
  static boolean lockReleasedOrLapsed(KubernetesClient client) {
    Lease lease = client.leases().inNamespace("kube-system").withName("podnet-fix").get();
    if (released(lease)) {
      return true;
    }
    java.time.ZonedDateTime renewed = lease.getSpec().getRenewTime();
    Integer seconds = lease.getSpec().getLeaseDurationSeconds();
    if (renewed == null || seconds == null) {
      return false;
    }
    long wait =
        java.time.Duration.between(
                java.time.Instant.now(), renewed.toInstant().plusSeconds(seconds + 1L))
            .toMillis();
    if (wait > 2_000L * seconds) {
      return false; // renewed in the future: not a lapsing lock
    }
    try {
      Thread.sleep(Math.max(0, wait));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    Lease after = client.leases().inNamespace("kube-system").withName("podnet-fix").get();
    return released(after) || renewed.equals(after.getSpec().getRenewTime());
  }

  private static boolean released(Lease lease) {
    return lease == null
        || lease.getSpec().getHolderIdentity() == null
        || lease.getSpec().getHolderIdentity().isEmpty();
  }

  private static int registrations(FixTestCluster cluster, String node) {
    SimulatedKubelet kubelet = cluster.kubelet(node);
    return kubelet == null ? -1 : kubelet.registrations();
  }

  /** Whether the journal has every step of every node of the run's saved plan done. */
  static boolean everyPlannedStepDone(Path journalDir, String runId, JournalView journal) {
    JsonNode plan = readJson(journalDir.resolve(runId).resolve("plan.json"));
    for (JsonNode node : plan.path("nodes")) {
      for (JsonNode step : node.path("steps")) {
        if (!journal.done(node.path("node").asText(), step.path("kind").asText())) {
          return false;
        }
      }
    }
    return true;
  }

  /** The nodes of a plan document ({@code -o json} or a saved plan), in order. */
  static List<String> plannedNodes(JsonNode plan) {
    List<String> nodes = new ArrayList<>();
    plan.path("nodes").forEach(n -> nodes.add(n.path("node").asText()));
    return nodes;
  }

  /** Step ids ({@code cordon}, {@code delete-node}, ...) of one planned node, in order. */
  static List<String> plannedSteps(JsonNode plan, String node) {
    List<String> steps = new ArrayList<>();
    for (JsonNode n : plan.path("nodes")) {
      if (n.path("node").asText().equals(node)) {
        n.path("steps").forEach(s -> steps.add(s.path("kind").asText()));
      }
    }
    return steps;
  }

  static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static JsonNode parseJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + e.getMessage() + "\n" + text, e);
    }
  }

  /** Successful Node DELETEs in the proxy's log, by node name. */
  static Map<String, Integer> nodeDeletes(List<FaultProxy.Exchange> log) {
    Map<String, Integer> deletes = new TreeMap<>();
    for (FaultProxy.Exchange exchange : log) {
      if ("DELETE".equals(exchange.method())
          && exchange.path().startsWith("/api/v1/nodes/")
          && exchange.status() >= 200
          && exchange.status() < 300) {
        deletes.merge(exchange.path().substring("/api/v1/nodes/".length()), 1, Integer::sum);
      }
    }
    return deletes;
  }
}
