package dev.podnet.check;

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
 * Nodes without a pod CIDR in a cluster whose IPAM model says they should have one. Where the model
 * gives no such sign (EKS with the VPC CNI, Calico's own IPAM), an empty podCIDR is normal and not
 * reported.
 */
public final class NodeCidrCheck implements Check {

  @Override
  public String id() {
    return "node-pod-cidr";
  }

  @Override
  public String description() {
    return "nodes without spec.podCIDR where built-in node IPAM says they should have one";
  }

  @Override
  public Set<Resource> uses() {
    return EnumSet.of(Resource.PODS, Resource.EVENTS);
  }

  @Override
  public Set<Resource> requires() {
    return EnumSet.of(Resource.NODES);
  }

  @Override
  public List<Finding> run(ClusterModel model) {
    Optional<String> expected = NodeCidrExpectation.reason(model);
    List<Finding> findings = new ArrayList<>();
    if (expected.isEmpty()) {
      return findings;
    }
    for (NodeInfo node : model.nodes().values()) {
      if (!node.hasNoPodCidr()) {
        continue;
      }
      List<Evidence> evidence = new ArrayList<>();
      evidence.add(new Evidence("node-spec", "node " + node.name(), "spec.podCIDR is empty"));
      evidence.add(new Evidence("decision", "cluster", "nodes should hold one: " + expected.get()));
      for (NodeEventSummary event : model.nodeEvents()) {
        if ((event.reason().startsWith("CIDR")) && node.name().equals(event.nodeName())) {
          evidence.add(
              new Evidence(
                  "event",
                  "node " + node.name(),
                  event.reason() + " (x" + event.count() + "): " + event.message()));
        }
      }
      String exhausted = "";
      for (IpamCapacity.PoolCapacity pool : IpamCapacity.pools(model, ClusterNetwork.of(model))) {
        if (pool.free() == 0) {
          evidence.add(
              new Evidence(
                  "configuration",
                  "cluster",
                  "the cluster CIDR "
                      + pool.clusterCidr().text()
                      + " has no /"
                      + pool.nodeMask()
                      + " node CIDR left ("
                      + pool.assigned()
                      + " of "
                      + pool.total()
                      + " assigned)"));
          exhausted =
              " The cluster CIDR "
                  + pool.clusterCidr().text()
                  + " is exhausted: the fix is a wider cluster CIDR, not a node roll.";
        }
      }
      int waiting = model.podCounts(node.name()).waitingForSandbox();
      String stuckPod =
          model.stuckPods().stream()
              .filter(p -> node.name().equals(p.nodeName()))
              .map(PodInfo::key)
              .findFirst()
              .orElse(null);
      findings.add(
          new Finding(
              id(),
              RootCause.NODE_CIDR_MISSING,
              waiting > 0 ? Severity.CRITICAL : Severity.WARNING,
              node.name(),
              CauseText.title(RootCause.NODE_CIDR_MISSING, node.name()),
              node.name()
                  + " registered without a pod CIDR, so CNI plugins that allocate from the node's"
                  + " range (host-local, flannel) have nothing to give out"
                  + (waiting > 0 ? " (" + CauseText.pods(waiting) + " waiting)" : "")
                  + "."
                  + exhausted,
              List.of(node.name()),
              List.of(),
              evidence,
              Runbook.steps(
                  RootCause.NODE_CIDR_MISSING,
                  new Runbook.Names(
                      node.name(),
                      stuckPod,
                      null,
                      null,
                      null,
                      null,
                      null,
                      Runbook.AgentState.HEALTHY,
                      Runbook.Names.runtimeUnit(node.containerRuntime()),
                      NodeCidrExpectation.controllerManager(model).map(PodInfo::name).orElse(null),
                      List.of()))));
    }
    return findings;
  }
}
