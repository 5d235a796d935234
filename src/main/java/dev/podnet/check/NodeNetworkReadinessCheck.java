package dev.podnet.check;

import dev.podnet.classify.CauseCatalog;
import dev.podnet.classify.Explanation;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.NodeEventSummary;
import dev.podnet.model.NodeInfo;
import dev.podnet.model.PodInfo;
import dev.podnet.model.Resource;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Nodes whose runtime reports the network plugin not ready ({@code NetworkPluginNotReady}, {@code
 * cni plugin not initialized}) in their Ready condition, or whose {@code NetworkUnavailable}
 * condition is true. No pod gets a sandbox on such a node.
 */
public final class NodeNetworkReadinessCheck implements Check {
  private final CauseCatalog catalog;

  public NodeNetworkReadinessCheck(CauseCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public String id() {
    return "node-network-readiness";
  }

  @Override
  public String description() {
    return "nodes whose Ready condition says the network plugin is not ready, or whose"
        + " NetworkUnavailable condition is true";
  }

  @Override
  public Set<Resource> uses() {
    return EnumSet.of(Resource.EVENTS, Resource.PODS);
  }

  @Override
  public Set<Resource> requires() {
    return EnumSet.of(Resource.NODES);
  }

  /** True when a Ready condition message says the runtime's network is not ready. */
  static boolean networkNotReady(String message) {
    return message != null
        && (message.contains("NetworkPluginNotReady")
            || message.contains("network plugin is not ready")
            || message.contains("runtime network not ready")
            || message.contains("cni plugin not initialized")
            || message.contains("cni config uninitialized"));
  }

  @Override
  public List<Finding> run(ClusterModel model) {
    AgentView agents = new AgentView(model);
    Optional<String> cidrExpected = NodeCidrExpectation.reason(model);
    List<Finding> findings = new ArrayList<>();
    for (NodeInfo node : model.nodes().values()) {
      boolean pluginNotReady = node.notReady() && networkNotReady(node.ready().message());
      boolean unavailable = node.networkUnavailable() != null && node.networkUnavailable().isTrue();
      if (!pluginNotReady && !unavailable) {
        continue;
      }
      List<Evidence> evidence = new ArrayList<>();
      RootCause cause;
      Explanation explanation = null;
      if (pluginNotReady) {
        evidence.add(
            new Evidence(
                "node-condition",
                "node " + node.name(),
                "Ready="
                    + node.ready().status()
                    + " "
                    + node.ready().reason()
                    + ": "
                    + node.ready().message()));
        explanation = catalog.explain(node.ready().message());
        cause =
            explanation.cause() == RootCause.UNKNOWN
                ? RootCause.CNI_CONFIG_MISSING
                : explanation.cause();
      } else {
        cause = RootCause.AGENT_NOT_READY;
      }
      if (unavailable) {
        evidence.add(
            new Evidence(
                "node-condition",
                "node " + node.name(),
                "NetworkUnavailable=True "
                    + node.networkUnavailable().reason()
                    + ": "
                    + node.networkUnavailable().message()));
      }
      if (node.hasNoPodCidr() && cidrExpected.isPresent()) {
        cause = RootCause.NODE_CIDR_MISSING;
        evidence.add(
            new Evidence(
                "node-spec",
                "node " + node.name(),
                "spec.podCIDR is empty although " + cidrExpected.get()));
      }
      for (NodeEventSummary event : model.nodeEvents()) {
        if ("NetworkNotReady".equals(event.reason()) && node.name().equals(event.nodeName())) {
          evidence.add(
              new Evidence(
                  "event",
                  "node " + node.name(),
                  "NetworkNotReady on its pods (x" + event.count() + "): " + event.message()));
        }
      }
      List<PodInfo> nodeAgents = agents.onNode(node.name());
      if (nodeAgents.isEmpty() && !agents.products().isEmpty()) {
        evidence.add(
            new Evidence(
                "pod-status",
                "node " + node.name(),
                "no " + agents.products().get(0).product() + " agent pod runs on this node"));
      }
      for (PodInfo agent : nodeAgents) {
        if (AgentView.unhealthy(agent)) {
          evidence.addAll(agents.evidence(agent));
        }
      }
      int waiting = model.podCounts(node.name()).waitingForSandbox();
      String summary =
          "The container runtime on "
              + node.name()
              + " reports its network not ready, so no pod gets a sandbox there"
              + (waiting > 0 ? " (" + CauseText.pods(waiting) + " waiting)" : "")
              + ".";
      var product =
          nodeAgents.stream()
              .findFirst()
              .flatMap(AgentView::agentOf)
              .or(() -> agents.products().stream().findFirst());
      String namespace =
          nodeAgents.stream()
              .findFirst()
              .map(PodInfo::namespace)
              .orElse(product.flatMap(agents::namespaceOf).orElse(null));
      Runbook.Names names =
          new Runbook.Names(
              node.name(),
              model.stuckPods().stream()
                  .filter(p -> node.name().equals(p.nodeName()))
                  .map(PodInfo::key)
                  .findFirst()
                  .orElse(null),
              namespace,
              nodeAgents.stream().findFirst().map(PodInfo::name).orElse(null),
              namespace == null ? null : product.map(a -> a.daemonSet()).orElse(null),
              product.map(a -> a.container()).orElse(null),
              null,
              nodeAgents.stream()
                  .findFirst()
                  .map(Runbook.AgentState::of)
                  .orElse(Runbook.AgentState.NOT_STARTED),
              Runbook.Names.runtimeUnit(node.containerRuntime()),
              NodeCidrExpectation.controllerManager(model).map(PodInfo::name).orElse(null),
              explanation == null ? List.of() : explanation.remediation());
      findings.add(
          new Finding(
              id(),
              cause,
              Severity.CRITICAL,
              node.name(),
              CauseText.title(cause, node.name()),
              summary,
              List.of(node.name()),
              List.of(),
              evidence,
              Runbook.steps(cause, names)));
    }
    return findings;
  }
}
