package dev.podnet.cli;

import dev.podnet.check.CheckRegistry;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code podnet ipam}: free addresses per node and pool, leaks, time to exhaustion. */
@Command(
    name = "ipam",
    mixinStandardHelpOptions = true,
    description = {
      "Counts pod addresses by the allocators' real rules: usable, used and free IPs per node,",
      "nodes whose maxPods exceeds their usable IPs, node CIDRs per cluster CIDR and the days until",
      "they run out, Calico blocks, leaked handles and allocations without a handle."
    })
final class IpamCommand implements Callable<Integer> {
  @Mixin SourceOptions source;
  @Mixin OutputOptions output;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    return Analysis.run(
        "ipam",
        source,
        output,
        CheckRegistry.ipamChecks(),
        CheckRegistry.ipamViews(),
        spec.commandLine().getOut());
  }
}
