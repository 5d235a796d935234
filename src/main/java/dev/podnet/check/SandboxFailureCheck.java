package dev.podnet.check;

import dev.podnet.classify.CauseCatalog;
import dev.podnet.classify.Explanation;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.NodeInfo;
import dev.podnet.model.PodInfo;
import dev.podnet.model.Resource;
import dev.podnet.model.RootCause;
import dev.podnet.model.SandboxFailure;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Pods that cannot get a sandbox, grouped by root cause and node. Each pod's newest {@code
 * FailedCreatePodSandBox} message is taken apart and classified; the node's own state then decides
 * where the field guides' decision path says it should (a node without a pod CIDR, a crash-looping
 * agent). Failures spread over most nodes are reported once for the cluster, failures clustered on
 * some nodes once per node.
 */
public final class SandboxFailureCheck implements Check {
  /** Classified causes that a node without a pod CIDR explains better. */
  private static final Set<RootCause> EXPLAINED_BY_MISSING_CIDR =
      EnumSet.of(
          RootCause.AGENT_NOT_READY,
          RootCause.IPAM_EXHAUSTED,
          RootCause.CNI_CONFIG_MISSING,
          RootCause.NODE_CIDR_MISSING,
          RootCause.UNKNOWN);

  /** How many example messages a finding quotes. */
  private static final int SAMPLE_MESSAGES = 3;

  private final CauseCatalog catalog;

  public SandboxFailureCheck(CauseCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public String id() {
    return "sandbox-failures";
  }

  @Override
  public String description() {
    return "pods waiting for a sandbox and their FailedCreatePodSandBox events, classified by root"
        + " cause and grouped by node";
  }

  @Override
  public Set<Resource> uses() {
    return EnumSet.of(Resource.PODS, Resource.NODES, Resource.DAEMONSETS);
  }

  @Override
  public Set<Resource> requires() {
    return EnumSet.of(Resource.EVENTS);
  }

  /** One stuck pod with what is known about it. */
  private record Case(
      String podKey,
      String node,
      SandboxFailure failure,
      Explanation explanation,
      RootCause cause,
      String why) {}

  @Override
  public List<Finding> run(ClusterModel model) {
    AgentView agents = new AgentView(model);
    Optional<String> cidrExpected = NodeCidrExpectation.reason(model);
    Map<String, PodInfo> stuck = new LinkedHashMap<>();
    model.stuckPods().forEach(p -> stuck.put(p.key(), p));
    List<Case> cases = new ArrayList<>();
    for (SandboxFailure failure : model.sandboxFailures().values()) {
      PodInfo pod = stuck.get(failure.podKey());
      if (model.has(Resource.PODS) && pod == null) {
        continue; // the pod runs now, or is gone: nothing to fix
      }
      String node =
          failure.nodeName() != null ? failure.nodeName() : pod == null ? null : pod.nodeName();
      Explanation explanation = catalog.explain(failure.latestMessage());
      cases.add(decide(model, agents, cidrExpected, failure.podKey(), node, failure, explanation));
    }
    for (PodInfo pod : stuck.values()) {
      if (!model.sandboxFailures().containsKey(pod.key())) {
        cases.add(decide(model, agents, cidrExpected, pod.key(), pod.nodeName(), null, null));
      }
    }
    List<Case> unexplained =
        cases.stream()
            .filter(c -> c.explanation() == null && c.cause() == RootCause.UNKNOWN)
            .toList();
    cases.removeAll(unexplained);
    Map<RootCause, Map<String, List<Case>>> grouped = new TreeMap<>();
    for (Case c : cases) {
      grouped
          .computeIfAbsent(c.cause(), k -> new TreeMap<>())
          .computeIfAbsent(c.node() == null ? "" : c.node(), k -> new ArrayList<>())
          .add(c);
    }
    int clusterNodes = Math.max(model.nodes().size(), 1);
    List<Finding> findings = new ArrayList<>();
    grouped.forEach(
        (cause, byNode) -> {
          int failingNodes = byNode.size();
          boolean spread =
              failingNodes >= 2
                  && failingNodes * 2 > clusterNodes
                  && (failingNodes >= 3 || cause == RootCause.DATASTORE_UNREACHABLE);
          String distribution;
          if (spread) {
            distribution =
                "failures on "
                    + CauseText.nodes(failingNodes)
                    + " of "
                    + model.nodes().size()
                    + ": spread over the cluster, so the cause is shared (datastore, control"
                    + " plane, IP pool), not one node";
          } else if (failingNodes == 1) {
            distribution =
                "failures confined to 1 node of "
                    + model.nodes().size()
                    + ": the cause is local to that node";
          } else {
            distribution =
                "failures on "
                    + CauseText.nodes(failingNodes)
                    + " of "
                    + model.nodes().size()
                    + ": clustered, so look at what these nodes have in common";
          }
          if (spread) {
            List<Case> all = byNode.values().stream().flatMap(List::stream).toList();
            findings.add(finding(model, agents, cause, Finding.CLUSTER, all, distribution));
          } else {
            byNode.forEach(
                (node, group) ->
                    findings.add(
                        finding(
                            model,
                            agents,
                            cause,
                            node.isEmpty() ? Finding.CLUSTER : node,
                            group,
                            distribution)));
          }
        });
    if (!unexplained.isEmpty()) {
      findings.add(waitingWithoutFailure(unexplained));
    }
    return findings;
  }

  /**
   * Pods that wait for a sandbox with no failure event and nothing wrong on their node: just
   * scheduled, or their events expired (one hour by default). Reported for information, never as a
   * failure: there is no evidence of one.
   */
  private Finding waitingWithoutFailure(List<Case> cases) {
    Map<String, Integer> perNode = new TreeMap<>();
    List<AffectedPod> pods = new ArrayList<>();
    for (Case c : cases.stream().sorted(Comparator.comparing(Case::podKey)).toList()) {
      String[] key = c.podKey().split("/", 2);
      pods.add(new AffectedPod(key[0], key[1], c.node(), 0, 0, null, null));
      perNode.merge(c.node() == null ? "(unknown node)" : c.node(), 1, Integer::sum);
    }
    List<Evidence> evidence = new ArrayList<>();
    perNode.entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(SAMPLE_MESSAGES + 2)
        .forEach(
            e ->
                evidence.add(
                    new Evidence(
                        "pod-status",
                        "node " + e.getKey(),
                        CauseText.pods(e.getValue())
                            + " waiting in ContainerCreating without a pod IP")));
    evidence.add(
        new Evidence(
            "decision",
            Finding.CLUSTER,
            "no FailedCreatePodSandBox event was collected for them and their nodes report no"
                + " network problem: they may have been scheduled moments ago, or their events"
                + " expired (the API server keeps events for one hour by default)"));
    String[] first = cases.get(0).podKey().split("/", 2);
    return new Finding(
        id(),
        RootCause.UNKNOWN,
        Severity.INFO,
        Finding.CLUSTER,
        CauseText.pods(pods.size()) + " waiting for a sandbox with no recorded failure",
        CauseText.pods(pods.size())
            + " on "
            + CauseText.nodes(perNode.size())
            + " are still being set up and no sandbox failure is recorded for them.",
        perNode.keySet().stream().filter(n -> !n.startsWith("(")).toList(),
        pods,
        evidence,
        List.of(
            new NextStep(
                "Look at the pod's events again in a minute",
                "kubectl -n "
                    + first[0]
                    + " get events --field-selector involvedObject.name="
                    + first[1]),
            new NextStep(
                "Run the diagnosis again once they had time to start", "podnet diagnose")));
  }

  private Case decide(
      ClusterModel model,
      AgentView agents,
      Optional<String> cidrExpected,
      String podKey,
      String nodeName,
      SandboxFailure failure,
      Explanation explanation) {
    RootCause classified = explanation == null ? RootCause.UNKNOWN : explanation.cause();
    Optional<NodeInfo> node = model.node(nodeName);
    if (node.isPresent()
        && node.get().hasNoPodCidr()
        && cidrExpected.isPresent()
        && EXPLAINED_BY_MISSING_CIDR.contains(classified)) {
      return new Case(
          podKey,
          nodeName,
          failure,
          explanation,
          RootCause.NODE_CIDR_MISSING,
          "node " + nodeName + " has no pod CIDR although " + cidrExpected.get());
    }
    if (node.isPresent() && EXPLAINED_BY_MISSING_CIDR.contains(classified)) {
      Optional<String> outside = outsideCniPool(model, node.get());
      if (outside.isPresent()) {
        return new Case(
            podKey, nodeName, failure, explanation, RootCause.CIDR_CONFLICT, outside.get());
      }
    }
    if (explanation == null && node.isPresent() && node.get().notReady()) {
      String message = node.get().ready().message();
      Explanation nodeExplanation = catalog.explain(message);
      if (nodeExplanation.cause() != RootCause.UNKNOWN) {
        return new Case(
            podKey,
            nodeName,
            null,
            nodeExplanation,
            nodeExplanation.cause(),
            "node " + nodeName + " is not ready: " + message);
      }
    }
    if (classified == RootCause.UNKNOWN || classified == RootCause.AGENT_NOT_READY) {
      String plugin = explanation == null ? null : explanation.chain().plugin();
      Optional<PodInfo> agent =
          nodeName == null ? Optional.empty() : agents.forPlugin(nodeName, plugin);
      if (agent.isPresent() && AgentView.unhealthy(agent.get())) {
        return new Case(
            podKey,
            nodeName,
            failure,
            explanation,
            RootCause.AGENT_NOT_READY,
            "the CNI agent on the node is unhealthy: " + agent.get().key());
      }
    }
    String why =
        explanation == null
            ? "no FailedCreatePodSandBox event was collected for it, and the node shows no cause"
            : null;
    return new Case(podKey, nodeName, failure, explanation, classified, why);
  }

  /**
   * Why a node's pod CIDR lies outside the range its CNI hands out (flannel's Network), or empty:
   * the drift case, where the CNI agent refuses the node and its pods get no network.
   */
  private static Optional<String> outsideCniPool(ClusterModel model, NodeInfo node) {
    List<dev.podnet.cidr.Cidr> cidrs = CidrChecks.nodeCidrs(node);
    if (cidrs.isEmpty()) {
      return Optional.empty();
    }
    for (ClusterNetwork.Layer layer : ClusterNetwork.of(model).layers()) {
      if (!layer.layer().equals("flannel net-conf.json Network")) {
        continue;
      }
      List<dev.podnet.cidr.Cidr> pool = ClusterNetwork.cidrs(layer.value());
      for (dev.podnet.cidr.Cidr cidr : cidrs) {
        if (cidr.family() == dev.podnet.cidr.IpFamily.IPV4
            && pool.stream().noneMatch(p -> p.contains(cidr))) {
          return Optional.of(
              "node "
                  + node.name()
                  + "'s pod CIDR "
                  + cidr.text()
                  + " is outside "
                  + layer.layer()
                  + " "
                  + layer.value()
                  + " ("
                  + layer.source()
                  + "): the CNI cannot serve it");
        }
      }
    }
    return Optional.empty();
  }

  private Finding finding(
      ClusterModel model,
      AgentView agents,
      RootCause cause,
      String scope,
      List<Case> cases,
      String distribution) {
    List<Case> sorted = cases.stream().sorted(Comparator.comparing(Case::podKey)).toList();
    TreeSet<String> nodes = new TreeSet<>();
    sorted.forEach(
        c -> {
          if (c.node() != null) {
            nodes.add(c.node());
          }
        });
    List<AffectedPod> pods = new ArrayList<>();
    long attempts = 0;
    for (Case c : sorted) {
      String[] key = c.podKey().split("/", 2);
      SandboxFailure failure = c.failure();
      attempts += failure == null ? 0 : failure.attempts();
      pods.add(
          new AffectedPod(
              key[0],
              key[1],
              c.node(),
              failure == null ? 0 : failure.attempts(),
              failure == null ? 0 : failure.sandboxIds().size(),
              failure == null || failure.firstSeen() == null
                  ? null
                  : failure.firstSeen().toString(),
              failure == null || failure.lastSeen() == null
                  ? null
                  : failure.lastSeen().toString()));
    }
    List<Evidence> evidence = new ArrayList<>();
    Map<String, Integer> innermost = new TreeMap<>();
    Map<String, Explanation> explanationByInnermost = new HashMap<>();
    for (Case c : sorted) {
      if (c.explanation() != null) {
        String text = c.explanation().chain().innermost();
        innermost.merge(text, 1, Integer::sum);
        explanationByInnermost.putIfAbsent(text, c.explanation());
      }
    }
    innermost.forEach(
        (text, count) -> {
          Explanation e = explanationByInnermost.get(text);
          evidence.add(
              new Evidence(
                  "classification",
                  CauseText.pods(count),
                  "innermost error \""
                      + text
                      + "\" -> "
                      + e.cause().id()
                      + (e.ruleId() == null ? "" : " (rule " + e.ruleId() + ")")
                      + ", confidence "
                      + e.confidence().id()
                      + (e.chain().plugin() == null ? "" : ", plugin " + e.chain().plugin())));
        });
    new TreeSet<>(sorted.stream().map(Case::why).filter(w -> w != null).toList())
        .forEach(why -> evidence.add(new Evidence("decision", scope, why)));
    sorted.stream()
        .filter(c -> c.failure() != null && c.failure().latestMessage() != null)
        .map(c -> c.failure())
        .collect(
            java.util.stream.Collectors.toMap(
                f ->
                    f.messages().isEmpty()
                        ? f.latestMessage()
                        : f.messages().get(f.messages().size() - 1),
                f -> f,
                (a, b) -> a,
                LinkedHashMap::new))
        .values()
        .stream()
        .limit(SAMPLE_MESSAGES)
        .forEach(
            f ->
                evidence.add(
                    new Evidence(
                        "event",
                        "pod " + f.podKey(),
                        "FailedCreatePodSandBox (x" + f.attempts() + "): " + f.latestMessage())));
    for (String node : nodes) {
      model
          .node(node)
          .ifPresent(
              info -> {
                if (info.notReady()) {
                  evidence.add(
                      new Evidence(
                          "node-condition",
                          "node " + node,
                          "Ready="
                              + info.ready().status()
                              + " "
                              + info.ready().reason()
                              + ": "
                              + info.ready().message()));
                }
                if (cause == RootCause.NODE_CIDR_MISSING) {
                  evidence.add(new Evidence("node-spec", "node " + node, "spec.podCIDR is empty"));
                }
                if (cause == RootCause.IPAM_EXHAUSTED) {
                  evidence.add(
                      new Evidence(
                          "node-spec",
                          "node " + node,
                          "spec.podCIDR "
                              + (info.hasNoPodCidr()
                                  ? "(none)"
                                  : String.join(",", info.effectivePodCidrs()))
                              + "; "
                              + CauseText.pods(model.podCounts(node).podNetwork())
                              + " running on the pod network"
                              + (info.allocatablePods() >= 0
                                  ? "; status.allocatable.pods " + info.allocatablePods()
                                  : "")));
                }
              });
      if (cause == RootCause.AGENT_NOT_READY || cause == RootCause.NODE_CIDR_MISSING) {
        for (PodInfo agent : agents.onNode(node)) {
          if (AgentView.unhealthy(agent)) {
            evidence.addAll(agents.evidence(agent));
          }
        }
      }
    }
    evidence.add(new Evidence("distribution", scope, distribution));

    String where = Finding.CLUSTER.equals(scope) ? CauseText.nodes(nodes.size()) : scope;
    String firstInnermost = innermost.isEmpty() ? null : innermost.keySet().iterator().next();
    StringBuilder summary = new StringBuilder();
    summary
        .append(CauseText.pods(pods.size()))
        .append(pods.size() == 1 ? " cannot" : " cannot")
        .append(" get a sandbox on ")
        .append(where);
    if (attempts > 0) {
      summary.append(" (").append(attempts).append(" failed attempts)");
    }
    summary.append('.');
    if (firstInnermost != null) {
      summary.append(" Innermost error: ").append(firstInnermost).append('.');
    }
    Runbook.Names names = names(model, agents, scope, sorted, nodes);
    return new Finding(
        id(),
        cause,
        Severity.CRITICAL,
        scope,
        CauseText.title(cause, where),
        summary.toString(),
        List.copyOf(nodes),
        pods,
        evidence,
        Runbook.steps(cause, names));
  }

  private static Runbook.Names names(
      ClusterModel model, AgentView agents, String scope, List<Case> cases, TreeSet<String> nodes) {
    String node = Finding.CLUSTER.equals(scope) ? null : scope;
    String plugin =
        cases.stream()
            .map(Case::explanation)
            .filter(e -> e != null && e.chain().plugin() != null)
            .map(e -> e.chain().plugin())
            .findFirst()
            .orElse(null);
    String probeNode = node != null ? node : nodes.isEmpty() ? null : nodes.first();
    Optional<PodInfo> agentPod =
        probeNode == null ? Optional.empty() : agents.forPlugin(probeNode, plugin);
    var product =
        agentPod
            .flatMap(AgentView::agentOf)
            .or(() -> dev.podnet.model.CniAgent.byPluginType(plugin))
            .or(() -> agents.products().stream().findFirst());
    String namespace =
        agentPod.map(PodInfo::namespace).orElse(product.flatMap(agents::namespaceOf).orElse(null));
    List<String> remediation =
        cases.stream()
            .map(Case::explanation)
            .filter(e -> e != null)
            .findFirst()
            .map(Explanation::remediation)
            .orElse(List.of());
    return new Runbook.Names(
        node,
        cases.isEmpty() ? null : cases.get(0).podKey(),
        namespace,
        node == null ? null : agentPod.map(PodInfo::name).orElse(null),
        namespace == null ? null : product.map(dev.podnet.model.CniAgent::daemonSet).orElse(null),
        product.map(dev.podnet.model.CniAgent::container).orElse(null),
        plugin,
        agentPod.map(Runbook.AgentState::of).orElse(Runbook.AgentState.NOT_STARTED),
        Runbook.Names.runtimeUnit(
            model.node(probeNode).map(NodeInfo::containerRuntime).orElse(null)),
        NodeCidrExpectation.controllerManager(model).map(PodInfo::name).orElse(null),
        remediation);
  }
}
