package dev.podnet.check;

import dev.podnet.cidr.Cidr;
import dev.podnet.cidr.CidrOverlap;
import dev.podnet.cidr.CidrOverlaps;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.NodeInfo;
import dev.podnet.model.Resource;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Node pod CIDRs that overlap another node's: two nodes would hand out the same pod IPs. */
public final class NodeCidrOverlapCheck implements Check {
  @Override
  public String id() {
    return "node-cidr-overlaps";
  }

  @Override
  public String description() {
    return "node pod CIDRs overlapping another node's (sweep over all nodes, O(n log n))";
  }

  @Override
  public Set<Resource> requires() {
    return EnumSet.of(Resource.NODES);
  }

  @Override
  public List<Finding> run(ClusterModel model) {
    List<Cidr> cidrs = new ArrayList<>();
    List<String> owners = new ArrayList<>();
    for (NodeInfo node : model.nodes().values()) {
      for (Cidr cidr : CidrChecks.nodeCidrs(node)) {
        cidrs.add(cidr);
        owners.add(node.name());
      }
    }
    List<Finding> findings = new ArrayList<>();
    for (CidrOverlap overlap : CidrOverlaps.find(cidrs)) {
      String first = owners.get(overlap.firstIndex());
      String second = owners.get(overlap.secondIndex());
      if (first.equals(second)) {
        continue;
      }
      findings.add(
          CidrChecks.finding(
              id(),
              RootCause.CIDR_CONFLICT,
              Severity.CRITICAL,
              first,
              "Pod CIDRs of " + first + " and " + second + " overlap",
              first
                  + " holds "
                  + overlap.first().text()
                  + " and "
                  + second
                  + " holds "
                  + overlap.second().text()
                  + ": both can give the same address to two pods, and routes to one of them break.",
              List.of(first, second).stream().sorted().toList(),
              List.of(
                  new Evidence("node-spec", "node " + first, "pod CIDR " + overlap.first().text()),
                  new Evidence(
                      "node-spec", "node " + second, "pod CIDR " + overlap.second().text())),
              CidrChecks.reRegister(second)));
    }
    return findings;
  }
}
