package dev.podnet.fix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.Resource;
import dev.podnet.source.ClusterSource;
import dev.podnet.source.ModelBuilder;
import dev.podnet.source.SnapshotDirectorySource;
import dev.podnet.source.SourceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The planner over the recorded examples (each example's README says what a fix must do there) and
 * over small clusters built for one refusal or one drain filter each.
 */
class FixPlannerTest {

  static FixPlan planExample(String example, FixPlanner.Request request) throws SourceException {
    Path dir = Path.of("examples", example);
    ClusterModel model;
    try (ClusterSource source = new SnapshotDirectorySource(dir)) {
      model = ModelBuilder.build(source);
    }
    DrainFacts facts;
    try (ClusterSource source = new SnapshotDirectorySource(dir)) {
      facts = DrainFactsReader.read(source, FixPlanner.nodesToDrain(model, request));
    }
    return new FixPlanner(TestCluster.CLOCK).plan(model, facts, request);
  }

  static FixPlanner.Request all() {
    return new FixPlanner.Request(List.of(), true, FixOptions.defaults());
  }

  private static Map<String, String> refusalIds(FixPlan plan) {
    return plan.refusals().stream()
        .collect(Collectors.toMap(r -> r.scope() + " " + r.id(), Refusal::message, (a, b) -> a));
  }

  // --- the examples

  @Test
  void dualStackPartialRollsTheNodeWithoutAnIpv6Cidr() throws Exception {
    FixPlan plan = planExample("dual-stack-partial", all());
    assertThat(plan.refusals()).isEmpty();
    assertThat(plan.clusterCidrs()).containsExactly("10.244.0.0/16", "fd00:10:244::/56");
    assertThat(plan.nodeMasks()).containsExactly(24, 64);
    assertThat(plan.nodes()).extracting(NodePlan::node).containsExactly("worker-2");
    NodePlan node = plan.nodes().get(0);
    assertThat(node.cause()).isEqualTo("node_cidr_missing");
    assertThat(node.reason()).contains("IPv6");
    assertThat(node.currentCidrs()).containsExactly("10.244.2.0/24");
    assertThat(node.evictions())
        .extracting(PlannedEviction::key)
        .containsExactly(
            "apps/legacy-api-69c489b7b6-bfjwx",
            "apps/podinfo-678f787d8d-q775r",
            "apps/podinfo-678f787d8d-w2rzk");
    assertThat(node.pods())
        .filteredOn(p -> !p.evicted())
        .allSatisfy(p -> assertThat(p.reason()).isEqualTo("ignoring DaemonSet-managed Pods"))
        .hasSize(3);
    assertThat(node.pdbs()).containsExactly("apps/legacy-api", "apps/podinfo");
    assertThat(node.steps())
        .extracting(FixStep::kind)
        .containsExactly(
            StepKind.CORDON,
            StepKind.EVICT,
            StepKind.WAIT_PODS_GONE,
            StepKind.DELETE_NODE,
            StepKind.RESTART_KUBELET,
            StepKind.WAIT_REGISTERED,
            StepKind.RECORDON,
            StepKind.WAIT_CIDR,
            StepKind.VERIFY,
            StepKind.UNCORDON);
    assertThat(node.steps().get(4).action()).contains("sudo systemctl restart kubelet");
    assertThat(node.steps().get(8).waitsFor()).contains("kube-flannel-ds");
    assertThat(plan.notes())
        .anySatisfy(
            n ->
                assertThat(n)
                    .contains("apps/legacy-api")
                    .contains("needs 1 healthy pods and has 1 currently")
                    .contains("worker-2 cordoned"));
  }

  @Test
  void cidrDriftIsRefusedWhileNodeIpamIsOffAndFlannelStatesTheOldRange() throws Exception {
    FixPlan plan = planExample("cidr-drift", all());
    assertThat(plan.nodes()).isEmpty();
    Map<String, String> refusals = refusalIds(plan);
    assertThat(refusals.keySet())
        .containsExactlyInAnyOrder("cluster node-ipam-off", "cluster layers-disagree");
    assertThat(refusals.get("cluster node-ipam-off"))
        .contains("--allocate-node-cidrs=false")
        .contains("control-plane, worker-1, worker-2");
    assertThat(refusals.get("cluster layers-disagree"))
        .contains("10.244.0.0/16")
        .contains("10.32.0.0/16");
    assertThat(plan.notes())
        .anySatisfy(n -> assertThat(n).startsWith("control-plane needs a new pod CIDR"))
        .anySatisfy(n -> assertThat(n).startsWith("kubeadm networking.podSubnet"));
  }

  @Test
  void nodeCidrMissingIsRefusedWhileTheNodeIpamControllerIsDisabled() throws Exception {
    FixPlan plan = planExample("node-cidr-missing", all());
    assertThat(plan.nodes()).isEmpty();
    assertThat(refusalIds(plan)).containsOnlyKeys("cluster node-ipam-off");
    assertThat(refusalIds(plan).get("cluster node-ipam-off")).contains("-node-ipam-controller");
    assertThat(plan.notes())
        .anySatisfy(n -> assertThat(n).startsWith("worker-3 needs a new pod CIDR"));
  }

  @Test
  void outOfCidrsIsRefusedAsPoolExhausted() throws Exception {
    FixPlan plan = planExample("out-of-cidrs", all());
    assertThat(plan.nodes()).isEmpty();
    assertThat(refusalIds(plan)).containsOnlyKeys("worker-8 pool-exhausted");
    assertThat(refusalIds(plan).get("worker-8 pool-exhausted"))
        .contains("10.244.0.0/21 holds 8 /24 node CIDRs and all 8 are taken")
        .contains("wider cluster CIDR")
        .contains("not a roll");
  }

  @Test
  void managedEksNodesAreRefusedUnlessAllowed() throws Exception {
    String node = "ip-10-0-13-57.us-east-2.compute.internal";
    FixPlan plan =
        planExample(
            "managed-eks", new FixPlanner.Request(List.of(node), false, FixOptions.defaults()));
    Refusal managed = plan.refusals().get(0);
    assertThat(managed.id()).isEqualTo("managed-node");
    assertThat(managed.scope()).isEqualTo(node);
    assertThat(managed.message()).contains("eks.amazonaws.com/nodegroup=app-m5l");
    assertThat(managed.override()).isEqualTo("--allow-managed-nodes");
    // with the flag it is still not rolled: on the VPC CNI there is nothing wrong with its CIDR
    FixPlan allowed =
        planExample(
            "managed-eks",
            new FixPlanner.Request(List.of(node), false, options(o -> o.allowManagedNodes = true)));
    assertThat(allowed.refusals()).extracting(Refusal::id).containsExactly("nothing-to-fix");
  }

  // --- refusals on small clusters

  private static TestCluster nodeIpam(String clusterCidr) {
    TestCluster cluster = new TestCluster();
    cluster.controllerManager(
        "--allocate-node-cidrs=true", "--cluster-cidr=" + clusterCidr, "--node-cidr-mask-size=24");
    return cluster;
  }

  @Test
  void aNamedNodeThatDoesNotExistOrHasNothingToFixIsRefused() throws Exception {
    TestCluster cluster = nodeIpam("10.0.0.0/16");
    cluster.node("a", "10.0.1.0/24");
    cluster.node("b");
    FixPlan plan =
        cluster.plan(
            new FixPlanner.Request(List.of("nope", "a", "b"), false, FixOptions.defaults()));
    assertThat(plan.refusals())
        .extracting(r -> r.scope() + " " + r.id())
        .containsExactly("nope node-not-found", "a nothing-to-fix");
    assertThat(plan.nodes()).extracting(NodePlan::node).containsExactly("b");
    assertThat(plan.nodes().get(0).cause()).isEqualTo("node_cidr_missing");
  }

  @Test
  void poolExhaustedRefusesOnlyTheNodesBeyondWhatFits() throws Exception {
    // a /22 holds four /24s: two taken, one drifted node holds none of them, so two are free for
    // three nodes that need one
    TestCluster cluster = nodeIpam("10.0.0.0/22");
    cluster.node("a", "10.0.0.0/24");
    cluster.node("b", "10.0.1.0/24");
    cluster.node("c");
    cluster.node("d");
    cluster.node("e", "10.99.0.0/24");
    FixPlan plan = cluster.planAll();
    assertThat(plan.nodes()).extracting(NodePlan::node).containsExactly("c", "d");
    assertThat(plan.refusals())
        .extracting(r -> r.scope() + " " + r.id())
        .containsExactly("e pool-exhausted");
    assertThat(plan.refusals().get(0).message())
        .contains(
            "10.0.0.0/22 holds 4 /24 node CIDRs and all 4 are taken once the nodes before it");
  }

  @Test
  void aNodeThatHoldsACidrInsideThePoolReleasesItBeforeItTakesOne() throws Exception {
    // full pool, but the wrong-mask node gives its /23 back when deleted
    TestCluster cluster = nodeIpam("10.0.0.0/23");
    cluster.node("a", "10.0.0.0/23");
    FixPlan plan = cluster.planAll();
    assertThat(plan.refusals()).isEmpty();
    assertThat(plan.nodes()).extracting(NodePlan::node).containsExactly("a");
    assertThat(plan.nodes().get(0).reason()).contains("/23");
  }

  @Test
  void noSpareCapacityRefusesANodeWhosePodsDoNotFitElsewhere() throws Exception {
    TestCluster cluster = nodeIpam("10.0.0.0/16");
    cluster.node("full", "10.0.1.0/24").with("status").with("allocatable").put("pods", "2");
    cluster.pod("apps", "already-there", "full");
    cluster.node("drifted", "10.9.0.0/24");
    cluster.pod("apps", "one", "drifted");
    cluster.pod("apps", "two", "drifted");
    FixPlan plan = cluster.planAll();
    assertThat(plan.nodes()).isEmpty();
    assertThat(plan.refusals()).extracting(Refusal::id).containsExactly("no-spare-capacity");
    assertThat(plan.refusals().get(0).message())
        .contains("the 2 pods evicted from drifted")
        .contains("1 free pod slots (full 1)");
  }

  @Test
  void cordonedAndTaintedNodesOfferNoCapacity() throws Exception {
    TestCluster cluster = nodeIpam("10.0.0.0/16");
    cluster.node("cordoned", "10.0.1.0/24").with("spec").put("unschedulable", true);
    cluster
        .node("tainted", "10.0.2.0/24")
        .with("spec")
        .putArray("taints")
        .addObject()
        .put("key", "dedicated")
        .put("effect", "NoSchedule");
    cluster.node("drifted", "10.9.0.0/24");
    cluster.pod("apps", "one", "drifted");
    FixPlan plan = cluster.planAll();
    assertThat(plan.refusals()).extracting(Refusal::id).containsExactly("no-spare-capacity");
    assertThat(plan.refusals().get(0).message()).contains("0 free pod slots");
  }

  @Test
  void notNodeIpamRefusesEverything() throws Exception {
    TestCluster cluster = new TestCluster();
    ObjectNode config = TestCluster.JSON.createObjectNode();
    config.putObject("metadata").put("namespace", "kube-system").put("name", "cilium-config");
    config
        .putObject("data")
        .put("ipam", "cluster-pool")
        .put("cluster-pool-ipv4-cidr", "10.0.0.0/8");
    cluster.add(Resource.CONFIGMAPS, config);
    cluster.node("a", "10.1.0.0/24");
    cluster.node("b", "10.1.0.0/25");
    FixPlan plan = cluster.planAll();
    assertThat(plan.nodes()).isEmpty();
    assertThat(plan.refusals()).extracting(Refusal::id).containsExactly("not-node-ipam");
    assertThat(plan.refusals().get(0).message()).contains("Cilium cluster-pool");
  }

  @Test
  void unknownClusterCidrRefusesEverything() throws Exception {
    TestCluster cluster = new TestCluster();
    cluster.node("a", "10.1.0.0/24");
    cluster.node("b", "10.1.0.0/24");
    FixPlan plan = cluster.planAll();
    assertThat(plan.nodes()).isEmpty();
    assertThat(plan.refusals()).extracting(Refusal::id).containsExactly("cluster-cidr-unknown");
  }

  @Test
  void overlappingNodesRollTheLaterOneOnly() throws Exception {
    TestCluster cluster = nodeIpam("10.0.0.0/16");
    cluster.node("first", "10.0.1.0/24");
    cluster.node("second", "10.0.1.0/24");
    FixPlan plan = cluster.planAll();
    assertThat(plan.nodes()).extracting(NodePlan::node).containsExactly("second");
    assertThat(plan.nodes().get(0).reason()).contains("overlaps first's (10.0.1.0/24)");
    assertThat(plan.notes())
        .anySatisfy(n -> assertThat(n).contains("Restart kube-controller-manager"));
  }

  @Test
  void theNodeIpamControllerSwitch() {
    assertThat(FixPlanner.nodeIpamDisabled(null)).isFalse();
    assertThat(FixPlanner.nodeIpamDisabled("*,bootstrapsigner,tokencleaner")).isFalse();
    assertThat(FixPlanner.nodeIpamDisabled("*,-nodeipam")).isTrue();
    assertThat(FixPlanner.nodeIpamDisabled("*,-node-ipam-controller")).isTrue();
    assertThat(FixPlanner.nodeIpamDisabled("garbagecollector,namespace")).isTrue();
    assertThat(FixPlanner.nodeIpamDisabled("nodeipam")).isFalse();
  }

  // --- the drain

  @Test
  void kubectlDrainFiltersInTheirOrder() throws Exception {
    TestCluster cluster = nodeIpam("10.0.0.0/16");
    cluster.node("spare", "10.0.1.0/24");
    cluster.node("n");
    ObjectNode daemon = cluster.pod("kube-system", "agent", "n", "Running");
    daemon
        .with("metadata")
        .putArray("ownerReferences")
        .addObject()
        .put("kind", "DaemonSet")
        .put("name", "agent")
        .put("controller", true);
    cluster.add(Resource.PODS, daemon);
    ObjectNode mirror = cluster.pod("kube-system", "static-n", "n", "Running");
    mirror.with("metadata").putObject("annotations").put("kubernetes.io/config.mirror", "abc");
    cluster.add(Resource.PODS, mirror);
    cluster
        .pod("apps", "going", "n")
        .with("metadata")
        .put("deletionTimestamp", "2026-11-20T09:59:00Z");
    ObjectNode done = cluster.pod("ops", "job-x", "n", "Succeeded");
    done.with("metadata")
        .putArray("ownerReferences")
        .addObject()
        .put("kind", "Job")
        .put("name", "job")
        .put("controller", true);
    cluster.add(Resource.PODS, done);
    cluster
        .pod("apps", "cache", "n")
        .with("spec")
        .putArray("volumes")
        .addObject()
        .put("name", "tmp")
        .putObject("emptyDir");
    cluster.pod("apps", "web", "n");
    FixPlan plan = cluster.planAll();
    Map<String, PlannedEviction> pods =
        plan.nodes().get(0).pods().stream().collect(Collectors.toMap(PlannedEviction::key, p -> p));
    assertThat(pods.get("kube-system/agent").action()).isEqualTo("skip");
    assertThat(pods.get("kube-system/agent").reason()).isEqualTo("ignoring DaemonSet-managed Pods");
    assertThat(pods.get("kube-system/static-n").action()).isEqualTo("skip");
    assertThat(pods.get("apps/going").action()).isEqualTo("skip");
    assertThat(pods.get("apps/going").reason()).contains("terminating");
    assertThat(pods.get("ops/job-x").action()).isEqualTo("evict");
    assertThat(pods.get("ops/job-x").reason()).contains("finished (Succeeded)");
    assertThat(pods.get("apps/cache").action()).isEqualTo("evict");
    assertThat(pods.get("apps/cache").reason())
        .contains("deleting Pods with local storage (emptyDir tmp)");
    assertThat(pods.get("apps/web").action()).isEqualTo("evict");
    assertThat(plan.nodes().get(0).steps().get(1).action()).startsWith("Evict 3 pods");
  }

  @Test
  void unreplicatedPodsRefuseTheNodeUnlessEvictUnreplicated() throws Exception {
    TestCluster cluster = nodeIpam("10.0.0.0/16");
    cluster.node("spare", "10.0.1.0/24");
    cluster.node("n");
    cluster.add(Resource.PODS, cluster.pod("default", "bare", "n", "Running"));
    FixPlan refused = cluster.planAll();
    assertThat(refused.nodes()).isEmpty();
    assertThat(refused.refusals().get(0).id()).isEqualTo("unreplicated-pods");
    assertThat(refused.refusals().get(0).message())
        .startsWith(
            "cannot delete Pods that declare no controller (use --evict-unreplicated to override): default/bare");
    assertThat(refused.refusals().get(0).override()).isEqualTo("--evict-unreplicated");

    FixPlan forced = cluster.planAll(options(o -> o.evictUnreplicated = true));
    assertThat(forced.refusals()).isEmpty();
    assertThat(forced.nodes().get(0).pods().get(0).reason())
        .isEqualTo("deleting Pods that declare no controller");
    assertThat(forced.options().evictUnreplicated()).isTrue();
  }

  @Test
  void aPodUnderTwoBudgetsRefusesTheNode() throws Exception {
    TestCluster cluster = nodeIpam("10.0.0.0/16");
    cluster.node("spare", "10.0.1.0/24");
    cluster.node("n");
    cluster
        .pod("apps", "web", "n")
        .with("metadata")
        .putObject("labels")
        .put("app", "web")
        .put("tier", "front");
    cluster.pdb("apps", "by-app", "web", 1, 2, 1);
    ObjectNode second = cluster.pdb("apps", "by-tier", "other", 1, 2, 1);
    second.with("spec").with("selector").remove("matchLabels");
    second
        .with("spec")
        .with("selector")
        .putArray("matchExpressions")
        .addObject()
        .put("key", "tier")
        .put("operator", "In")
        .putArray("values")
        .add("front");
    FixPlan plan = cluster.planAll();
    assertThat(plan.refusals()).extracting(Refusal::id).containsExactly("multiple-pdbs");
    assertThat(plan.refusals().get(0).message())
        .contains("apps/web is selected by 2 PodDisruptionBudgets (apps/by-app, apps/by-tier)")
        .contains(
            "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
  }

  @Test
  void aBudgetThatAllowsNoDisruptionIsANoteWithTheEvictionApisWords() throws Exception {
    TestCluster cluster = nodeIpam("10.0.0.0/16");
    cluster.node("spare", "10.0.1.0/24");
    cluster.node("n");
    cluster.pod("apps", "db-0", "n").with("metadata").putObject("labels").put("app", "db");
    cluster.pdb("apps", "db", "db", 0, 2, 2);
    cluster.pdb("other", "db", "db", 0, 2, 2); // another namespace: selects nothing here
    FixPlan plan = cluster.planAll(options(o -> o.evictionTimeout = Duration.ofSeconds(90)));
    assertThat(plan.nodes().get(0).pdbs()).containsExactly("apps/db");
    assertThat(plan.notes())
        .filteredOn(n -> n.contains("PodDisruptionBudget"))
        .containsExactly(
            "n: PodDisruptionBudget apps/db allows no disruption now (it needs 2 healthy pods and has 2"
                + " currently): the eviction of apps/db-0 is retried until --eviction-timeout (1m30s),"
                + " then the run stops with n cordoned");
  }

  @Test
  void theCheapestNodeGoesFirst() throws Exception {
    TestCluster cluster = nodeIpam("10.0.0.0/16");
    cluster.node("spare", "10.0.1.0/24");
    cluster.node("a");
    cluster.node("b");
    cluster.node("c");
    cluster.pod("apps", "a1", "a");
    cluster.pod("apps", "a2", "a");
    cluster.pod("apps", "c1", "c");
    FixPlan plan = cluster.planAll();
    assertThat(plan.nodes()).extracting(NodePlan::node).containsExactly("b", "c", "a");
  }

  @Test
  void stepsFollowTheOptions() throws Exception {
    TestCluster cluster = nodeIpam("10.0.0.0/16");
    cluster.node("n");
    FixPlan plan =
        cluster.planAll(
            options(
                o -> {
                  o.kubeletRestart = FixOptions.POD;
                  o.canaryImage = "registry.k8s.io/pause:3.9";
                  o.cidrTimeout = Duration.ofSeconds(45);
                }));
    List<FixStep> steps = plan.nodes().get(0).steps();
    assertThat(steps).extracting(FixStep::kind).contains(StepKind.CANARY);
    FixStep restart =
        steps.stream().filter(s -> s.kind() == StepKind.RESTART_KUBELET).findFirst().orElseThrow();
    assertThat(restart.action())
        .contains("privileged pod (busybox:1.36) on n")
        .contains("systemctl restart kubelet");
    FixStep cidr =
        steps.stream().filter(s -> s.kind() == StepKind.WAIT_CIDR).findFirst().orElseThrow();
    assertThat(cidr.timeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(plan.createdAt()).isEqualTo(TestCluster.CLOCK.instant());
  }

  @Test
  void managedPlatformsAreRecognisedByLabelAndProviderId() throws Exception {
    Map<String, String> cases =
        Map.of(
            "karpenter.sh/nodepool", "Karpenter NodePool",
            "cloud.google.com/gke-nodepool", "GKE node pool",
            "kubernetes.azure.com/agentpool", "AKS agent pool");
    for (Map.Entry<String, String> label : cases.entrySet()) {
      TestCluster cluster = nodeIpam("10.0.0.0/16");
      cluster.node("n").with("metadata").with("labels").put(label.getKey(), "pool-1");
      FixPlan plan = cluster.planAll();
      assertThat(plan.refusals())
          .extracting(Refusal::id)
          .as(label.getKey())
          .containsExactly("managed-node");
      assertThat(plan.refusals().get(0).message())
          .contains(label.getValue())
          .contains(label.getKey() + "=pool-1");
    }
    for (String provider :
        List.of(
            "gce://project/us-central1-a/n",
            "azure:///subscriptions/s/resourceGroups/mc_rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss/virtualMachines/0")) {
      TestCluster cluster = nodeIpam("10.0.0.0/16");
      cluster.node("n").with("spec").put("providerID", provider);
      FixPlan plan = cluster.planAll();
      assertThat(plan.refusals())
          .extracting(Refusal::id)
          .as(provider)
          .containsExactly("managed-node");
      assertThat(plan.refusals().get(0).message()).contains("providerID " + provider);
    }
    // AWS without a node group label (kops, self-managed) is not managed
    TestCluster selfManaged = nodeIpam("10.0.0.0/16");
    selfManaged.node("n").with("spec").put("providerID", "aws:///us-east-1a/i-0abc");
    assertThat(selfManaged.planAll().refusals()).isEmpty();
  }

  /** Options built from the defaults with some fields changed. */
  static FixOptions options(java.util.function.Consumer<MutableOptions> change) {
    MutableOptions o = new MutableOptions(FixOptions.defaults());
    change.accept(o);
    return o.build();
  }

  /** A mutable copy of {@link FixOptions} for tests. */
  static final class MutableOptions {
    String kubeletRestart;
    String restartImage;
    String canaryImage;
    boolean allowManagedNodes;
    Duration evictionTimeout;
    Duration registerTimeout;
    Duration cidrTimeout;
    Duration readyTimeout;
    Duration pollInterval;
    Duration leaseDuration;
    boolean evictUnreplicated;

    MutableOptions(FixOptions o) {
      kubeletRestart = o.kubeletRestart();
      restartImage = o.restartImage();
      canaryImage = o.canaryImage();
      allowManagedNodes = o.allowManagedNodes();
      evictionTimeout = o.evictionTimeout();
      registerTimeout = o.registerTimeout();
      cidrTimeout = o.cidrTimeout();
      readyTimeout = o.readyTimeout();
      pollInterval = o.pollInterval();
      leaseDuration = o.leaseDuration();
      evictUnreplicated = o.evictUnreplicated();
    }

    FixOptions build() {
      return new FixOptions(
          kubeletRestart,
          restartImage,
          canaryImage,
          allowManagedNodes,
          evictionTimeout,
          registerTimeout,
          cidrTimeout,
          readyTimeout,
          pollInterval,
          leaseDuration,
          evictUnreplicated);
    }
  }
}
