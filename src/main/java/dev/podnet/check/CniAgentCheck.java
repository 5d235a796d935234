package dev.podnet.check;

import dev.podnet.model.ClusterModel;
import dev.podnet.model.CniAgent;
import dev.podnet.model.DaemonSetInfo;
import dev.podnet.model.NodeInfo;
import dev.podnet.model.PodInfo;
import dev.podnet.model.Resource;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The CNI agent pod on each node (calico-node, cilium, kube-flannel-ds, aws-node, ...): missing on
 * a node, not ready, crash-looping, or restarting often. An agent problem on a node where pods wait
 * for a sandbox is critical; elsewhere it is a warning.
 */
public final class CniAgentCheck implements Check {

  @Override
  public String id() {
    return "cni-agents";
  }

  @Override
  public String description() {
    return "the CNI agent pod on every node: missing, not ready, crash-looping, restarting";
  }

  @Override
  public Set<Resource> uses() {
    return EnumSet.of(Resource.DAEMONSETS, Resource.EVENTS);
  }

  @Override
  public Set<Resource> requires() {
    return EnumSet.of(Resource.PODS, Resource.NODES);
  }

  @Override
  public List<Finding> run(ClusterModel model) {
    AgentView agents = new AgentView(model);
    List<CniAgent> products = agents.products();
    List<Finding> findings = new ArrayList<>();
    if (products.isEmpty()) {
      return findings;
    }
    CniAgent primary = products.get(0);
    String namespace = agents.namespaceOf(primary).orElse("kube-system");
    Optional<DaemonSetInfo> daemonSet =
        model.daemonSets().stream()
            .filter(d -> primary.daemonSets().contains(d.name()))
            .findFirst();
    for (NodeInfo node : model.nodes().values()) {
      List<PodInfo> onNode =
          agents.onNode(node.name()).stream()
              .filter(p -> AgentView.agentOf(p).filter(primary::equals).isPresent())
              .toList();
      boolean waiting = model.podCounts(node.name()).waitingForSandbox() > 0;
      Severity severity = waiting ? Severity.CRITICAL : Severity.WARNING;
      String stuckPod =
          model.stuckPods().stream()
              .filter(p -> node.name().equals(p.nodeName()))
              .map(PodInfo::key)
              .findFirst()
              .orElse(null);
      if (onNode.isEmpty()) {
        if (daemonSet.isPresent() && !selects(daemonSet.get().nodeSelector(), node.labels())) {
          continue; // the DaemonSet does not target this node
        }
        List<Evidence> evidence = new ArrayList<>();
        evidence.add(
            new Evidence(
                "pod-status",
                "node " + node.name(),
                "no "
                    + primary.daemonSet()
                    + " pod on this node; it runs on "
                    + model.agentPods().stream()
                        .filter(p -> AgentView.agentOf(p).filter(primary::equals).isPresent())
                        .map(PodInfo::nodeName)
                        .distinct()
                        .count()
                    + " other nodes"));
        daemonSet.ifPresent(
            d ->
                evidence.add(
                    new Evidence(
                        "daemonset",
                        "daemonset " + d.key(),
                        "desired "
                            + d.desired()
                            + ", ready "
                            + d.ready()
                            + ", available "
                            + d.available())));
        findings.add(
            finding(
                model,
                node,
                severity,
                primary.product() + " agent missing on " + node.name(),
                "No "
                    + primary.daemonSet()
                    + " pod runs on "
                    + node.name()
                    + ", so nothing sets up pod networking there.",
                evidence,
                new Runbook.Names(
                    node.name(),
                    stuckPod,
                    namespace,
                    null,
                    primary.daemonSet(),
                    primary.container(),
                    null,
                    Runbook.AgentState.NOT_STARTED,
                    Runbook.Names.runtimeUnit(node.containerRuntime()),
                    null,
                    List.of())));
        continue;
      }
      for (PodInfo agent : onNode) {
        boolean unhealthy = AgentView.unhealthy(agent);
        boolean restarting = agent.restarts() >= AgentView.RESTART_WARNING;
        if (!unhealthy && !restarting) {
          continue;
        }
        String what =
            agent.crashLooping()
                ? "crash-looping"
                : unhealthy ? "not ready" : "restarting (" + agent.restarts() + " restarts)";
        findings.add(
            finding(
                model,
                node,
                unhealthy ? severity : Severity.WARNING,
                primary.product() + " agent " + what + " on " + node.name(),
                "The "
                    + primary.product()
                    + " agent "
                    + agent.name()
                    + " on "
                    + node.name()
                    + " is "
                    + what
                    + "; pods there cannot get a network until it is ready.",
                agents.evidence(agent),
                new Runbook.Names(
                    node.name(),
                    stuckPod,
                    agent.namespace(),
                    agent.name(),
                    primary.daemonSet(),
                    primary.container(),
                    null,
                    Runbook.AgentState.of(agent),
                    Runbook.Names.runtimeUnit(node.containerRuntime()),
                    null,
                    List.of())));
      }
    }
    return spreadOrPerNode(model, findings, primary);
  }

  /** When most nodes' agents are down, one cluster finding says so instead of one per node. */
  private List<Finding> spreadOrPerNode(
      ClusterModel model, List<Finding> perNode, CniAgent primary) {
    int nodes = model.nodes().size();
    List<Finding> unhealthy =
        perNode.stream().filter(f -> !f.title().contains("restarting")).toList();
    if (unhealthy.size() < 3 || unhealthy.size() * 2 <= nodes) {
      return perNode;
    }
    List<Finding> result = new ArrayList<>(perNode);
    result.removeAll(unhealthy);
    List<String> names = unhealthy.stream().flatMap(f -> f.nodes().stream()).sorted().toList();
    List<Evidence> evidence = new ArrayList<>();
    unhealthy.forEach(f -> evidence.addAll(f.evidence()));
    evidence.add(
        new Evidence(
            "distribution",
            Finding.CLUSTER,
            primary.product()
                + " agents unhealthy on "
                + CauseText.nodes(names.size())
                + " of "
                + nodes
                + ": a shared cause (datastore, API access, a bad rollout) is likelier than"
                + " one node"));
    Severity severity =
        unhealthy.stream().anyMatch(f -> f.severity() == Severity.CRITICAL)
            ? Severity.CRITICAL
            : Severity.WARNING;
    Finding first = unhealthy.get(0);
    result.add(
        new Finding(
            id(),
            RootCause.AGENT_NOT_READY,
            severity,
            Finding.CLUSTER,
            CauseText.title(RootCause.AGENT_NOT_READY, CauseText.nodes(names.size())),
            primary.product()
                + " agents are not ready on "
                + CauseText.nodes(names.size())
                + " of "
                + nodes
                + ".",
            names,
            List.of(),
            evidence,
            first.nextSteps()));
    return result;
  }

  private Finding finding(
      ClusterModel model,
      NodeInfo node,
      Severity severity,
      String title,
      String summary,
      List<Evidence> evidence,
      Runbook.Names names) {
    return new Finding(
        id(),
        RootCause.AGENT_NOT_READY,
        severity,
        node.name(),
        title,
        summary,
        List.of(node.name()),
        List.of(),
        evidence,
        Runbook.steps(RootCause.AGENT_NOT_READY, names));
  }

  private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}
