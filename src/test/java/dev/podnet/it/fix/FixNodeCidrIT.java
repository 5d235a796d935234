package dev.podnet.it.fix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code podnet fix node-cidr} end to end against the real API server and controllers, as a real
 * process talking through the (fault-free) proxy whose guards check every request: the plan names
 * the drifted nodes, their pods and budgets; applying it rolls exactly those nodes, one at a time,
 * never deleting a Node with an evictable pod on it, and leaves every node schedulable with a pod
 * CIDR inside 10.244.0.0/16; once with the kubelet restarted by podnet's pod, once by an operator
 * who follows podnet's prompt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FixNodeCidrIT {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

  @TempDir static Path temp;

  private FixTestCluster cluster;
  private GuardedProxy guarded;
  private FixScenario scenario;
  private final List<String> rolledNodes = new ArrayList<>();

  @BeforeAll
  void setUp() throws Exception {
    cluster = FixTestCluster.shared();
    guarded = GuardedProxy.start(cluster);
    scenario = FixScenario.create(cluster, "roll", 2, 2, 10);
  }

  @AfterAll
  void tearDown() {
    if (guarded != null) {
      guarded.close();
    }
    if (cluster != null && scenario != null) {
      List<String> nodes = new ArrayList<>(scenario.nodes());
      nodes.addAll(rolledNodes);
      cluster.removeWorkers(nodes, List.of("roll", "manual"));
    }
  }

  @Test
  @Order(1)
  void planNamesTheDriftedNodesTheirPodsAndBudgets() {
    Path plan = temp.resolve("plan.json");
    PodnetProcess process =
        PodnetProcess.run(
            temp,
            RUN_TIMEOUT,
            FixCommands.plan(
                guarded.kubeconfig(),
                List.of(),
                FixCommands.planOptions("pod", Duration.ofSeconds(30)),
                plan));
    assertThat(process.exitCode()).as(process.transcript()).isZero();
    JsonNode json = FixScenario.readJson(plan);
    assertThat(FixScenario.plannedNodes(json))
        .as(process.transcript())
        .containsExactlyInAnyOrderElementsOf(scenario.drifted());
    assertThat(json.path("refusals")).as(process.transcript()).isEmpty();
    assertThat(json.path("clusterCidrs").get(0).asText()).isEqualTo(FixTestCluster.CLUSTER_CIDR);
    for (JsonNode node : json.path("nodes")) {
      String name = node.path("node").asText();
      assertThat(node.path("currentCidrs").get(0).asText()).startsWith("10.99.");
      List<String> evicted = new ArrayList<>();
      List<String> skipped = new ArrayList<>();
      for (JsonNode pod : node.path("pods")) {
        (pod.path("action").asText().equals("evict") ? evicted : skipped)
            .add(pod.path("namespace").asText() + "/" + pod.path("name").asText());
      }
      assertThat(evicted).as(name).hasSize(2).allMatch(p -> p.startsWith("roll/"));
      assertThat(skipped).as(name).anyMatch(p -> p.startsWith("kube-flannel/kube-flannel-ds-"));
      assertThat(node.path("pdbs").toString()).contains("roll/web");
      assertThat(FixScenario.plannedSteps(json, name))
          .startsWith("cordon")
          .endsWith("uncordon")
          .contains(
              "evict",
              "wait-pods-gone",
              "delete-node",
              "restart-kubelet",
              "wait-registered",
              "wait-cidr",
              "verify");
    }
    // planning changed nothing
    assertThat(guarded.proxy().log())
        .allMatch(e -> e.method().equals("GET") || e.path().contains("selfsubject"));
  }

  @Test
  @Order(2)
  void applyRollsExactlyThePlannedNodesOneAtATime() {
    Path plan = temp.resolve("plan.json");
    Path journals = temp.resolve("runs");
    guarded.proxy().schedule(List.of());
    PodnetProcess process =
        PodnetProcess.run(
            temp, RUN_TIMEOUT, FixCommands.applyPlan(guarded.kubeconfig(), plan, journals));
    String runId =
        JournalView.onlyRun(journals).orElseThrow(() -> new AssertionError(process.transcript()));
    rolledNodes.addAll(scenario.drifted());
    assertThat(process.exitCode()).as(process.transcript()).isZero();
    assertThat(guarded.proxy().violations()).as(process.transcript()).isEmpty();
    assertThat(guarded.invariants().violations()).as(process.transcript()).isEmpty();
    assertThat(guarded.invariants().maxUnschedulable()).isLessThanOrEqualTo(1);
    FixScenario.EndState end =
        scenario.endState(cluster, journals, runId, FixScenario.nodeDeletes(guarded.proxy().log()));
    assertThat(end).as(process.transcript()).isEqualTo(scenario.expectedEnd());
    assertNoCidrOverlaps();

    PodnetProcess status =
        PodnetProcess.run(temp, RUN_TIMEOUT, FixCommands.status(runId, journals));
    keepForTheReadme(process, status);
    assertThat(status.exitCode()).as(status.transcript()).isZero();
    assertThat(status.stdout()).as(status.transcript()).containsIgnoringCase("complete");
    for (String node : scenario.drifted()) {
      assertThat(status.stdout()).contains(node);
    }
  }

  /**
   * Keeps the apply run's and the status's output in the build directory: the README's example run
   * against the real API server is copied from there.
   */
  private static void keepForTheReadme(PodnetProcess apply, PodnetProcess status) {
    Path dir =
        Path.of(System.getProperty("podnet.jar", "target/podnet.jar")).toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve("fix-node-cidr-real-run.txt"),
          "$ podnet fix node-cidr --apply ...\n"
              + apply.stdout()
              + "\n$ podnet fix status ...\n"
              + status.stdout());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  @Order(3)
  void manualRestartWaitsForTheOperatorWhoFollowsThePrompt() {
    FixScenario manual = FixScenario.create(cluster, "manual", 2, 0, 30);
    rolledNodes.addAll(manual.nodes());
    Path journals = temp.resolve("runs-manual");
    guarded.proxy().schedule(List.of());
    Map<String, Integer> prompts = new ConcurrentHashMap<>();
    List<String> ignored = new CopyOnWriteArrayList<>();
    // plan and apply in one command, as a person at a terminal would
    List<String> args =
        new ArrayList<>(
            List.of(
                "fix",
                "node-cidr",
                "--all-drifted",
                "--kubeconfig",
                guarded.kubeconfig().toString()));
    args.addAll(FixCommands.planOptions("manual", Duration.ofSeconds(30)));
    // with a canary: the kubelet gives it an address from the node's new CIDR
    args.addAll(List.of("--canary", "--apply", "--journal-dir", journals.toString()));
    PodnetProcess process = PodnetProcess.start(temp, args);
    // the operator: restarts a node's kubelet when podnet asks for it and the Node is gone
    process.onLine(
        line -> line.contains("systemctl restart kubelet"),
        line -> {
          for (String node : manual.drifted()) {
            if (line.contains(node)) {
              Node now = cluster.client().nodes().withName(node).get();
              if (now == null) {
                // one restart per prompt, however many lines repeat the command
                if (prompts.merge(node, 1, Integer::sum) == 1) {
                  cluster.kubelet(node).restart();
                }
              } else {
                ignored.add(line);
              }
            }
          }
        });
    process.waitFor(RUN_TIMEOUT);
    String runId =
        JournalView.onlyRun(journals).orElseThrow(() -> new AssertionError(process.transcript()));
    assertThat(process.exitCode()).as(process.transcript()).isZero();
    assertThat(prompts).as(process.transcript()).containsOnlyKeys(Set.copyOf(manual.drifted()));
    for (String node : manual.drifted()) {
      assertThat(cluster.kubelet(node).restarts()).as(node).isEqualTo(1);
    }
    assertThat(guarded.proxy().violations()).isEmpty();
    assertThat(guarded.invariants().violations()).isEmpty();
    FixScenario.EndState end =
        manual.endState(cluster, journals, runId, FixScenario.nodeDeletes(guarded.proxy().log()));
    assertThat(end).as(process.transcript()).isEqualTo(manual.expectedEnd());
    assertNoCidrOverlaps();
    // no restart pod (that is --kubelet-restart pod), one canary per node, each checked
    assertThat(
            guarded.proxy().log().stream()
                .filter(e -> e.method().equals("POST") && e.path().endsWith("/pods"))
                .count())
        .isEqualTo(manual.drifted().size());
    assertThat(process.stdout()).containsPattern("canary: canary pod \\S+ got 10\\.244\\.");
    JournalView journal = JournalView.read(journals, runId).orElseThrow();
    for (String node : manual.drifted()) {
      assertThat(journal.done(node, "canary")).as(node).isTrue();
    }
  }

  private void assertNoCidrOverlaps() {
    List<Node> nodes = cluster.client().nodes().list().getItems();
    List<dev.podnet.cidr.Cidr> cidrs = new ArrayList<>();
    for (Node node : nodes) {
      String cidr = node.getSpec().getPodCIDR();
      assertThat(cidr).as(node.getMetadata().getName()).isNotNull();
      dev.podnet.cidr.Cidr parsed = dev.podnet.cidr.Cidr.parse(cidr);
      for (dev.podnet.cidr.Cidr other : cidrs) {
        assertThat(parsed.overlaps(other)).as(cidr + " vs " + other).isFalse();
      }
      cidrs.add(parsed);
    }
  }
}
