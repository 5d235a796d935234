package dev.podnet.cli;

import dev.podnet.fix.FixStatus;
import dev.podnet.fix.JournalException;
import dev.podnet.fix.RunJournal;
import dev.podnet.report.FixStatusRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code podnet fix status RUN}: where a run stands, from its journal alone. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Shows where a run of 'podnet fix node-cidr --apply' stands: every planned node with the",
      "state of each step, the last failure, and the command that continues the run. Reads the",
      "journal only; the cluster is not contacted."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the run is complete",
      "1:the run is in progress or was interrupted",
      "2:the run stopped at a failed step",
      "3:usage error",
      "4:the journal could not be read"
    })
final class FixStatusCommand implements Callable<Integer> {
  @Mixin RunOptions run = new RunOptions();

  @Mixin OutputOptions output;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Path root = run.root();
    RunJournal journal;
    try {
      journal = RunJournal.open(root, run.runId, RunJournal::atomicWrite);
    } catch (JournalException e) {
      throw new UserError(e.getMessage(), Main.SOURCE_UNREADABLE);
    }
    FixStatus status =
        FixStatus.of(
            journal,
            FixRuns.continueCommand(
                run.runId, root, run.rootGiven(), new FixRuns.Connection(null, null, 30)));
    PrintWriter out = spec.commandLine().getOut();
    FixStatusRenderer.render(status, output.format(), out, output.color());
    out.flush();
    return status.exitCode();
  }
}
