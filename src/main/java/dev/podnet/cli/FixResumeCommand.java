package dev.podnet.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code podnet fix resume RUN}: continues an interrupted or stopped run from its journal. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = {
      "Continues a run of 'podnet fix node-cidr --apply' that stopped or was interrupted, from the",
      "first step its journal does not mark done. Every step looks at the cluster first, so a step",
      "that was cut short is finished, not repeated."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the run is complete",
      "2:the run stopped again (the output says where and why)",
      "3:usage error",
      "4:the journal or the cluster could not be read"
    })
final class FixResumeCommand implements Callable<Integer> {
  @Mixin RunOptions run = new RunOptions();

  @Mixin ClusterOptions cluster = new ClusterOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Path root = run.root();
    return FixRuns.resume(
        run.runId, root, run.rootGiven(), cluster.connection(), spec.commandLine().getOut());
  }
}
