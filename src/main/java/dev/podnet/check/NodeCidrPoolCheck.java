package dev.podnet.check;

import dev.podnet.model.ClusterModel;
import dev.podnet.model.NodeEventSummary;
import dev.podnet.model.Resource;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster CIDR as a pool of node CIDRs: how many it yields, how many are assigned, what is
 * free, and the days until it runs out at the node growth rate seen in registration times. An
 * exhausted pool with nodes waiting is why they have no pod CIDR ({@code CIDRNotAvailable}).
 */
public final class NodeCidrPoolCheck implements Check {
  /** Free node CIDRs below this share of the pool make a warning. */
  static final double LOW_SHARE = 0.1;

  @Override
  public String id() {
    return "node-cidr-pool";
  }

  @Override
  public String description() {
    return "node CIDRs per cluster CIDR: total, assigned, free, days until exhausted";
  }

  @Override
  public Set<Resource> requires() {
    return EnumSet.of(Resource.NODES);
  }

  @Override
  public Set<Resource> uses() {
    return EnumSet.of(Resource.PODS, Resource.CONFIGMAPS, Resource.EVENTS);
  }

  @Override
  public List<Finding> run(ClusterModel model) {
    ClusterNetwork network = ClusterNetwork.of(model);
    List<Finding> findings = new ArrayList<>();
    if (!network.usesNodeCidrs()) {
      return findings;
    }
    Optional<Double> rate = IpamCapacity.nodesPerDay(model);
    for (IpamCapacity.PoolCapacity pool : IpamCapacity.pools(model, network)) {
      String name = pool.clusterCidr().text() + " with /" + pool.nodeMask() + " node CIDRs";
      List<Evidence> evidence = new ArrayList<>();
      evidence.add(
          new Evidence(
              "configuration",
              network.clusterCidrSource(),
              name
                  + ": "
                  + pool.total()
                  + " node CIDRs, "
                  + pool.assigned()
                  + " assigned, "
                  + pool.free()
                  + " free"));
      for (NodeEventSummary event : model.nodeEvents()) {
        if (event.reason().startsWith("CIDR")) {
          evidence.add(
              new Evidence(
                  "event",
                  "node " + event.nodeName(),
                  event.reason() + " (x" + event.count() + "): " + event.message()));
        }
      }
      rate.ifPresent(
          r ->
              evidence.add(
                  new Evidence(
                      "distribution",
                      "cluster",
                      String.format(
                          java.util.Locale.ROOT,
                          "nodes registered at %.2f per day (from registration times)",
                          r))));
      List<NextStep> steps =
          List.of(
              new NextStep(
                  "See which nodes hold which CIDR",
                  "kubectl get nodes -o custom-columns=NAME:.metadata.name,CIDR:.spec.podCIDR"),
              new NextStep(
                  "Plan a wider cluster CIDR or a smaller node mask",
                  "podnet plan --cluster-cidr "
                      + pool.clusterCidr().text()
                      + " --node-mask "
                      + pool.nodeMask()
                      + " --nodes "
                      + (model.nodes().size() * 2)),
              new NextStep(
                  "Widening needs a new --cluster-cidr on the controller-manager and every layer (kubeadm-config, kube-proxy, CNI), then nodes re-registered one at a time",
                  null));
      if (pool.free() == 0 && !pool.waiting().isEmpty()) {
        findings.add(
            CidrChecks.finding(
                id(),
                RootCause.NODE_CIDR_MISSING,
                Severity.CRITICAL,
                Finding.CLUSTER,
                "The cluster CIDR " + pool.clusterCidr().text() + " has no node CIDR left",
                "All "
                    + pool.total()
                    + " /"
                    + pool.nodeMask()
                    + " node CIDRs of "
                    + pool.clusterCidr().text()
                    + " are assigned, so "
                    + CidrChecks.list(pool.waiting(), 8)
                    + " got none: the fix is a wider cluster CIDR, not a node roll.",
                pool.waiting(),
                evidence,
                steps));
      } else if (pool.total() > 0
          && pool.free() < Math.max(1, Math.ceil(pool.total() * LOW_SHARE))) {
        String days =
            rate.map(
                    r ->
                        String.format(
                            java.util.Locale.ROOT,
                            " (about %.0f days at the current growth)",
                            pool.free() / r))
                .orElse("");
        findings.add(
            CidrChecks.finding(
                id(),
                RootCause.NODE_CIDR_MISSING,
                Severity.WARNING,
                Finding.CLUSTER,
                "The cluster CIDR " + pool.clusterCidr().text() + " is nearly out of node CIDRs",
                pool.free() + " of " + pool.total() + " node CIDRs are left" + days + ".",
                List.of(),
                evidence,
                steps));
      }
    }
    return findings;
  }
}
