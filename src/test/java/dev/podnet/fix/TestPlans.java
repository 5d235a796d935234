package dev.podnet.fix;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Plans made by hand over a {@link FakeCluster}: what the planner would hand the executor. */
final class TestPlans {
  private TestPlans() {}

  static FixOptions options(String restart, String canaryImage) {
    return new FixOptions(
        restart,
        "busybox:1.36",
        canaryImage,
        false,
        Duration.ofMinutes(5),
        Duration.ofMinutes(10),
        Duration.ofMinutes(2),
        Duration.ofMinutes(5),
        Duration.ofSeconds(2),
        Duration.ofSeconds(60),
        false);
  }

  static FixPlan plan(FakeCluster cluster, List<String> nodes, FixOptions options, Instant at) {
    List<NodePlan> plans = new ArrayList<>();
    for (String name : nodes) {
      FakeCluster.FakeNode node = cluster.fakeNode(name);
      List<PlannedEviction> pods = new ArrayList<>();
      List<String> nodePdbs = new ArrayList<>();
      for (FakeCluster.FakePod pod : cluster.podsOnNode(name)) {
        ClusterPod view = pod.view();
        PlannedEviction decided =
            DrainFilter.decide(
                new DrainPod(
                    view.namespace(),
                    view.name(),
                    view.nodeName(),
                    view.phase(),
                    java.util.Map.of(),
                    view.ownerKind(),
                    view.ownerName(),
                    view.mirror(),
                    view.terminating(),
                    List.of()),
                List.of(),
                options.evictUnreplicated());
        List<String> pdbs = cluster.pdbsOf(pod);
        pods.add(
            new PlannedEviction(
                decided.namespace(),
                decided.name(),
                decided.owner(),
                decided.action(),
                decided.reason(),
                pdbs));
        pdbs.stream().filter(p -> !nodePdbs.contains(p)).forEach(nodePdbs::add);
      }
      plans.add(
          new NodePlan(
              name,
              node.uid,
              node.podCidrs.isEmpty() ? "node_cidr_missing" : "cidr_conflict",
              node.podCidrs.isEmpty()
                  ? "no pod CIDR"
                  : "pod CIDR " + node.podCidrs.get(0) + " is outside " + cluster.clusterCidr(),
              node.podCidrs,
              pods,
              nodePdbs,
              steps(options)));
    }
    return new FixPlan(
        FixPlan.SCHEMA_VERSION,
        at,
        "test",
        List.of(cluster.clusterCidr().toString()),
        "test",
        List.of(cluster.nodeMask()),
        options,
        plans,
        List.of(),
        List.of());
  }

  static List<FixStep> steps(FixOptions options) {
    List<FixStep> steps = new ArrayList<>();
    for (StepKind kind : StepKind.values()) {
      if (kind == StepKind.CANARY && !options.canary()) {
        continue;
      }
      steps.add(new FixStep(kind, kind.name().toLowerCase().replace('_', ' '), "", Duration.ZERO));
    }
    return steps;
  }
}
