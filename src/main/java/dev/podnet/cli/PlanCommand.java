package dev.podnet.cli;

import dev.podnet.check.CapacityPlanner;
import dev.podnet.check.Diagnosis;
import dev.podnet.report.DiagnosisRenderer;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code podnet plan}: what a node-IPAM layout holds, how long it lasts, what mask to choose. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Plans pod address capacity for a cluster CIDR and node mask: nodes and pods that fit,",
      "headroom, the months it lasts at a growth rate, and the smallest mask change that meets the",
      "node count, IPv4 and IPv6, with kube-controller-manager's own limits and error texts."
    })
final class PlanCommand implements Callable<Integer> {
  @Option(
      names = "--cluster-cidr",
      required = true,
      paramLabel = "CIDR[,CIDR]",
      description =
          "The cluster CIDR(s), as kube-controller-manager --cluster-cidr (dual-stack: one of each family).")
  String clusterCidr;

  @Option(
      names = "--node-mask",
      paramLabel = "N[,N]",
      description =
          "Node CIDR mask size, one per cluster CIDR (default: 24 for IPv4, 64 for IPv6).")
  String nodeMask;

  @Option(
      names = "--service-cidr",
      paramLabel = "CIDR[,CIDR]",
      description = "Service range(s); node CIDRs overlapping them are never allocated.")
  String serviceCidr;

  @Option(
      names = "--max-pods",
      paramLabel = "N",
      description = "kubelet maxPods (default: ${DEFAULT-VALUE}).")
  int maxPods = 110;

  @Option(
      names = "--nodes",
      required = true,
      paramLabel = "N",
      description = "Nodes the layout must hold.")
  long nodes;

  @Option(
      names = "--growth",
      paramLabel = "N/month",
      description = "Nodes added per month (also N/week, N/day).")
  String growth;

  @Mixin OutputOptions output;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    var format = output.format();
    Diagnosis plan;
    try {
      plan =
          CapacityPlanner.plan(
              clusterCidr, nodeMask, serviceCidr, maxPods, nodes, growthPerMonth());
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), Main.USAGE);
    }
    var out = spec.commandLine().getOut();
    DiagnosisRenderer.render(plan, format, out, output.color());
    out.flush();
    return plan.exitCode();
  }

  private double growthPerMonth() {
    if (growth == null) {
      return 0;
    }
    String[] parts = growth.trim().split("/", 2);
    double per;
    try {
      per = Double.parseDouble(parts[0]);
    } catch (NumberFormatException e) {
      throw new UserError(
          "--growth '" + growth + "': expected N/month, N/week or N/day", Main.USAGE);
    }
    String unit = parts.length == 1 ? "month" : parts[1];
    return switch (unit) {
      case "month", "mo" -> per;
      case "week", "w" -> per * 52.0 / 12.0;
      case "day", "d" -> per * 365.0 / 12.0;
      default ->
          throw new UserError(
              "--growth '" + growth + "': expected N/month, N/week or N/day", Main.USAGE);
    };
  }
}
