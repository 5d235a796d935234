package dev.podnet.cli;

import dev.podnet.fix.RunJournal;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Which journaled fix run a command is about, and where its journal lives. */
final class RunOptions {
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

  /** The journal root: {@code --journal-dir}, else the default. */
  Path root() {
    return journalDir != null ? journalDir : RunJournal.defaultRoot();
  }

  /** True when {@code --journal-dir} was given, so the continue command must repeat it. */
  boolean rootGiven() {
    return journalDir != null;
  }
}
