package dev.podnet.cli;

import dev.podnet.check.CheckRegistry;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code podnet cidr}: pod CIDR drift across every layer. */
@Command(
    name = "cidr",
    mixinStandardHelpOptions = true,
    description = {
      "Audits pod CIDRs: the IPAM model in use, every node's podCIDR/podCIDRs (missing, malformed,",
      "wrong mask, overlapping, one family missing, outside the cluster CIDR), the cluster CIDR as",
      "each layer states it, overlaps with the service CIDR and node addresses, pod IPs outside",
      "their node's CIDR and IPs held twice."
    })
final class CidrCommand implements Callable<Integer> {
  @Mixin SourceOptions source;
  @Mixin OutputOptions output;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    return Analysis.run(
        "cidr",
        source,
        output,
        CheckRegistry.cidrChecks(),
        CheckRegistry.cidrViews(),
        spec.commandLine().getOut());
  }
}
