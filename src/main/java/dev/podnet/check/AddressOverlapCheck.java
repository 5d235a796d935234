package dev.podnet.check;

import dev.podnet.cidr.Cidr;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.NodeInfo;
import dev.podnet.model.Resource;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The pod CIDR overlapping the service CIDR, or the nodes' own addresses: packets meant for a
 * Service or a node are routed to pods, or the other way round.
 */
public final class AddressOverlapCheck implements Check {
  @Override
  public String id() {
    return "pod-cidr-overlaps";
  }

  @Override
  public String description() {
    return "the cluster CIDR against the service CIDR and the nodes' own addresses";
  }

  @Override
  public Set<Resource> requires() {
    return EnumSet.of(Resource.NODES);
  }

  @Override
  public Set<Resource> uses() {
    return EnumSet.of(Resource.PODS, Resource.CONFIGMAPS, Resource.SERVICES);
  }

  @Override
  public List<Finding> run(ClusterModel model) {
    ClusterNetwork network = ClusterNetwork.of(model);
    List<Finding> findings = new ArrayList<>();
    for (Cidr pods : network.clusterCidrs()) {
      for (Cidr services : network.serviceCidrs()) {
        if (pods.overlaps(services)) {
          findings.add(
              CidrChecks.finding(
                  id(),
                  RootCause.CIDR_CONFLICT,
                  Severity.CRITICAL,
                  Finding.CLUSTER,
                  "The pod CIDR " + pods.text() + " overlaps the service CIDR " + services.text(),
                  "Pod addresses from "
                      + pods.text()
                      + " collide with Service addresses from "
                      + services.text()
                      + ": traffic to one is taken by the other.",
                  List.of(),
                  List.of(
                      new Evidence("configuration", network.clusterCidrSource(), pods.text()),
                      new Evidence("configuration", network.serviceCidrSource(), services.text())),
                  List.of(
                      new NextStep(
                          "Choose non-overlapping ranges; the service CIDR cannot change without rebuilding Services, so move the pod CIDR",
                          null))));
        }
      }
      List<String> nodesInside = new ArrayList<>();
      List<Evidence> evidence = new ArrayList<>();
      for (NodeInfo node : model.nodes().values()) {
        for (String address : node.addresses()) {
          if (pods.contains(address)) {
            nodesInside.add(node.name());
            evidence.add(
                new Evidence(
                    "node-status",
                    "node " + node.name(),
                    "address " + address + " is inside the pod CIDR " + pods.text()));
          }
        }
      }
      if (!nodesInside.isEmpty()) {
        findings.add(
            CidrChecks.finding(
                id(),
                RootCause.CIDR_CONFLICT,
                Severity.CRITICAL,
                Finding.CLUSTER,
                "The pod CIDR " + pods.text() + " contains node addresses",
                CauseText.nodes(nodesInside.size())
                    + " have addresses inside the pod CIDR: routes to pods"
                    + " and to those nodes clash (Cilium's default 10.0.0.0/8 pool is a common cause).",
                nodesInside.stream().distinct().sorted().toList(),
                evidence.stream().limit(10).toList(),
                List.of(new NextStep("Move the pod CIDR off the node network", null))));
      }
    }
    if (!network.serviceCidrs().isEmpty()) {
      long outside =
          model.ipam().serviceIps().stream()
              .filter(ip -> network.serviceCidrs().stream().noneMatch(c -> c.contains(ip)))
              .count();
      if (outside > 0) {
        String sample =
            model.ipam().serviceIps().stream()
                .filter(ip -> network.serviceCidrs().stream().noneMatch(c -> c.contains(ip)))
                .findFirst()
                .orElse("");
        findings.add(
            CidrChecks.finding(
                id(),
                RootCause.CIDR_CONFLICT,
                Severity.WARNING,
                Finding.CLUSTER,
                outside + " Service address(es) outside the service CIDR",
                "Services hold addresses outside "
                    + network.serviceCidrs()
                    + ", so the service range changed after they were created.",
                List.of(),
                List.of(
                    new Evidence(
                        "service",
                        "e.g. " + sample,
                        "outside "
                            + network.serviceCidrs()
                            + " ("
                            + network.serviceCidrSource()
                            + ")")),
                List.of(
                    new NextStep(
                        "List Services and their cluster IPs",
                        "kubectl get services -A -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name,IP:.spec.clusterIP"))));
      }
    }
    return findings;
  }
}
