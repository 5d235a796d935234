package dev.podnet.fix;

import dev.podnet.cidr.Cidr;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A map-backed cluster with just enough controllers to roll nodes in virtual time: a
 * controller-manager that gives a registered Node without a pod CIDR the next free block of the
 * cluster CIDR (and frees a deleted Node's block), a kubelet per node that registers a new Node
 * when its restart pod runs (or when the test says the operator restarted it), DaemonSet agents
 * that become Ready once their node has a CIDR, ReplicaSets that replace evicted pods on another
 * schedulable node, PodDisruptionBudgets with their {@code disruptionsAllowed}, and PodGC.
 *
 * <p>It checks the rolling fix's safety rules after every write and records each breach in {@link
 * #violations()}: never two nodes cordoned at once, never a Node deleted while an evictable pod is
 * on it, never a Node deleted that was not planned.
 */
final class FakeCluster implements FixCluster {
  static final String AGENT_NAMESPACE = "kube-flannel";
  static final String AGENT_DAEMONSET = "kube-flannel-ds";

  /** One Node. */
  static final class FakeNode {
    final String name;
    final String uid;
    boolean unschedulable;
    final List<String> podCidrs = new ArrayList<>();
    final Map<String, String> annotations = new TreeMap<>();

    /** Set up without a CIDR: the controller-manager failed it once and does not retry here. */
    boolean neverAllocated;

    FakeNode(String name, String uid) {
      this.name = name;
      this.uid = uid;
    }

    ClusterNode view() {
      Map<String, String> own = new TreeMap<>();
      annotations.forEach(
          (k, v) -> {
            if (k.startsWith("podnet.dev/")) {
              own.put(k, v);
            }
          });
      return new ClusterNode(name, uid, unschedulable, podCidrs, true, own);
    }
  }

  /** One pod. */
  static final class FakePod {
    final String namespace;
    final String name;
    final String uid;
    final String node;
    final String ownerKind;
    final String ownerName;
    final String app;
    boolean mirror;
    String phase = "Running";
    boolean terminating;
    boolean ready;
    final List<String> ips = new ArrayList<>();
    boolean helper;

    FakePod(
        String namespace,
        String name,
        String uid,
        String node,
        String ownerKind,
        String ownerName,
        String app) {
      this.namespace = namespace;
      this.name = name;
      this.uid = uid;
      this.node = node;
      this.ownerKind = ownerKind;
      this.ownerName = ownerName;
      this.app = app;
    }

    String key() {
      return namespace + "/" + name;
    }

    ClusterPod view() {
      return new ClusterPod(
          namespace, name, uid, node, ownerKind, ownerName, mirror, phase, terminating, ready, ips);
    }
  }

  /** A PodDisruptionBudget over the pods of one app label. */
  record FakePdb(String namespace, String name, String app, int minAvailable) {}

  private final Clock clock;
  private final Map<String, FakeNode> nodes = new LinkedHashMap<>();
  private final Map<String, FakePod> pods = new LinkedHashMap<>();
  private final List<FakePdb> pdbs = new ArrayList<>();
  private final Cidr clusterCidr;
  private final int nodeMask;
  private final Set<Integer> usedBlocks = new HashSet<>();
  private final Set<String> planned = new HashSet<>();
  private final Set<Permission> denied = new HashSet<>();
  private final List<String> violations = new ArrayList<>();
  private final Map<String, Integer> operatorRestartIn = new HashMap<>();
  private final Set<String> neverReRegister = new HashSet<>();
  private final List<String> deletedNodes = new ArrayList<>();
  private boolean agents = true;
  private boolean evictionsEverAllowed = true;
  private int ticksPerOperatorRestart = -1;
  private int uids;
  private int leaseVersion;
  private LeaseRecord lease;
  private int replicaCounter;
  private long writes;

  FakeCluster(Clock clock, String clusterCidr, int nodeMask) {
    this.clock = clock;
    this.clusterCidr = Cidr.parse(clusterCidr);
    this.nodeMask = nodeMask;
  }

  // ---- set-up ------------------------------------------------------------------------------

  /** A node with a CIDR from the cluster CIDR, an agent pod and nothing else. */
  FakeNode addNode(String name) {
    FakeNode node = register(name);
    allocate(node);
    return node;
  }

  /** A node holding a CIDR of another (old) range, as after a cluster CIDR change. */
  FakeNode addDriftedNode(String name, String oldCidr) {
    FakeNode node = register(name);
    node.podCidrs.add(oldCidr);
    return node;
  }

  /** A node without a pod CIDR, as when the pool ran dry when it registered. */
  FakeNode addNodeWithoutCidr(String name) {
    FakeNode node = register(name);
    node.neverAllocated = true;
    return node;
  }

  /** {@code replicas} pods of a ReplicaSet, spread round-robin over the nodes given. */
  void addReplicaSet(String namespace, String app, int replicas, List<String> onNodes) {
    for (int i = 0; i < replicas; i++) {
      FakePod pod =
          new FakePod(
              namespace,
              app + "-" + i,
              nextUid(),
              onNodes.get(i % onNodes.size()),
              "ReplicaSet",
              app + "-rs",
              app);
      pod.ready = true;
      pods.put(pod.key(), pod);
    }
  }

  /** One more ready replica of an app's ReplicaSet. */
  void addReplica(String namespace, String app, String name, String node) {
    FakePod pod = new FakePod(namespace, name, nextUid(), node, "ReplicaSet", app + "-rs", app);
    pod.ready = true;
    pods.put(pod.key(), pod);
  }

  /** A pod that declares no controller. */
  FakePod addBarePod(String namespace, String name, String node) {
    FakePod pod = new FakePod(namespace, name, nextUid(), node, null, null, name);
    pod.ready = true;
    pods.put(pod.key(), pod);
    return pod;
  }

  /** A static pod's mirror. */
  void addMirrorPod(String namespace, String name, String node) {
    FakePod pod = new FakePod(namespace, name, nextUid(), node, "Node", node, name);
    pod.mirror = true;
    pod.ready = true;
    pods.put(pod.key(), pod);
  }

  void addPdb(String namespace, String name, String app, int minAvailable) {
    pdbs.add(new FakePdb(namespace, name, app, minAvailable));
  }

  /** {@code namespace/name} of the budgets over a pod. */
  List<String> pdbsOf(FakePod pod) {
    return pdbs.stream()
        .filter(b -> b.namespace().equals(pod.namespace) && b.app().equals(pod.app))
        .map(b -> b.namespace() + "/" + b.name())
        .toList();
  }

  void deny(Permission permission) {
    denied.add(permission);
  }

  void withoutAgents() {
    agents = false;
    pods.values().removeIf(p -> "DaemonSet".equals(p.ownerKind));
  }

  /** The nodes the run may delete; deleting any other is a violation. */
  void plan(List<String> names) {
    planned.addAll(names);
  }

  /** In manual mode: the operator restarts a deleted node's kubelet this many ticks later. */
  void operatorRestartsAfter(int ticks) {
    ticksPerOperatorRestart = ticks;
  }

  void kubeletNeverComesBack(String node) {
    neverReRegister.add(node);
  }

  void setLease(LeaseRecord record) {
    lease =
        new LeaseRecord(
            record.holder(),
            record.acquired(),
            record.renewed(),
            record.duration(),
            String.valueOf(++leaseVersion));
  }

  // ---- what the tests look at --------------------------------------------------------------

  List<String> violations() {
    return violations;
  }

  FakeNode fakeNode(String name) {
    return nodes.get(name);
  }

  Map<String, FakeNode> allNodes() {
    return nodes;
  }

  List<FakePod> podsOnNode(String node) {
    return pods.values().stream().filter(p -> node.equals(p.node)).toList();
  }

  List<String> deletedNodes() {
    return deletedNodes;
  }

  Optional<LeaseRecord> currentLease() {
    return Optional.ofNullable(lease);
  }

  long writes() {
    return writes;
  }

  Cidr clusterCidr() {
    return clusterCidr;
  }

  int nodeMask() {
    return nodeMask;
  }

  // ---- the controllers ---------------------------------------------------------------------

  /** One round of every controller, as if a moment passed. */
  void tick() {
    // PodGC and kubelets finish terminations; replicas replace evicted pods
    List<FakePod> gone = new ArrayList<>();
    for (FakePod pod : pods.values()) {
      if (pod.terminating || (!nodes.containsKey(pod.node) && !pod.helper)) {
        gone.add(pod);
      }
    }
    for (FakePod pod : gone) {
      pods.remove(pod.key());
      if ("ReplicaSet".equals(pod.ownerKind) && pod.terminating) {
        replace(pod);
      }
    }
    for (FakePod pod : pods.values()) {
      if ("ReplicaSet".equals(pod.ownerKind) && !pod.terminating && !pod.ready) {
        pod.ready = true;
      }
    }
    // the kubelets: a restart pod on a node without Node restarts it; the operator does likewise
    for (FakePod pod : new ArrayList<>(pods.values())) {
      if (pod.helper
          && pod.name.startsWith("podnet-kubelet-restart-")
          && "Pending".equals(pod.phase)) {
        pod.phase = "Succeeded";
        if (!nodes.containsKey(pod.node) && !neverReRegister.contains(pod.node)) {
          register(pod.node);
        }
      }
    }
    for (String name : new ArrayList<>(operatorRestartIn.keySet())) {
      int left = operatorRestartIn.get(name) - 1;
      if (left <= 0) {
        operatorRestartIn.remove(name);
        if (!nodes.containsKey(name) && !neverReRegister.contains(name)) {
          register(name);
        }
      } else {
        operatorRestartIn.put(name, left);
      }
    }
    // the controller-manager's node IPAM
    for (FakeNode node : nodes.values()) {
      if (node.podCidrs.isEmpty() && !node.neverAllocated) {
        allocate(node);
      }
    }
    // DaemonSet agents, Ready once the node has a CIDR; canaries get an address
    for (FakePod pod : pods.values()) {
      FakeNode node = nodes.get(pod.node);
      if (node == null || node.podCidrs.isEmpty()) {
        continue;
      }
      if ("DaemonSet".equals(pod.ownerKind)) {
        pod.ready = true;
      }
      if (pod.helper && pod.name.startsWith("podnet-canary-") && pod.ips.isEmpty()) {
        Cidr cidr = Cidr.parse(node.podCidrs.get(0));
        pod.ips.add(addressIn(cidr, 10));
        pod.ready = true;
      }
    }
  }

  private void replace(FakePod evicted) {
    List<FakeNode> candidates =
        nodes.values().stream()
            .filter(n -> !n.unschedulable && !n.podCidrs.isEmpty() && !n.name.equals(evicted.node))
            .toList();
    if (candidates.isEmpty()) {
      return;
    }
    FakeNode target = candidates.get(replicaCounter++ % candidates.size());
    FakePod pod =
        new FakePod(
            evicted.namespace,
            evicted.app + "-r" + replicaCounter,
            nextUid(),
            target.name,
            evicted.ownerKind,
            evicted.ownerName,
            evicted.app);
    pods.put(pod.key(), pod);
  }

  private FakeNode register(String name) {
    FakeNode node = new FakeNode(name, nextUid());
    node.annotations.put("node.alpha.kubernetes.io/ttl", "0");
    nodes.put(name, node);
    if (agents) {
      FakePod agent =
          new FakePod(
              AGENT_NAMESPACE,
              AGENT_DAEMONSET + "-" + node.uid.substring(node.uid.length() - 5),
              nextUid(),
              name,
              "DaemonSet",
              AGENT_DAEMONSET,
              "flannel");
      pods.put(agent.key(), agent);
    }
    return node;
  }

  private void allocate(FakeNode node) {
    int blocks = 1 << (nodeMask - clusterCidr.prefixLength());
    for (int i = 0; i < blocks; i++) {
      if (usedBlocks.add(i)) {
        node.podCidrs.add(block(i).toString());
        return;
      }
    }
  }

  private Cidr block(int index) {
    BigInteger first = new BigInteger(1, address(clusterCidr.networkAddress()));
    BigInteger start = first.add(BigInteger.valueOf(index).shiftLeft(32 - nodeMask));
    byte[] bytes = start.toByteArray();
    int[] octets = new int[4];
    for (int i = 0; i < 4; i++) {
      int from = bytes.length - 4 + i;
      octets[i] = from >= 0 ? bytes[from] & 0xff : 0;
    }
    return Cidr.parse(
        octets[0] + "." + octets[1] + "." + octets[2] + "." + octets[3] + "/" + nodeMask);
  }

  private static byte[] address(String dotted) {
    String[] parts = dotted.split("\\.");
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      bytes[i] = (byte) Integer.parseInt(parts[i]);
    }
    return bytes;
  }

  private static String addressIn(Cidr cidr, int offset) {
    String[] parts = cidr.networkAddress().split("\\.");
    return parts[0] + "." + parts[1] + "." + parts[2] + "." + (Integer.parseInt(parts[3]) + offset);
  }

  private void release(List<String> cidrs) {
    for (String text : cidrs) {
      Cidr cidr = Cidr.parse(text);
      if (clusterCidr.contains(cidr)) {
        BigInteger offset =
            new BigInteger(1, address(cidr.networkAddress()))
                .subtract(new BigInteger(1, address(clusterCidr.networkAddress())));
        usedBlocks.remove(offset.shiftRight(32 - nodeMask).intValue());
      }
    }
  }

  private String nextUid() {
    return String.format("00000000-0000-0000-0000-%012d", ++uids);
  }

  private void checkCordons() {
    long cordoned = nodes.values().stream().filter(n -> n.unschedulable).count();
    if (cordoned > 1) {
      violations.add(
          "two nodes cordoned at once: "
              + nodes.values().stream().filter(n -> n.unschedulable).map(n -> n.name).toList());
    }
  }

  // ---- FixCluster --------------------------------------------------------------------------

  @Override
  public Optional<ClusterNode> node(String name) {
    return Optional.ofNullable(nodes.get(name)).map(FakeNode::view);
  }

  @Override
  public List<ClusterNode> nodes() {
    return nodes.values().stream().map(FakeNode::view).toList();
  }

  @Override
  public void cordon(String name, String uid, String runId) throws FixApiException {
    FakeNode node = existing(name, uid);
    writes++;
    node.unschedulable = true;
    node.annotations.put(RUN_ANNOTATION, runId);
    checkCordons();
  }

  @Override
  public void uncordon(String name, String uid) throws FixApiException {
    FakeNode node = existing(name, uid);
    writes++;
    node.unschedulable = false;
    node.annotations.remove(RUN_ANNOTATION);
  }

  private FakeNode existing(String name, String uid) throws FixApiException {
    FakeNode node = nodes.get(name);
    if (node == null) {
      throw new FixApiException(404, "nodes \"" + name + "\" not found");
    }
    if (!node.uid.equals(uid)) {
      throw new FixApiException(
          409,
          "Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + node.uid);
    }
    return node;
  }

  @Override
  public List<ClusterPod> podsOn(String node) {
    return podsOnNode(node).stream().map(FakePod::view).toList();
  }

  @Override
  public EvictionResult evict(String namespace, String name) {
    FakePod pod = pods.get(namespace + "/" + name);
    if (pod == null) {
      return EvictionResult.notFound("pods \"" + name + "\" not found");
    }
    List<FakePdb> governing =
        pdbs.stream()
            .filter(b -> b.namespace().equals(namespace) && b.app().equals(pod.app))
            .toList();
    if (governing.size() > 1) {
      return EvictionResult.error(500, EvictionResult.MULTIPLE_PDBS_MESSAGE);
    }
    boolean budgeted = !pod.terminating && pod.ready && "Running".equals(pod.phase);
    if (!governing.isEmpty() && budgeted) {
      FakePdb pdb = governing.get(0);
      long healthy =
          pods.values().stream()
              .filter(p -> p.namespace.equals(namespace) && p.app.equals(pdb.app()))
              .filter(p -> p.ready && !p.terminating)
              .count();
      if (!evictionsEverAllowed || healthy - 1 < pdb.minAvailable()) {
        return EvictionResult.blocked(
            "Cannot evict pod as it would violate the pod's disruption budget.",
            "The disruption budget "
                + pdb.name()
                + " needs "
                + pdb.minAvailable()
                + " healthy pods and has "
                + healthy
                + " currently",
            Duration.ZERO);
      }
    }
    writes++;
    pod.terminating = true;
    pod.ready = false;
    return EvictionResult.evicted();
  }

  @Override
  public void deleteNode(String name, String uid) throws FixApiException {
    FakeNode node = existing(name, uid);
    writes++;
    List<String> evictable =
        podsOnNode(name).stream()
            .filter(p -> !p.mirror && !"DaemonSet".equals(p.ownerKind) && !p.helper)
            .map(FakePod::key)
            .toList();
    if (!evictable.isEmpty()) {
      violations.add("Node " + name + " deleted while evictable pods remain: " + evictable);
    }
    if (!planned.contains(name)) {
      violations.add("Node " + name + " deleted but not planned");
    }
    nodes.remove(name);
    deletedNodes.add(name);
    release(node.podCidrs);
    if (ticksPerOperatorRestart >= 0) {
      operatorRestartIn.put(name, ticksPerOperatorRestart);
    }
  }

  /**
   * The next helper pods created are lost: the create answers as if it had worked, but no pod
   * exists (an answer that was a proxy's, or PodGC removing a pod of a deleted Node first).
   */
  void loseHelperPods(int count) {
    helperPodsToLose = count;
  }

  private int helperPodsToLose;

  @Override
  public boolean createPod(HelperPod spec) {
    String key = spec.namespace() + "/" + spec.name();
    if (pods.containsKey(key)) {
      return false;
    }
    writes++;
    if (helperPodsToLose > 0) {
      helperPodsToLose--;
      return true;
    }
    FakePod pod =
        new FakePod(spec.namespace(), spec.name(), nextUid(), spec.node(), null, null, "");
    pod.helper = true;
    pod.phase = "Pending";
    pods.put(key, pod);
    return true;
  }

  @Override
  public Optional<ClusterPod> pod(String namespace, String name) {
    return Optional.ofNullable(pods.get(namespace + "/" + name)).map(FakePod::view);
  }

  @Override
  public void deletePod(String namespace, String name) throws FixApiException {
    if (pods.remove(namespace + "/" + name) == null) {
      throw new FixApiException(404, "pods \"" + name + "\" not found");
    }
    writes++;
  }

  @Override
  public List<String> cniAgentDaemonSets() {
    return agents ? List.of(AGENT_NAMESPACE + "/" + AGENT_DAEMONSET) : List.of();
  }

  @Override
  public Optional<LeaseRecord> lease() {
    return Optional.ofNullable(lease);
  }

  @Override
  public LeaseRecord createLease(String holder, Instant now, Duration duration)
      throws FixApiException {
    if (lease != null) {
      throw new FixApiException(409, "leases.coordination.k8s.io \"podnet-fix\" already exists");
    }
    writes++;
    lease = new LeaseRecord(holder, now, now, duration, String.valueOf(++leaseVersion));
    return lease;
  }

  @Override
  public LeaseRecord updateLease(LeaseRecord next) throws FixApiException {
    if (lease == null) {
      throw new FixApiException(404, "leases.coordination.k8s.io \"podnet-fix\" not found");
    }
    if (!lease.resourceVersion().equals(next.resourceVersion())) {
      throw new FixApiException(409, "the object has been modified");
    }
    writes++;
    lease =
        new LeaseRecord(
            next.holder(),
            next.acquired(),
            next.renewed(),
            next.duration(),
            String.valueOf(++leaseVersion));
    return lease;
  }

  @Override
  public boolean allowed(Permission permission) {
    return !denied.contains(permission);
  }

  /** Makes every PDB refuse every eviction, whatever the pod counts say. */
  void pdbsNeverAllow() {
    evictionsEverAllowed = false;
  }

  Instant now() {
    return clock.instant();
  }
}
