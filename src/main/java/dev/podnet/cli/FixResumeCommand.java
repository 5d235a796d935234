package dev.podnet.cli;

import dev.podnet.fix.RunJournal;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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
  @Parameters(
      index = "0",
      paramLabel = "RUN",
      description = "The run id, e.g. 20261120-095830-7f3a9c.")
  String runId;

  @Option(
      names = "--journal-dir",
      paramLabel = "DIR",
      description = "Where the journals are (default: $PODNET_JOURNAL_DIR or ~/.podnet/runs).")
  Path journalDir;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Kubeconfig file (default: KUBECONFIG, ~/.kube/config, or the in-cluster service account).")
  String kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", description = "Kubeconfig context to use.")
  String context;

  @Option(
      names = "--request-timeout",
      paramLabel = "SECONDS",
      description = "Give up on an API request after this long (default: ${DEFAULT-VALUE}).")
  long requestTimeout = 30;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Path root = journalDir != null ? journalDir : RunJournal.defaultRoot();
    return FixRuns.resume(
        runId,
        root,
        journalDir != null,
        new FixRuns.Connection(kubeconfig, context, requestTimeout),
        spec.commandLine().getOut());
  }
}
