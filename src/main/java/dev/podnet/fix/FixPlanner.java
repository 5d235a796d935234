package dev.podnet.fix;

import dev.podnet.check.Check;
import dev.podnet.check.CidrDriftCheck;
import dev.podnet.check.ClusterNetwork;
import dev.podnet.check.Finding;
import dev.podnet.check.IpamModel;
import dev.podnet.check.NodeCidrCheck;
import dev.podnet.check.NodeCidrOverlapCheck;
import dev.podnet.check.NodeCidrShapeCheck;
import dev.podnet.cidr.Cidr;
import dev.podnet.cidr.IpamException;
import dev.podnet.cidr.NodeCidrPool;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.NodeInfo;
import dev.podnet.model.PodInfo;
import dev.podnet.model.RootCause;
import dev.podnet.model.SourceInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plans {@code podnet fix node-cidr}: which nodes need a new pod CIDR and why (the findings of
 * {@code podnet cidr}), what would make rolling them unsafe or pointless (refusals), and the seed
 * runbook's steps for each node in order. Pure: the model, the drain facts and the clock in, a
 * {@link FixPlan} out.
 */
public final class FixPlanner {

  /**
   * What the user asked for.
   *
   * @param nodes the nodes named with {@code --node}, in the order given; ignored with {@code
   *     allDrifted}
   * @param allDrifted every node {@code podnet cidr} finds a pod CIDR problem on
   */
  public record Request(List<String> nodes, boolean allDrifted, FixOptions options) {
    public Request {
      nodes = List.copyOf(nodes);
    }
  }

  /**
   * A node that needs a new pod CIDR.
   *
   * @param cause {@code node_cidr_missing} or {@code cidr_conflict}
   * @param reason every problem found with its pod CIDR, joined
   * @param overlapsWith the other node whose CIDR overlaps this one's, or null
   */
  public record Candidate(String node, String cause, String reason, String overlapsWith) {}

  /** Labels the kubelet (or the cloud provider) sets again when a node registers. */
  private static final List<String> KUBELET_LABEL_PREFIXES =
      List.of(
          "kubernetes.io/hostname",
          "kubernetes.io/os",
          "kubernetes.io/arch",
          "beta.kubernetes.io/",
          "node.kubernetes.io/instance-type",
          "topology.kubernetes.io/",
          "failure-domain.beta.kubernetes.io/");

  private final Clock clock;

  public FixPlanner(Clock clock) {
    this.clock = clock;
  }

  /**
   * Every node with a pod CIDR that only re-registration can change, by name, from the findings of
   * the {@code podnet cidr} checks: no pod CIDR, outside the current cluster CIDR, a wrong mask or
   * a family missing, overlapping another node's (one node per overlapping pair).
   */
  public static Map<String, Candidate> candidates(ClusterModel model) {
    Map<String, List<String>> reasons = new TreeMap<>();
    Map<String, String> causes = new TreeMap<>();
    List<Finding> overlaps = new ArrayList<>();
    List<Check> checks =
        List.of(
            new NodeCidrCheck(),
            new CidrDriftCheck(),
            new NodeCidrShapeCheck(),
            new NodeCidrOverlapCheck());
    ClusterNetwork network = ClusterNetwork.of(model);
    for (Check check : checks) {
      for (Finding finding : check.run(model)) {
        switch (finding.checkId()) {
          case "node-pod-cidr" ->
              add(
                  reasons,
                  causes,
                  finding.scope(),
                  RootCause.NODE_CIDR_MISSING.id(),
                  "has no pod CIDR, and "
                      + finding.evidence().stream()
                          .filter(e -> "decision".equals(e.kind()))
                          .map(e -> e.text())
                          .findFirst()
                          .orElse("nodes should hold one"));
          case "cidr-drift" -> {
            if (finding.nodes().isEmpty()) {
              continue; // the layers disagree: a cluster matter, see the refusals
            }
            String current =
                String.join(",", network.clusterCidrs().stream().map(Cidr::text).toList());
            for (String name : finding.nodes()) {
              NodeInfo node = model.nodes().get(name);
              List<String> outside =
                  cidrs(node).stream()
                      .filter(c -> network.clusterCidrs().stream().noneMatch(k -> k.contains(c)))
                      .map(Cidr::text)
                      .toList();
              add(
                  reasons,
                  causes,
                  name,
                  RootCause.CIDR_CONFLICT.id(),
                  "pod CIDR "
                      + String.join(",", outside)
                      + " is outside the cluster CIDR "
                      + current
                      + " ("
                      + network.clusterCidrSource()
                      + ")");
            }
          }
          case "node-cidr-shape" -> {
            String name = finding.scope();
            String text =
                finding.summary() != null && finding.summary().startsWith(name + ": ")
                    ? finding.summary().substring(name.length() + 2)
                    : finding.title().startsWith(name + " ")
                        ? finding.title().substring(name.length() + 1)
                        : finding.title();
            if (text.endsWith(".")) {
              text = text.substring(0, text.length() - 1);
            }
            add(reasons, causes, name, finding.cause().id(), text);
          }
          case "node-cidr-overlaps" -> overlaps.add(finding);
          default -> {
            // other checks are not asked
          }
        }
      }
    }
    // one node of each overlapping pair is enough: the one already rolled for another reason,
    // else the one that registered later (the earlier one is the allocator's own assignment)
    Map<String, String> overlapPartner = new TreeMap<>();
    for (Finding overlap : overlaps) {
      String first = overlap.nodes().get(0);
      String second = overlap.nodes().get(1);
      String roll;
      if (reasons.containsKey(first) || reasons.containsKey(second)) {
        roll = reasons.containsKey(first) ? first : second;
      } else {
        roll = later(model.nodes().get(first), model.nodes().get(second));
      }
      String other = roll.equals(first) ? second : first;
      overlapPartner.putIfAbsent(roll, other);
      add(
          reasons,
          causes,
          roll,
          RootCause.CIDR_CONFLICT.id(),
          "pod CIDR overlaps "
              + other
              + "'s ("
              + String.join(",", model.nodes().get(other).effectivePodCidrs())
              + ")");
    }
    Map<String, Candidate> candidates = new TreeMap<>();
    reasons.forEach(
        (node, texts) ->
            candidates.put(
                node,
                new Candidate(
                    node, causes.get(node), String.join("; ", texts), overlapPartner.get(node))));
    return candidates;
  }

  private static void add(
      Map<String, List<String>> reasons,
      Map<String, String> causes,
      String node,
      String cause,
      String reason) {
    List<String> texts = reasons.computeIfAbsent(node, n -> new ArrayList<>());
    if (!texts.contains(reason)) {
      texts.add(reason);
    }
    causes.putIfAbsent(node, cause);
  }

  private static String later(NodeInfo a, NodeInfo b) {
    if (a.created() != null && b.created() != null && !a.created().equals(b.created())) {
      return a.created().isAfter(b.created()) ? a.name() : b.name();
    }
    return a.name().compareTo(b.name()) > 0 ? a.name() : b.name();
  }

  /**
   * The nodes whose pods the drain facts must hold: those selected that exist and need a new CIDR.
   */
  public static Set<String> nodesToDrain(ClusterModel model, Request request) {
    Map<String, Candidate> candidates = candidates(model);
    if (request.allDrifted()) {
      return new TreeSet<>(candidates.keySet());
    }
    Set<String> nodes = new TreeSet<>(request.nodes());
    nodes.retainAll(candidates.keySet());
    return nodes;
  }

  /** Plans the roll of the requested nodes. */
  public FixPlan plan(ClusterModel model, DrainFacts facts, Request request) {
    ClusterNetwork network = ClusterNetwork.of(model);
    Map<String, Candidate> candidates = candidates(model);
    FixOptions options = request.options();
    List<Refusal> refusals = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    String source = source(model.source());

    // 1. the nodes asked for, those that exist, are not managed and have something to fix
    List<String> selected = new ArrayList<>();
    List<String> asked =
        request.allDrifted()
            ? List.copyOf(candidates.keySet())
            : new ArrayList<>(new LinkedHashSet<>(request.nodes()));
    for (String name : asked) {
      NodeInfo node = model.nodes().get(name);
      if (node == null) {
        refusals.add(
            new Refusal(name, "node-not-found", "no Node named " + name + " in " + source, ""));
        continue;
      }
      Optional<ManagedNode> managed = ManagedNode.of(node);
      boolean refusedAsManaged = managed.isPresent() && !options.allowManagedNodes();
      if (refusedAsManaged) {
        refusals.add(
            new Refusal(
                name,
                "managed-node",
                name
                    + " belongs to "
                    + managed.get().platform()
                    + " ("
                    + managed.get().evidence()
                    + "): "
                    + managed.get().consequence(),
                "--allow-managed-nodes"));
      } else if (managed.isPresent() && candidates.containsKey(name)) {
        notes.add(
            name
                + " belongs to "
                + managed.get().platform()
                + " ("
                + managed.get().evidence()
                + ") and is rolled anyway (--allow-managed-nodes): "
                + managed.get().consequence());
      }
      if (!candidates.containsKey(name)) {
        List<String> current = node.effectivePodCidrs();
        refusals.add(
            new Refusal(
                name,
                "nothing-to-fix",
                "podnet cidr finds nothing wrong with the pod CIDR of "
                    + name
                    + " ("
                    + (current.isEmpty()
                        ? "none, as this cluster's IPAM expects"
                        : String.join(",", current))
                    + "): re-registering it would change nothing",
                ""));
        continue;
      }
      if (!refusedAsManaged) {
        selected.add(name);
      }
    }

    // 2. what makes a roll pointless for every node: re-registration cannot yield a valid CIDR
    if (!selected.isEmpty()) {
      List<Refusal> cluster = clusterRefusals(network, candidates, notes);
      if (!cluster.isEmpty()) {
        refusals.addAll(cluster);
        for (String name : selected) {
          notes.add(
              name
                  + " needs a new pod CIDR but is not rolled (see the cluster refusals): "
                  + candidates.get(name).reason());
        }
        selected.clear();
      }
    }
    // 3. the drain of each node: kubectl's filters, unreplicated pods, pods with two budgets
    Map<String, List<PlannedEviction>> drains = new LinkedHashMap<>();
    for (String name : selected) {
      List<PlannedEviction> pods = new ArrayList<>();
      for (DrainPod pod : facts.pods(name)) {
        pods.add(DrainFilter.decide(pod, facts.budgets(), options.evictUnreplicated()));
      }
      List<String> blocked =
          pods.stream()
              .filter(p -> DrainFilter.BLOCKED.equals(p.action()))
              .map(PlannedEviction::key)
              .toList();
      if (!blocked.isEmpty()) {
        refusals.add(
            new Refusal(
                name,
                "unreplicated-pods",
                DrainFilter.UNREPLICATED
                    + ": "
                    + String.join(", ", blocked)
                    + ": nothing recreates them once evicted",
                "--evict-unreplicated"));
      }
      List<PlannedEviction> twoBudgets =
          pods.stream().filter(p -> p.evicted() && p.pdbs().size() > 1).toList();
      for (PlannedEviction pod : twoBudgets) {
        refusals.add(
            new Refusal(
                name,
                "multiple-pdbs",
                pod.key()
                    + " is selected by "
                    + pod.pdbs().size()
                    + " PodDisruptionBudgets ("
                    + String.join(", ", pod.pdbs())
                    + "): the Eviction API answers 500 \"This pod has more than one"
                    + " PodDisruptionBudget, which the eviction subresource does not support.\";"
                    + " make one budget select it",
                ""));
      }
      if (blocked.isEmpty() && twoBudgets.isEmpty()) {
        drains.put(name, pods);
      }
    }

    // 4. order: the fewest evictions first, then by name, so a problem shows on the cheapest node
    List<String> ordered = new ArrayList<>(drains.keySet());
    ordered.sort(
        Comparator.comparingLong(
                (String n) -> drains.get(n).stream().filter(PlannedEviction::evicted).count())
            .thenComparing(Comparator.naturalOrder()));

    // 5. each roll must get a node CIDR from the current cluster CIDR
    ordered = poolCheck(model, network, ordered, refusals);

    // 6. each node's pods must fit on the other nodes
    ordered = capacityCheck(model, facts, drains, ordered, refusals, notes);

    List<NodePlan> nodes = new ArrayList<>();
    for (String name : ordered) {
      NodeInfo node = model.nodes().get(name);
      Candidate candidate = candidates.get(name);
      List<PlannedEviction> pods = drains.get(name);
      Set<String> pdbs = new TreeSet<>();
      pods.stream().filter(PlannedEviction::evicted).forEach(p -> pdbs.addAll(p.pdbs()));
      nodes.add(
          new NodePlan(
              name,
              node.uid(),
              candidate.cause(),
              candidate.reason(),
              node.effectivePodCidrs(),
              pods,
              List.copyOf(pdbs),
              steps(model, network, node, pods, pdbs, options)));
      budgetNotes(name, pods, facts, options, notes);
      lostMarks(node, notes);
      if (candidate.overlapsWith() != null) {
        notes.add(
            name
                + ": deleting its Node releases its pod CIDR, which overlaps "
                + candidate.overlapsWith()
                + "'s; the allocator then counts that range as free. Restart"
                + " kube-controller-manager after the roll so it marks "
                + candidate.overlapsWith()
                + "'s CIDR as used again");
      }
    }
    if (facts.podsNotRead() != null && !nodes.isEmpty()) {
      notes.add(
          "The pods on the nodes could not be read ("
              + facts.podsNotRead()
              + "): the plan lists no evictions; the executor lists the pods again before it"
              + " evicts");
    }
    if (facts.budgetsNotRead() != null && !nodes.isEmpty()) {
      notes.add(
          "PodDisruptionBudgets could not be read ("
              + facts.budgetsNotRead()
              + "): an eviction one of them forbids waits up to --eviction-timeout ("
              + DurationText.format(options.evictionTimeout())
              + ") and then stops the run");
    }

    return new FixPlan(
        FixPlan.SCHEMA_VERSION,
        clock.instant(),
        source,
        network.clusterCidrs().stream().map(Cidr::text).toList(),
        network.clusterCidrSource(),
        network.nodeMasks(),
        options,
        nodes,
        refusals,
        notes);
  }

  /** {@code snapshot-dir examples/x}, {@code live https://host:6443 (context c)}. */
  static String source(SourceInfo info) {
    if (info == null) {
      return "unknown source";
    }
    StringBuilder text = new StringBuilder(info.kind());
    if (info.location() != null) {
      text.append(' ').append(info.location());
    }
    if (info.context() != null) {
      text.append(" (context ").append(info.context()).append(')');
    }
    return text.toString();
  }

  /**
   * What stops every roll: pods do not use node CIDRs, the cluster CIDR is unknown, node IPAM does
   * not run, or the CNI's own pool excludes the cluster CIDR.
   */
  private static List<Refusal> clusterRefusals(
      ClusterNetwork network, Map<String, Candidate> candidates, List<String> notes) {
    List<Refusal> refusals = new ArrayList<>();
    if (network.model() != IpamModel.NODE_IPAM && network.model() != IpamModel.UNKNOWN) {
      refusals.add(
          new Refusal(
              Refusal.CLUSTER,
              "not-node-ipam",
              "pods here take their addresses from "
                  + network.model().description()
                  + ", not from node pod CIDRs: re-registering a node changes nothing about its"
                  + " pods' addresses",
              ""));
      return refusals;
    }
    if (network.clusterCidrs().isEmpty()
        || network.nodeMasks().size() != network.clusterCidrs().size()) {
      refusals.add(
          new Refusal(
              Refusal.CLUSTER,
              "cluster-cidr-unknown",
              network.clusterCidrs().isEmpty()
                  ? "no layer states the cluster CIDR (kube-controller-manager --cluster-cidr,"
                      + " kubeadm-config networking.podSubnet, the CNI's pool), so a new node CIDR"
                      + " could not be verified: collect the kube-system pods and ConfigMaps"
                  : "the node CIDR mask of the cluster CIDR "
                      + String.join(",", network.clusterCidrs().stream().map(Cidr::text).toList())
                      + " is not known, so a new node CIDR could not be verified",
              ""));
      return refusals;
    }
    String clusterText = String.join(",", network.clusterCidrs().stream().map(Cidr::text).toList());
    Optional<PodInfo> controllerManager = network.controllerManager();
    if (controllerManager.isEmpty()) {
      notes.add(
          "kube-controller-manager was not seen (a managed control plane, or its pod was not"
              + " collected): podnet cannot confirm it allocates node CIDRs; if it does not,"
              + " the wait for a new CIDR times out after --cidr-timeout");
    } else {
      Map<String, String> flags = network.controllerManagerFlags();
      String off = null;
      if (!"true".equals(flags.get("allocate-node-cidrs"))) {
        off =
            "--allocate-node-cidrs="
                + flags.getOrDefault("allocate-node-cidrs", "false (the default)");
      } else if (nodeIpamDisabled(flags.get("controllers"))) {
        off = "--controllers=" + flags.get("controllers");
      }
      if (off != null) {
        List<String> outside =
            candidates.values().stream()
                .filter(c -> c.reason().contains("is outside the cluster CIDR"))
                .map(Candidate::node)
                .toList();
        String message =
            "kube-controller-manager (pod "
                + controllerManager.get().key()
                + ") runs with "
                + off
                + ", so a re-registered node would come back without a pod CIDR: turn node IPAM"
                + " on first.";
        if (!outside.isEmpty()) {
          message +=
              " While "
                  + String.join(", ", outside)
                  + (outside.size() == 1 ? " holds a pod CIDR" : " hold pod CIDRs")
                  + " outside "
                  + clusterText
                  + ", a RangeAllocator refuses to start (\"cidr ... is out the range of cluster"
                  + " cidr "
                  + clusterText
                  + "\"): decide between the old and the new cluster CIDR first.";
        }
        refusals.add(new Refusal(Refusal.CLUSTER, "node-ipam-off", message, ""));
      }
    }
    for (ClusterNetwork.Layer layer : network.layers()) {
      boolean cni = layer.layer().startsWith("flannel net-conf.json");
      boolean stated =
          cni
              || layer.layer().equals("kubeadm networking.podSubnet")
              || layer.layer().equals("kube-proxy clusterCIDR");
      if (!stated) {
        continue;
      }
      List<Cidr> values = parse(layer.value());
      for (Cidr cluster : network.clusterCidrs()) {
        List<Cidr> sameFamily =
            values.stream().filter(v -> v.family() == cluster.family()).toList();
        if (sameFamily.isEmpty() || sameFamily.stream().anyMatch(v -> v.contains(cluster))) {
          continue;
        }
        String states =
            layer.layer()
                + " ("
                + layer.source()
                + ") is "
                + String.join(",", sameFamily.stream().map(Cidr::text).toList())
                + ", which does not contain the cluster CIDR "
                + cluster.text();
        if (cni) {
          refusals.add(
              new Refusal(
                  Refusal.CLUSTER,
                  "layers-disagree",
                  states
                      + ": flannel refuses a node whose pod CIDR lies outside its Network"
                      + " (\"subnet ... specified in the flannel net config doesn't contain ..."
                      + " PodCIDR\"), so a re-registered node would have no pod network. Make the"
                      + " CNI's pool and the cluster CIDR agree first",
                  ""));
        } else {
          notes.add(
              states
                  + (layer.layer().startsWith("kubeadm")
                      ? ": kubeadm upgrade would write it back into the controller-manager's flags"
                      : ": kube-proxy treats pods of the cluster CIDR as outside the cluster")
                  + "; bring it in line");
        }
      }
    }
    return refusals;
  }

  /** Whether {@code --controllers} turns the node IPAM controller off. */
  static boolean nodeIpamDisabled(String controllers) {
    if (controllers == null || controllers.isBlank()) {
      return false;
    }
    Set<String> names = new TreeSet<>();
    for (String name : controllers.split(",")) {
      names.add(name.strip());
    }
    // the controller is "nodeipam" up to 1.27 and "node-ipam-controller" since
    if (names.contains("-nodeipam") || names.contains("-node-ipam-controller")) {
      return true;
    }
    return !names.contains("*")
        && !names.contains("nodeipam")
        && !names.contains("node-ipam-controller");
  }

  /**
   * Refuses the nodes, in roll order, that would find no free node CIDR: each node that holds no
   * CIDR inside a cluster CIDR takes one from it; a node that holds one releases it first.
   */
  private static List<String> poolCheck(
      ClusterModel model, ClusterNetwork network, List<String> ordered, List<Refusal> refusals) {
    if (ordered.isEmpty() || network.nodeMasks().size() != network.clusterCidrs().size()) {
      return ordered;
    }
    List<NodeCidrPool> pools = new ArrayList<>();
    for (int i = 0; i < network.clusterCidrs().size(); i++) {
      Cidr cluster = network.clusterCidrs().get(i);
      NodeCidrPool pool;
      try {
        pool = new NodeCidrPool(cluster, network.nodeMasks().get(i));
      } catch (IllegalArgumentException e) {
        pools.add(null);
        continue;
      }
      for (Cidr service : network.serviceCidrs()) {
        occupy(pool, service);
      }
      for (NodeInfo node : model.nodes().values()) {
        for (Cidr cidr : cidrs(node)) {
          occupy(pool, cidr);
        }
      }
      pools.add(pool);
    }
    long[] free = new long[pools.size()];
    for (int i = 0; i < pools.size(); i++) {
      free[i] = pools.get(i) == null ? Long.MAX_VALUE : pools.get(i).freeCount();
    }
    List<String> kept = new ArrayList<>();
    for (String name : ordered) {
      List<Cidr> held = cidrs(model.nodes().get(name));
      List<Integer> needs = new ArrayList<>();
      String exhausted = null;
      for (int i = 0; i < pools.size(); i++) {
        Cidr cluster = network.clusterCidrs().get(i);
        if (held.stream().anyMatch(cluster::contains)) {
          continue;
        }
        needs.add(i);
        if (free[i] <= 0 && exhausted == null) {
          NodeCidrPool pool = pools.get(i);
          exhausted =
              name
                  + " would register again without a pod CIDR (CIDRNotAvailable): the cluster CIDR "
                  + cluster.text()
                  + " holds "
                  + pool.maxNodeCidrs()
                  + " /"
                  + pool.nodeMaskSize()
                  + " node CIDRs and all "
                  + pool.maxNodeCidrs()
                  + " are taken"
                  + (kept.isEmpty() ? "" : " once the nodes before it are rolled")
                  + ". The fix is a wider cluster CIDR (kube-controller-manager --cluster-cidr, and"
                  + " every layer with it), not a roll";
        }
      }
      if (exhausted != null) {
        refusals.add(new Refusal(name, "pool-exhausted", exhausted, ""));
        continue;
      }
      for (int i : needs) {
        free[i]--;
      }
      kept.add(name);
    }
    return kept;
  }

  private static void occupy(NodeCidrPool pool, Cidr cidr) {
    if (cidr.family() != pool.clusterCidr().family() || !pool.clusterCidr().overlaps(cidr)) {
      return;
    }
    try {
      pool.occupy(cidr);
    } catch (IpamException e) {
      // outside the pool: takes nothing from it
    }
  }

  /**
   * Refuses the nodes whose pods to be rescheduled do not fit into the free pod slots of the other
   * Ready, schedulable, untainted nodes. Nodes refused for other reasons stay in service and count;
   * the node rolled before comes back empty, so one node at a time never needs more than this.
   */
  private static List<String> capacityCheck(
      ClusterModel model,
      DrainFacts facts,
      Map<String, List<PlannedEviction>> drains,
      List<String> ordered,
      List<Refusal> refusals,
      List<String> notes) {
    if (ordered.isEmpty()) {
      return ordered;
    }
    boolean anyKnown =
        model.nodes().values().stream().anyMatch(n -> n.allocatablePods() >= 0 && takesPods(n));
    if (!anyKnown) {
      notes.add(
          "Spare capacity was not checked: no other Ready, schedulable node reports"
              + " status.allocatable.pods");
      return ordered;
    }
    notes.add(
        "Spare capacity is counted in pod slots (status.allocatable.pods minus the pods bound,"
            + " finished ones included) on the other Ready, schedulable, untainted nodes; CPU,"
            + " memory, affinity and node selectors are not weighed");
    List<String> kept = new ArrayList<>();
    for (String name : ordered) {
      Set<String> finished = new TreeSet<>();
      facts.pods(name).stream().filter(DrainPod::finished).forEach(p -> finished.add(p.key()));
      long moving =
          drains.get(name).stream()
              .filter(PlannedEviction::evicted)
              .filter(p -> !finished.contains(p.key()))
              .count();
      long free = 0;
      List<String> slots = new ArrayList<>();
      for (NodeInfo other : model.nodes().values()) {
        if (other.name().equals(name) || other.allocatablePods() < 0 || !takesPods(other)) {
          continue;
        }
        long slot = Math.max(0, other.allocatablePods() - model.podCounts(other.name()).total());
        free += slot;
        slots.add(other.name() + " " + slot);
      }
      if (moving > free) {
        refusals.add(
            new Refusal(
                name,
                "no-spare-capacity",
                "the "
                    + moving
                    + " pods evicted from "
                    + name
                    + " need somewhere to run, but the other Ready, schedulable nodes have "
                    + free
                    + " free pod slots"
                    + (slots.isEmpty() ? "" : " (" + String.join(", ", slots) + ")")
                    + ": add a node first",
                ""));
        continue;
      }
      kept.add(name);
    }
    return kept;
  }

  /** Ready, not cordoned, no NoSchedule or NoExecute taint: the scheduler places pods there. */
  private static boolean takesPods(NodeInfo node) {
    return node.ready() != null
        && node.ready().isTrue()
        && !node.unschedulable()
        && node.taints().stream()
            .noneMatch(t -> t.endsWith(":NoSchedule") || t.endsWith(":NoExecute"));
  }

  private static void budgetNotes(
      String node,
      List<PlannedEviction> pods,
      DrainFacts facts,
      FixOptions options,
      List<String> notes) {
    for (DisruptionBudget budget : facts.budgets()) {
      List<String> governed =
          pods.stream()
              .filter(PlannedEviction::evicted)
              .filter(p -> p.pdbs().contains(budget.key()))
              .map(PlannedEviction::key)
              .toList();
      if (governed.isEmpty() || !budget.blocksNow()) {
        continue;
      }
      String why =
          budget.statusKnown()
              ? "allows no disruption now (it needs "
                  + budget.desiredHealthy()
                  + " healthy pods and has "
                  + budget.currentHealthy()
                  + " currently)"
              : "has no status yet (the disruption controller has not processed it)";
      notes.add(
          node
              + ": PodDisruptionBudget "
              + budget.key()
              + " "
              + why
              + ": the eviction of "
              + String.join(", ", governed)
              + " is retried until --eviction-timeout ("
              + DurationText.format(options.evictionTimeout())
              + "), then the run stops with "
              + node
              + " cordoned");
    }
  }

  /** Labels and taints set through the API, which a re-registered Node does not get back. */
  private static void lostMarks(NodeInfo node, List<String> notes) {
    List<String> labels =
        node.labels().keySet().stream()
            .filter(key -> KUBELET_LABEL_PREFIXES.stream().noneMatch(key::startsWith))
            .toList();
    List<String> taints =
        node.taints().stream().filter(t -> !t.startsWith("node.kubernetes.io/")).toList();
    if (labels.isEmpty() && taints.isEmpty()) {
      return;
    }
    List<String> parts = new ArrayList<>();
    if (!labels.isEmpty()) {
      parts.add("labels " + String.join(", ", labels));
    }
    if (!taints.isEmpty()) {
      parts.add("taints " + String.join(", ", taints));
    }
    notes.add(
        node.name()
            + ": the new Node gets back only what the kubelet's --node-labels and"
            + " --register-with-taints set; check "
            + String.join(" and ", parts)
            + " after the roll");
  }

  /** The seed runbook for one node, with the real names and the options' timeouts. */
  private static List<FixStep> steps(
      ClusterModel model,
      ClusterNetwork network,
      NodeInfo node,
      List<PlannedEviction> pods,
      Set<String> pdbs,
      FixOptions options) {
    String name = node.name();
    List<PlannedEviction> evicted = pods.stream().filter(PlannedEviction::evicted).toList();
    long skipped = pods.size() - evicted.size();
    List<FixStep> steps = new ArrayList<>();
    steps.add(
        new FixStep(
            StepKind.CORDON,
            "Cordon "
                + name
                + " (spec.unschedulable=true on the Node with UID "
                + node.uid()
                + ") and mark it as podnet's",
            null,
            Duration.ZERO));
    steps.add(
        new FixStep(
            StepKind.EVICT,
            (evicted.isEmpty()
                    ? "Evict the pods found on " + name + " then (none now)"
                    : "Evict "
                        + count(evicted.size(), "pod")
                        + " through the Eviction API"
                        + (pdbs.isEmpty()
                            ? ""
                            : ", honouring PodDisruptionBudgets " + String.join(", ", pdbs)))
                + (skipped == 0
                    ? ""
                    : "; " + skipped + " DaemonSet, mirror or terminating pods stay"),
            "every eviction accepted; a 429 (a budget allows no disruption) is retried with back-off",
            options.evictionTimeout()));
    steps.add(
        new FixStep(
            StepKind.WAIT_PODS_GONE,
            "Wait until no evictable pod is left on " + name,
            "the evicted pods to terminate",
            options.evictionTimeout()));
    steps.add(
        new FixStep(
            StepKind.DELETE_NODE,
            "Delete the Node "
                + name
                + " (precondition UID "
                + node.uid()
                + ")"
                + (node.effectivePodCidrs().isEmpty()
                    ? ""
                    : ", releasing " + String.join(",", node.effectivePodCidrs())),
            null,
            Duration.ZERO));
    if (FixOptions.POD.equals(options.kubeletRestart())) {
      steps.add(
          new FixStep(
              StepKind.RESTART_KUBELET,
              "Run a short-lived privileged pod ("
                  + options.restartImage()
                  + ") on "
                  + name
                  + " that restarts the kubelet through the host's systemd (nsenter -t 1 -m -u -i"
                  + " -n -p -- systemctl restart kubelet), then remove it",
              "the pod to finish",
              options.readyTimeout()));
    } else {
      steps.add(
          new FixStep(
              StepKind.RESTART_KUBELET,
              "Restart the kubelet on " + name + ": run 'sudo systemctl restart kubelet' there",
              "the operator to restart it (podnet prints the command and waits)",
              options.registerTimeout()));
    }
    steps.add(
        new FixStep(
            StepKind.WAIT_REGISTERED,
            "Wait for " + name + " to register again",
            "a Node named " + name + " with a new UID",
            options.registerTimeout()));
    steps.add(
        new FixStep(
            StepKind.RECORDON,
            "Cordon the new " + name + " until it is verified",
            null,
            Duration.ZERO));
    String clusterText =
        String.join(" and ", network.clusterCidrs().stream().map(Cidr::text).toList());
    boolean dualStack = network.clusterCidrs().stream().map(Cidr::family).distinct().count() == 2;
    steps.add(
        new FixStep(
            StepKind.WAIT_CIDR,
            "Wait for kube-controller-manager to give "
                + name
                + (dualStack ? " its pod CIDRs (IPv4 and IPv6)" : " its pod CIDR"),
            "spec.podCIDRs on the new Node",
            options.cidrTimeout()));
    String agent =
        model.agentPods().stream()
            .filter(p -> name.equals(p.nodeName()))
            .map(p -> p.ownerName() != null ? p.ownerName() : p.name())
            .findFirst()
            .orElse(null);
    steps.add(
        new FixStep(
            StepKind.VERIFY,
            "Check the new pod CIDR"
                + (dualStack ? "s: one per family, " : ": ")
                + "inside "
                + clusterText
                + " with the node mask /"
                + String.join(",/", network.nodeMasks().stream().map(String::valueOf).toList())
                + ", overlapping no other node",
            agent == null
                ? "the CNI agent pod on " + name + " to be Ready"
                : "the " + agent + " pod on " + name + " to be Ready",
            options.readyTimeout()));
    if (options.canary()) {
      steps.add(
          new FixStep(
              StepKind.CANARY,
              "Run a canary pod ("
                  + options.canaryImage()
                  + ") on "
                  + name
                  + ", check its IP is inside the new pod CIDR, then delete it",
              "the canary to be Running with an IP",
              options.readyTimeout()));
    }
    steps.add(
        new FixStep(
            StepKind.UNCORDON,
            "Uncordon " + name + " and remove podnet's mark",
            null,
            Duration.ZERO));
    return steps;
  }

  private static String count(long count, String singular) {
    return count + " " + (count == 1 ? singular : singular + "s");
  }

  /** A node's pod CIDRs that parse. */
  private static List<Cidr> cidrs(NodeInfo node) {
    return parse(String.join(",", node.effectivePodCidrs()));
  }

  private static List<Cidr> parse(String text) {
    List<Cidr> result = new ArrayList<>();
    for (String part : text.split("[, ]")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        result.add(Cidr.parse(part.strip()));
      } catch (IllegalArgumentException e) {
        // not a CIDR (an unparseable node CIDR is a shape finding; "blockSize 26" is a word)
      }
    }
    return result;
  }
}
