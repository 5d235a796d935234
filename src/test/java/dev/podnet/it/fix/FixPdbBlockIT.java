package dev.podnet.it.fix;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PodDisruptionBudget that never allows an eviction ({@code minAvailable} equal to the replica
 * count, status computed by the real disruption controller, so the real Eviction API answers 429)
 * stops the run on that node after the bounded eviction wait: exit 2, a message naming the pod and
 * the budget, the node still cordoned and not deleted, and the journal and {@code fix status}
 * saying so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FixPdbBlockIT {
  private static final Duration EVICTION_TIMEOUT = Duration.ofSeconds(6);

  @TempDir static Path temp;

  private FixTestCluster cluster;
  private GuardedProxy guarded;
  private String driftedUid;

  @BeforeAll
  void setUp() throws Exception {
    cluster = FixTestCluster.shared();
    guarded = GuardedProxy.start(cluster);
    cluster.addWorker("pdb-d1", "10.99.60.0/24", Map.of());
    cluster.addWorker("pdb-ok1", null, Map.of());
    cluster.createNamespace("pdb");
    cluster.createReplicaSet("pdb", "db", Map.of("pdb-d1", 2));
    cluster.createPdb("pdb", "db", "db", 2);
    driftedUid = cluster.client().nodes().withName("pdb-d1").get().getMetadata().getUid();
  }

  @AfterAll
  void tearDown() {
    if (guarded != null) {
      guarded.close();
    }
    if (cluster != null) {
      cluster.removeWorkers(List.of("pdb-d1", "pdb-ok1"), List.of("pdb"));
    }
  }

  @Test
  void aBudgetThatNeverAllowsStopsTheRunOnThatNodeAfterTheBoundedWait() {
    Path journals = temp.resolve("runs");
    List<String> args =
        new ArrayList<>(
            List.of(
                "fix",
                "node-cidr",
                "--node",
                "pdb-d1",
                "--kubeconfig",
                guarded.kubeconfig().toString()));
    args.addAll(FixCommands.planOptions("pod", EVICTION_TIMEOUT));
    args.addAll(List.of("--apply", "--journal-dir", journals.toString()));
    long started = System.nanoTime();
    PodnetProcess process = PodnetProcess.run(temp, Duration.ofMinutes(3), args);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    String output = process.stdout() + "\n" + process.stderr();

    assertThat(process.exitCode()).as(process.transcript()).isEqualTo(2);
    assertThat(took).as(process.transcript()).isGreaterThanOrEqualTo(EVICTION_TIMEOUT);
    assertThat(output)
        .as("names the node, the pod, the budget and how to continue")
        .contains("pdb-d1")
        .contains("pdb/db-")
        .contains("pdb/db")
        .contains("disruption budget")
        .contains("podnet fix resume");

    // the node is still cordoned by this run, and was not deleted
    String runId =
        JournalView.onlyRun(journals).orElseThrow(() -> new AssertionError(process.transcript()));
    Node node = cluster.client().nodes().withName("pdb-d1").get();
    assertThat(node.getMetadata().getUid()).isEqualTo(driftedUid);
    assertThat(node.getSpec().getUnschedulable()).isTrue();
    assertThat(node.getMetadata().getAnnotations()).containsEntry("podnet.dev/fix-run", runId);
    List<Pod> pods = cluster.client().pods().inNamespace("pdb").list().getItems();
    assertThat(pods).hasSize(2).allMatch(p -> p.getMetadata().getDeletionTimestamp() == null);
    assertThat(FixScenario.nodeDeletes(guarded.proxy().log())).isEmpty();
    assertThat(guarded.proxy().violations()).isEmpty();
    assertThat(guarded.invariants().violations()).isEmpty();

    // the journal says where it stopped
    JournalView journal = JournalView.read(journals, runId).orElseThrow();
    assertThat(journal.state()).isEqualTo("failed");
    assertThat(journal.done("pdb-d1", "cordon")).isTrue();
    assertThat(journal.entries())
        .anyMatch(
            e ->
                "pdb-d1".equals(e.node())
                    && e.step().equals("evict")
                    && e.state().equals("failed"));
    assertThat(journal.entries())
        .noneMatch(e -> "pdb-d1".equals(e.node()) && e.step().equals("delete-node"));
    JournalView.Entry last = journal.last().orElseThrow();
    assertThat(last.detail() + last.facts()).contains("cordoned");

    // and so does fix status
    PodnetProcess status =
        PodnetProcess.run(temp, Duration.ofMinutes(1), FixCommands.status(runId, journals));
    assertThat(status.stdout())
        .as(status.transcript())
        .containsIgnoringCase("failed")
        .contains("pdb-d1")
        .containsIgnoringCase("evict")
        .contains("cordoned");

    // the lock was released: another run may start
    var lease = cluster.client().leases().inNamespace("kube-system").withName("podnet-fix").get();
    assertThat(
            lease == null
                || lease.getSpec().getHolderIdentity() == null
                || lease.getSpec().getHolderIdentity().isEmpty())
        .as("lock released")
        .isTrue();
  }
}
