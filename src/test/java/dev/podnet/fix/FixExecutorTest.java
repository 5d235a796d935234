package dev.podnet.fix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cidr.Cidr;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor against the in-memory cluster: the paths the issue names, one test each. */
class FixExecutorTest {
  private static final Instant START = Instant.parse("2026-11-20T10:00:00Z");

  @TempDir Path journals;

  private VirtualTime time;
  private FakeCluster cluster;
  private final List<String> output = new ArrayList<>();

  @BeforeEach
  void cluster() {
    time = new VirtualTime(START);
    cluster = new FakeCluster(time, "10.244.0.0/16", 24);
    time.drive(cluster);
    cluster.addNode("control-plane");
    cluster.addNode("worker-1");
    cluster.addDriftedNode("worker-2", "10.42.2.0/24");
    cluster.addNodeWithoutCidr("worker-3");
    cluster.addDriftedNode("worker-4", "10.42.4.0/24");
    cluster.addReplicaSet("demo", "web", 4, List.of("worker-1", "worker-2", "worker-4"));
    cluster.addReplicaSet("demo", "api", 2, List.of("worker-2", "worker-4"));
    cluster.addPdb("demo", "web", "web", 2);
    cluster.addMirrorPod("kube-system", "etcd-worker-2", "worker-2");
  }

  private RunJournal start(FixPlan plan) throws IOException {
    String runId = RunId.next(time, new Random(7));
    return RunJournal.create(journals, runId, plan, RunJournal::atomicWrite);
  }

  private FixExecutor executor(RunJournal journal) {
    return executor(journal, cluster);
  }

  private FixExecutor executor(RunJournal journal, FixCluster through) {
    return new FixExecutor(
        through,
        journal,
        time,
        time.sleeper(),
        output::add,
        "podnet fix resume " + journal.runId());
  }

  private FixPlan plan(List<String> nodes, String restart) {
    cluster.plan(nodes);
    return TestPlans.plan(cluster, nodes, TestPlans.options(restart, null), time.instant());
  }

  @Test
  void rollsExactlyThePlannedNodesInOrderAndLeavesEachUncordonedWithAValidCidr()
      throws IOException, JournalException {
    List<String> planned = List.of("worker-2", "worker-3", "worker-4");
    List<String> oldUids = planned.stream().map(n -> cluster.fakeNode(n).uid).toList();
    String untouched = cluster.fakeNode("worker-1").uid;
    RunJournal journal = start(plan(planned, FixOptions.POD));

    RunOutcome outcome = executor(journal).run();

    assertThat(outcome.state()).as(String.join("\n", output)).isEqualTo(RunJournal.State.COMPLETE);
    assertThat(outcome.exitCode()).isZero();
    assertThat(cluster.violations()).isEmpty();
    assertThat(cluster.deletedNodes()).containsExactlyElementsOf(planned);
    assertThat(cluster.fakeNode("worker-1").uid).isEqualTo(untouched);
    for (int i = 0; i < planned.size(); i++) {
      FakeCluster.FakeNode node = cluster.fakeNode(planned.get(i));
      assertThat(node.uid).isNotEqualTo(oldUids.get(i));
      assertThat(node.unschedulable).isFalse();
      assertThat(node.annotations).doesNotContainKey(FixCluster.RUN_ANNOTATION);
      assertThat(node.podCidrs).hasSize(1);
      assertThat(cluster.clusterCidr().contains(Cidr.parse(node.podCidrs.get(0)))).isTrue();
    }
    assertThat(cluster.currentLease()).get().extracting(LeaseRecord::holder).isEqualTo("");
    assertThat(cluster.podsOnNode("worker-2").stream().filter(p -> p.helper)).isEmpty();
    RunJournal reread = RunJournal.open(journals, journal.runId(), RunJournal::atomicWrite);
    assertThat(reread.state()).isEqualTo(RunJournal.State.COMPLETE);
    for (String node : planned) {
      for (StepKind kind : List.of(StepKind.CORDON, StepKind.DELETE_NODE, StepKind.UNCORDON)) {
        assertThat(reread.done(node, kind)).as(node + " " + kind).isTrue();
      }
    }
    // every step has a started entry before its done entry, in plan order
    List<String> order =
        reread.entries().stream()
            .filter(e -> !e.isRun() && e.state().equals(JournalEntry.DONE))
            .map(e -> e.node())
            .distinct()
            .toList();
    assertThat(order).containsExactlyElementsOf(planned);
  }

  @Test
  void manualRestartPrintsTheCommandAndWaitsForTheNode() throws IOException {
    cluster.operatorRestartsAfter(5);
    RunJournal journal = start(plan(List.of("worker-3"), FixOptions.MANUAL));

    RunOutcome outcome = executor(journal).run();

    assertThat(outcome.state()).as(String.join("\n", output)).isEqualTo(RunJournal.State.COMPLETE);
    assertThat(output)
        .anyMatch(
            line ->
                line.contains("on worker-3, restart the kubelet")
                    && line.contains("sudo systemctl restart kubelet"));
    assertThat(cluster.violations()).isEmpty();
  }

  @Test
  void aBudgetThatNeverAllowsStopsOnThatNodeAfterTheBoundedWaitWithTheNodeCordoned()
      throws IOException, JournalException {
    cluster.pdbsNeverAllow();
    RunJournal journal = start(plan(List.of("worker-2", "worker-4"), FixOptions.POD));
    Instant started = time.instant();

    RunOutcome outcome = executor(journal).run();

    assertThat(outcome.state()).isEqualTo(RunJournal.State.FAILED);
    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.node()).isEqualTo("worker-2");
    assertThat(outcome.step()).isEqualTo("evict");
    assertThat(outcome.message())
        .contains("was not evicted within 5m")
        .contains("The disruption budget web needs 2 healthy pods and has")
        .contains("PodDisruptionBudget demo/web")
        .contains("the node stays cordoned");
    assertThat(outcome.continueCommand()).isEqualTo("podnet fix resume " + journal.runId());
    Duration waited = Duration.between(started, time.instant());
    assertThat(waited).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(5).plusSeconds(30));
    assertThat(cluster.fakeNode("worker-2").unschedulable).isTrue();
    assertThat(cluster.fakeNode("worker-4").unschedulable).isFalse();
    assertThat(cluster.deletedNodes()).isEmpty();
    assertThat(outcome.nodeState()).contains("cordoned by this run");

    RunJournal reread = RunJournal.open(journals, journal.runId(), RunJournal::atomicWrite);
    assertThat(reread.state()).isEqualTo(RunJournal.State.FAILED);
    JournalEntry failure = reread.lastFailure().orElseThrow();
    assertThat(failure.node()).isEqualTo("worker-2");
    assertThat(failure.step()).isEqualTo("evict");
    assertThat(failure.facts().get("nodeState")).contains("cordoned by this run");
    assertThat(failure.facts().get("continue")).isEqualTo("podnet fix resume " + journal.runId());
    FixStatus status = FixStatus.of(reread);
    assertThat(status.state()).isEqualTo("failed");
    assertThat(status.exitCode()).isEqualTo(2);
    assertThat(status.nodes().get(0).steps())
        .extracting(FixStatus.StepState::state)
        .startsWith("done", "failed", "pending");
  }

  @Test
  void aResumeAfterTheBudgetAllowsFinishesTheRun() throws IOException, JournalException {
    cluster.addPdb("demo", "api-strict", "api", 2);
    RunJournal journal = start(plan(List.of("worker-2"), FixOptions.POD));
    RunOutcome first = executor(journal).run();
    assertThat(first.state()).isEqualTo(RunJournal.State.FAILED);
    assertThat(first.message()).contains("api-strict needs 2 healthy pods");

    // someone scales api up: a third replica elsewhere, so the budget allows one eviction
    cluster.addReplica("demo", "api", "api-extra", "worker-1");
    RunOutcome resumed =
        executor(RunJournal.open(journals, journal.runId(), RunJournal::atomicWrite)).run();

    assertThat(resumed.state()).as(String.join("\n", output)).isEqualTo(RunJournal.State.COMPLETE);
    assertThat(cluster.violations()).isEmpty();
    assertThat(cluster.fakeNode("worker-2").unschedulable).isFalse();
  }

  @Test
  void aKubeletRestartPodThatIsGoneWhileTheNodeIsAbsentIsStartedAgain()
      throws IOException, JournalException {
    cluster.loseHelperPods(1);
    RunJournal journal = start(plan(List.of("worker-2"), FixOptions.POD));

    RunOutcome outcome = executor(journal).run();

    assertThat(outcome.state()).as(String.join("\n", output)).isEqualTo(RunJournal.State.COMPLETE);
    assertThat(output).anyMatch(line -> line.contains("was gone before worker-2 registered again"));
    assertThat(cluster.violations()).isEmpty();
    assertThat(cluster.fakeNode("worker-2").unschedulable).isFalse();
  }

  @Test
  void anotherRunsUnexpiredLeaseRefusesTheRun() throws IOException {
    cluster.setLease(
        new LeaseRecord(
            "20261120-093000-abcdef",
            START.minusSeconds(30),
            START.minusSeconds(10),
            Duration.ofSeconds(60),
            null));
    RunJournal journal = start(plan(List.of("worker-2"), FixOptions.POD));

    RunOutcome outcome = executor(journal).run();

    assertThat(outcome.state()).isEqualTo(RunJournal.State.FAILED);
    assertThat(outcome.step()).isEqualTo(JournalEntry.RUN);
    assertThat(outcome.message())
        .contains(
            "run 20261120-093000-abcdef holds the lock kube-system/podnet-fix until 2026-11-20T10:00:50Z");
    assertThat(cluster.fakeNode("worker-2").unschedulable).isFalse();
    assertThat(cluster.currentLease().orElseThrow().holder()).isEqualTo("20261120-093000-abcdef");
  }

  @Test
  void anExpiredLeaseIsTakenOver() throws IOException {
    cluster.setLease(
        new LeaseRecord(
            "20261120-093000-abcdef",
            START.minusSeconds(600),
            START.minusSeconds(61),
            Duration.ofSeconds(60),
            null));
    RunJournal journal = start(plan(List.of("worker-2"), FixOptions.POD));

    RunOutcome outcome = executor(journal).run();

    assertThat(outcome.state()).as(String.join("\n", output)).isEqualTo(RunJournal.State.COMPLETE);
    assertThat(cluster.deletedNodes()).containsExactly("worker-2");
  }

  @Test
  void aCompletedRunKilledBeforeItsReleaseLetsTheLockGoOnResumeButNeverAnotherRunsLock()
      throws IOException, JournalException {
    RunJournal journal = start(plan(List.of("worker-2"), FixOptions.POD));
    assertThat(executor(journal).run().state()).isEqualTo(RunJournal.State.COMPLETE);
    // the process was killed after the journal's last entry, before the release
    cluster.setLease(
        new LeaseRecord(journal.runId(), START, time.instant(), Duration.ofSeconds(60), null));
    RunJournal reopened = RunJournal.open(journals, journal.runId(), RunJournal::atomicWrite);

    assertThat(executor(reopened).releaseLockOfCompletedRun()).isTrue();
    assertThat(cluster.currentLease().orElseThrow().holder()).isEmpty();

    cluster.setLease(
        new LeaseRecord(
            "20261120-093000-abcdef", START, time.instant(), Duration.ofSeconds(60), null));
    assertThat(executor(reopened).releaseLockOfCompletedRun()).isFalse();
    assertThat(cluster.currentLease().orElseThrow().holder()).isEqualTo("20261120-093000-abcdef");
  }

  @Test
  void theLeaseIsRenewedWhileTheRunWaits() throws IOException {
    cluster.operatorRestartsAfter(200);
    RunJournal journal = start(plan(List.of("worker-3"), FixOptions.MANUAL));
    List<Instant> renewals = new ArrayList<>();
    FixCluster watching = new RecordingLeases(cluster, renewals);

    RunOutcome outcome = executor(journal, watching).run();

    assertThat(outcome.state()).isEqualTo(RunJournal.State.COMPLETE);
    // 200 ticks of 2 s: the run waited about 400 s, the lease lasts 60 s
    for (int i = 1; i < renewals.size(); i++) {
      assertThat(Duration.between(renewals.get(i - 1), renewals.get(i)))
          .isLessThan(Duration.ofSeconds(60));
    }
    assertThat(renewals.size()).isGreaterThan(10);
  }

  @Test
  void aMissingPermissionRefusesTheRunNamingEveryMissingVerb() throws IOException {
    cluster.deny(new Permission("create", "", "pods", "eviction", ""));
    cluster.deny(new Permission("delete", "", "nodes", "", ""));
    RunJournal journal = start(plan(List.of("worker-2"), FixOptions.POD));

    RunOutcome outcome = executor(journal).run();

    assertThat(outcome.state()).isEqualTo(RunJournal.State.FAILED);
    assertThat(outcome.message())
        .isEqualTo(
            "missing permissions: delete nodes, create pods/eviction (deploy/rbac/podnet-fix.yaml"
                + " grants exactly what the fix needs)");
    assertThat(cluster.writes()).isZero();
  }

  @Test
  void aNodeCordonedByAnotherRunRefusesTheRun() throws IOException {
    cluster.fakeNode("worker-1").unschedulable = true;
    cluster
        .fakeNode("worker-1")
        .annotations
        .put(FixCluster.RUN_ANNOTATION, "20261119-080000-aaaaaa");
    RunJournal journal = start(plan(List.of("worker-2"), FixOptions.POD));

    RunOutcome outcome = executor(journal).run();

    assertThat(outcome.state()).isEqualTo(RunJournal.State.FAILED);
    assertThat(outcome.message())
        .startsWith("node worker-1 is cordoned by podnet run 20261119-080000-aaaaaa");
    assertThat(cluster.fakeNode("worker-2").unschedulable).isFalse();
  }

  @Test
  void aNodeReplacedSinceThePlanIsRefused() throws IOException {
    FixPlan plan = plan(List.of("worker-2"), FixOptions.POD);
    cluster.allNodes().remove("worker-2");
    cluster.addDriftedNode("worker-2", "10.42.2.0/24");
    RunJournal journal = start(plan);

    RunOutcome outcome = executor(journal).run();

    assertThat(outcome.state()).isEqualTo(RunJournal.State.FAILED);
    assertThat(outcome.message()).contains("it was re-created since; make a new plan");
    assertThat(cluster.deletedNodes()).isEmpty();
  }

  @Test
  void anUnreplicatedPodThatAppearedAfterThePlanStopsTheDrain() throws IOException {
    FixPlan plan = plan(List.of("worker-4"), FixOptions.POD);
    cluster.addBarePod("demo", "debug-shell", "worker-4");
    RunJournal journal = start(plan);

    RunOutcome outcome = executor(journal).run();

    assertThat(outcome.state()).isEqualTo(RunJournal.State.FAILED);
    assertThat(outcome.step()).isEqualTo("evict");
    assertThat(outcome.message()).contains("pod demo/debug-shell declares no controller");
    assertThat(cluster.deletedNodes()).isEmpty();
    assertThat(cluster.fakeNode("worker-4").unschedulable).isTrue();
  }

  @Test
  void aNodeThatGetsNoCidrStopsAtWaitCidrCordoned() throws IOException {
    FakeCluster tiny = new FakeCluster(time, "10.244.0.0/23", 24);
    time.drive(tiny);
    tiny.addNode("worker-1");
    tiny.addNode("worker-2");
    tiny.addDriftedNode("worker-3", "10.42.3.0/24");
    tiny.plan(List.of("worker-3"));
    FixPlan plan =
        TestPlans.plan(tiny, List.of("worker-3"), TestPlans.options(FixOptions.POD, null), START);
    RunJournal journal = start(plan);

    RunOutcome outcome = executor(journal, tiny).run();

    assertThat(outcome.state()).isEqualTo(RunJournal.State.FAILED);
    assertThat(outcome.step()).isEqualTo("wait-cidr");
    assertThat(outcome.message())
        .contains("has no pod CIDR 2m after it registered")
        .contains("no free block left in 10.244.0.0/23");
    assertThat(tiny.fakeNode("worker-3").unschedulable).isTrue();
  }

  @Test
  void aCanaryGetsAnAddressFromTheNewRange() throws IOException {
    cluster.plan(List.of("worker-3"));
    FixPlan plan =
        TestPlans.plan(
            cluster,
            List.of("worker-3"),
            TestPlans.options(FixOptions.POD, "registry.k8s.io/pause:3.9"),
            START);
    RunJournal journal = start(plan);

    RunOutcome outcome = executor(journal).run();

    assertThat(outcome.state()).as(String.join("\n", output)).isEqualTo(RunJournal.State.COMPLETE);
    assertThat(output).anyMatch(line -> line.contains("canary pod kube-system/podnet-canary-"));
    assertThat(cluster.podsOnNode("worker-3").stream().filter(p -> p.helper)).isEmpty();
  }

  @Test
  void verifyRejectsCidrsOutsideTheClusterCidrOfTheWrongSizeOrOverlapping() {
    FixPlan plan =
        new FixPlan(
            1,
            START,
            "test",
            List.of("10.244.0.0/16", "fd00:10:244::/56"),
            "test",
            List.of(24, 64),
            TestPlans.options(FixOptions.POD, null),
            List.of(),
            List.of(),
            List.of());
    ClusterNode other =
        new ClusterNode(
            "worker-1", "u1", false, List.of("10.244.1.0/24"), true, java.util.Map.of());

    assertThat(
            FixExecutor.cidrProblems(
                List.of("10.244.2.0/24", "fd00:10:244:2::/64"), plan, List.of(other)))
        .isEmpty();
    assertThat(
            FixExecutor.cidrProblems(
                List.of("10.244.1.0/24", "fd00:10:244:2::/64"), plan, List.of(other)))
        .containsExactly("10.244.1.0/24 overlaps 10.244.1.0/24 of node worker-1");
    assertThat(
            FixExecutor.cidrProblems(
                List.of("10.42.0.0/24", "fd00:10:244:2::/64"), plan, List.of()))
        .containsExactly("10.42.0.0/24 is outside 10.244.0.0/16, fd00:10:244::/56");
    assertThat(
            FixExecutor.cidrProblems(
                List.of("10.244.2.0/25", "fd00:10:244:2::/64"), plan, List.of()))
        .containsExactly("10.244.2.0/25 is a /25, the node mask for 10.244.0.0/16 is /24");
    assertThat(FixExecutor.cidrProblems(List.of("10.244.2.0/24"), plan, List.of()))
        .containsExactly("no IPv6 CIDR although the cluster allocates from fd00:10:244::/56");
  }

  /** Passes everything through and notes every lease write. */
  private static final class RecordingLeases extends ForwardingCluster {
    private final List<Instant> renewals;

    RecordingLeases(FixCluster delegate, List<Instant> renewals) {
      super(delegate);
      this.renewals = renewals;
    }

    @Override
    public LeaseRecord updateLease(LeaseRecord lease) throws FixApiException {
      LeaseRecord written = super.updateLease(lease);
      if (!written.holder().isEmpty()) {
        renewals.add(written.renewed());
      }
      return written;
    }

    @Override
    public LeaseRecord createLease(String holder, Instant now, Duration duration)
        throws FixApiException {
      renewals.add(now);
      return super.createLease(holder, now, duration);
    }
  }
}
