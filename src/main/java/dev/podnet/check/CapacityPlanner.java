package dev.podnet.check;

import dev.podnet.cidr.CapacityPlan;
import dev.podnet.cidr.Cidr;
import dev.podnet.cidr.NodeIpamFlags;
import dev.podnet.cidr.PlanInput;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import dev.podnet.model.SourceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns a capacity plan into a report: its tables, and findings where the layout falls short. */
public final class CapacityPlanner {
  private CapacityPlanner() {}

  /**
   * Plans a node-IPAM layout.
   *
   * @throws IllegalArgumentException with kube-controller-manager's text for a layout it refuses
   */
  public static Diagnosis plan(
      String clusterCidr,
      String nodeMask,
      String serviceCidr,
      int maxPods,
      long nodes,
      double growthPerMonth) {
    int mask = 0;
    int maskV4 = 0;
    int maskV6 = 0;
    List<Cidr> clusters = NodeIpamFlags.of(clusterCidr).clusterCidrs();
    if (nodeMask != null) {
      String[] masks = nodeMask.split(",");
      if (masks.length != clusters.size()) {
        throw new IllegalArgumentException(
            "--node-mask needs one value per cluster CIDR ("
                + clusters.size()
                + "), got '"
                + nodeMask
                + "'");
      }
      try {
        for (int i = 0; i < masks.length; i++) {
          int value = Integer.parseInt(masks[i].trim());
          if (clusters.size() == 1) {
            mask = value;
          } else if (clusters.get(i).family() == dev.podnet.cidr.IpFamily.IPV4) {
            maskV4 = value;
          } else {
            maskV6 = value;
          }
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--node-mask '" + nodeMask + "' is not a number (or two, comma separated)");
      }
    }
    List<Cidr> services = serviceCidr == null ? List.of() : ClusterNetwork.cidrs(serviceCidr);
    PlanInput input =
        PlanInput.of(
            new NodeIpamFlags(clusterCidr, mask, maskV4, maskV6),
            services,
            maxPods,
            nodes,
            growthPerMonth,
            nodes);
    CapacityPlan plan = CapacityPlan.of(input);

    List<List<String>> familyRows = new ArrayList<>();
    List<List<String>> adviceRows = new ArrayList<>();
    for (CapacityPlan.Family family : plan.families()) {
      familyRows.add(
          List.of(
              family.clusterCidr().text(),
              "/" + family.nodeCidrMaskSize(),
              Long.toString(family.nodeCidrs()),
              Long.toString(family.nodeCidrsTakenByServices()),
              Long.toString(family.nodesThatFit()),
              family.usableAddressesPerNode().toString()));
      CapacityPlan.MaskAdvice advice = family.advice();
      if (advice.meetsTarget()) {
        adviceRows.add(List.of(family.clusterCidr().text(), "meets the target", "-"));
      } else {
        advice
            .nodeMaskChange()
            .ifPresent(
                l ->
                    adviceRows.add(
                        List.of(
                            family.clusterCidr().text(),
                            "node mask /" + l.nodeCidrMaskSize(),
                            l.nodesThatFit() + " nodes × " + l.usableAddressesPerNode() + " IPs")));
        advice
            .clusterMaskChange()
            .ifPresent(
                l ->
                    adviceRows.add(
                        List.of(
                            family.clusterCidr().text(),
                            "cluster CIDR "
                                + l.clusterCidr().text()
                                + " with /"
                                + l.nodeCidrMaskSize(),
                            l.nodesThatFit() + " nodes × " + l.usableAddressesPerNode() + " IPs")));
        for (String blocker : advice.blockers()) {
          adviceRows.add(List.of(family.clusterCidr().text(), "not possible", blocker));
        }
      }
    }
    List<List<String>> summary = new ArrayList<>();
    summary.add(List.of("nodes that fit", Long.toString(plan.nodesThatFit())));
    summary.add(
        List.of(
            "pods per node",
            plan.podsPerNode() + " (min of --max-pods " + maxPods + " and usable IPs)"));
    summary.add(List.of("pods that fit", Long.toString(plan.podsThatFit())));
    summary.add(List.of("node headroom", plan.nodeHeadroom() + " over " + nodes + " nodes"));
    summary.add(List.of("pod headroom", Long.toString(plan.podHeadroom())));
    summary.add(
        List.of(
            "lasts",
            plan.monthsUntilExhausted().isPresent()
                ? String.format(
                    Locale.ROOT,
                    "%.1f months at %.1f nodes/month",
                    plan.monthsUntilExhausted().getAsDouble(),
                    growthPerMonth)
                : "-"));
    List<Table> tables =
        List.of(
            new Table(
                "capacity",
                "Capacity per cluster CIDR",
                List.of(
                    "CLUSTER CIDR",
                    "NODE MASK",
                    "NODE CIDRS",
                    "TAKEN BY SERVICES",
                    "NODES THAT FIT",
                    "IPS PER NODE"),
                familyRows),
            new Table("summary", "Plan", List.of("ITEM", "VALUE"), summary),
            new Table(
                "advice",
                "Smallest change that meets " + nodes + " nodes × " + maxPods + " pods",
                List.of("CLUSTER CIDR", "CHANGE", "GIVES"),
                adviceRows));

    List<Finding> findings = new ArrayList<>();
    if (plan.nodeHeadroom() < 0) {
      findings.add(
          new Finding(
              "plan",
              RootCause.NODE_CIDR_MISSING,
              Severity.CRITICAL,
              Finding.CLUSTER,
              "The layout gives only " + plan.nodesThatFit() + " of " + nodes + " nodes a pod CIDR",
              (-plan.nodeHeadroom())
                  + " node(s) would register without a pod CIDR (CIDRNotAvailable).",
              List.of(),
              List.of(),
              List.of(),
              List.of(new NextStep("Apply the smallest change in the advice table", null))));
    }
    for (CapacityPlan.Family family : plan.families()) {
      if (family.usableAddressesPerNode().compareTo(java.math.BigInteger.valueOf(maxPods)) < 0) {
        findings.add(
            new Finding(
                "plan",
                RootCause.IPAM_EXHAUSTED,
                Severity.WARNING,
                Finding.CLUSTER,
                "A /"
                    + family.nodeCidrMaskSize()
                    + " node CIDR holds "
                    + family.usableAddressesPerNode()
                    + " pod IPs, fewer than --max-pods "
                    + maxPods,
                "Nodes will run out of pod IPs before they reach maxPods.",
                List.of(),
                List.of(),
                List.of(),
                List.of(new NextStep("Use a smaller node mask or lower maxPods", null))));
      }
    }
    String location =
        "--cluster-cidr "
            + clusterCidr
            + (nodeMask == null ? "" : " --node-mask " + nodeMask)
            + " --max-pods "
            + maxPods
            + " --nodes "
            + nodes;
    return new Diagnosis(
        "plan",
        new SourceInfo("plan", location, null, null),
        new Diagnosis.Summary(
            0,
            0,
            0,
            0,
            (int) findings.stream().filter(f -> f.severity() == Severity.CRITICAL).count(),
            (int) findings.stream().filter(f -> f.severity() == Severity.WARNING).count(),
            0),
        findings,
        tables,
        List.of(),
        List.of());
  }
}
