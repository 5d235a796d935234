package dev.podnet.cli;

import dev.podnet.check.CheckRegistry;
import dev.podnet.classify.CauseCatalog;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code podnet diagnose}: pods that cannot get a network, grouped by root cause and node. */
@Command(
    name = "diagnose",
    mixinStandardHelpOptions = true,
    description = {
      "Finds every pod that cannot get a sandbox, groups the failures by root cause and node,",
      "and prints the evidence and the next commands to run, with the real names filled in."
    })
final class DiagnoseCommand implements Callable<Integer> {
  @Mixin SourceOptions source;
  @Mixin OutputOptions output;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    return Analysis.run(
        "diagnose",
        source,
        output,
        CheckRegistry.diagnoseChecks(CauseCatalog.load()),
        List.of(),
        spec.commandLine().getOut());
  }
}
