package dev.podnet.fix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.testing.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example journal of {@code examples/fix-runs/} (shown by {@code podnet fix status} in the
 * README) is what the executor writes: a run over the in-memory cluster that rolls worker-2, then
 * stops on worker-3 because a PodDisruptionBudget allows no eviction. {@code -Dgolden.update=true}
 * rewrites it.
 */
class FixRunExampleTest {
  static final Path EXAMPLE_ROOT = Path.of("examples/fix-runs");
  static final Instant START = Instant.parse("2026-11-20T10:00:00Z");

  @TempDir Path journals;

  @Test
  void theExampleJournalIsWhatTheExecutorWrites() throws IOException {
    VirtualTime time = new VirtualTime(START);
    FakeCluster cluster = new FakeCluster(time, "10.244.0.0/16", 24);
    time.drive(cluster);
    cluster.addNode("control-plane");
    cluster.addNode("worker-1");
    cluster.addDriftedNode("worker-2", "10.42.2.0/24");
    cluster.addNodeWithoutCidr("worker-3");
    cluster.addReplicaSet("shop", "web", 3, List.of("worker-1", "worker-2"));
    cluster.addReplicaSet("shop", "payments", 2, List.of("worker-3", "worker-1"));
    cluster.addPdb("shop", "web", "web", 2);
    cluster.addPdb("shop", "payments", "payments", 2);
    List<String> nodes = List.of("worker-2", "worker-3");
    cluster.plan(nodes);
    FixPlan planned =
        TestPlans.plan(cluster, nodes, TestPlans.options(FixOptions.POD, null), START);
    FixPlan plan =
        new FixPlan(
            planned.schemaVersion(),
            planned.createdAt(),
            "example: the in-memory cluster of FixRunExampleTest",
            planned.clusterCidrs(),
            "kube-controller-manager --cluster-cidr",
            planned.nodeMasks(),
            planned.options(),
            planned.nodes(),
            planned.refusals(),
            planned.notes());
    String runId = RunId.next(time, new Random(20261120));
    RunJournal journal = RunJournal.create(journals, runId, plan, RunJournal::atomicWrite);
    List<String> output = new ArrayList<>();

    RunOutcome outcome =
        new FixExecutor(
                cluster,
                journal,
                time,
                time.sleeper(),
                output::add,
                "podnet fix resume " + runId + " --journal-dir examples/fix-runs")
            .run();

    assertThat(outcome.state()).isEqualTo(RunJournal.State.FAILED);
    assertThat(outcome.node()).isEqualTo("worker-3");
    assertThat(runId).isEqualTo(exampleRunId());
    output.add("");
    for (String file : List.of(RunJournal.PLAN_FILE, RunJournal.JOURNAL_FILE)) {
      Golden.assertMatches(
          EXAMPLE_ROOT.resolve(runId).resolve(file),
          Files.readString(journal.directory().resolve(file), StandardCharsets.UTF_8));
    }
    Golden.assertMatches(EXAMPLE_ROOT.resolve(runId + ".output.txt"), String.join("\n", output));
  }

  /** The run id of the example. */
  static String exampleRunId() {
    return "20261120-100000-95be6a";
  }
}
