package dev.podnet.cli;

import dev.podnet.fix.FixExecutor;
import dev.podnet.fix.FixPlan;
import dev.podnet.fix.JournalException;
import dev.podnet.fix.KubernetesFixCluster;
import dev.podnet.fix.RunId;
import dev.podnet.fix.RunJournal;
import dev.podnet.fix.RunOutcome;
import dev.podnet.source.SourceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * Starts and resumes the runs of {@code podnet fix node-cidr --apply}: journal, cluster, executor.
 */
final class FixRuns {
  private FixRuns() {}

  /** Where the cluster is and how long a request may take. */
  record Connection(String kubeconfig, String context, long requestTimeoutSeconds) {}

  /**
   * Starts a new run of the plan: a fresh run id, its journal under {@code root}, then the
   * executor.
   *
   * @param journalDirGiven whether {@code --journal-dir} was given, so the continue command repeats
   *     it
   */
  static int start(
      FixPlan plan, Path root, boolean journalDirGiven, Connection connection, PrintWriter out) {
    Clock clock = Clock.systemUTC();
    String runId = RunId.next(clock, new SecureRandom());
    RunJournal journal;
    try {
      journal = RunJournal.create(root, runId, plan, RunJournal::atomicWrite);
    } catch (IOException e) {
      throw new UserError(
          "cannot write the journal under " + root + ": " + e.getMessage(), Main.SOURCE_UNREADABLE);
    }
    out.println();
    out.println("journal: " + journal.directory());
    return run(
        journal, clock, continueCommand(runId, root, journalDirGiven, connection), connection, out);
  }

  /** Continues a run from its journal. */
  static int resume(
      String runId, Path root, boolean journalDirGiven, Connection connection, PrintWriter out) {
    RunJournal journal;
    try {
      journal = RunJournal.open(root, runId, RunJournal::atomicWrite);
    } catch (JournalException e) {
      throw new UserError(e.getMessage(), Main.SOURCE_UNREADABLE);
    }
    if (journal.state() == RunJournal.State.COMPLETE) {
      out.println("run " + runId + " is complete: nothing to resume");
      releaseLeftoverLock(journal, connection, out);
      return 0;
    }
    out.println("journal: " + journal.directory());
    return run(
        journal,
        Clock.systemUTC(),
        continueCommand(runId, root, journalDirGiven, connection),
        connection,
        out);
  }

  /**
   * A run killed between the end of its journal and the release of its lock leaves the lock held
   * until it lapses; resuming it lets the lock go at once, where the run still holds it.
   */
  private static void releaseLeftoverLock(
      RunJournal journal, Connection connection, PrintWriter out) {
    try (KubernetesFixCluster cluster = connect(connection)) {
      if (executor(cluster, journal, Clock.systemUTC(), "", out).releaseLockOfCompletedRun()) {
        out.println("released the lock kube-system/podnet-fix, which the run still held");
      }
    } catch (SourceException e) {
      out.println(
          "could not look at the lock kube-system/podnet-fix ("
              + e.getMessage()
              + "); if the run still holds it, it lapses by itself");
    }
  }

  private static int run(
      RunJournal journal,
      Clock clock,
      String continueCommand,
      Connection connection,
      PrintWriter out) {
    try (KubernetesFixCluster cluster = connect(connection)) {
      RunOutcome outcome = executor(cluster, journal, clock, continueCommand, out).run();
      out.flush();
      return outcome.exitCode();
    } catch (SourceException e) {
      throw new UserError(
          e.getMessage() + " (the run was not started; continue with: " + continueCommand + ")",
          Main.SOURCE_UNREADABLE);
    } catch (IOException e) {
      throw new UserError(
          "cannot write the journal "
              + journal.directory()
              + ": "
              + e.getMessage()
              + "; the run stopped before its next step (continue with: "
              + continueCommand
              + ")",
          Main.SOURCE_UNREADABLE);
    }
  }

  private static KubernetesFixCluster connect(Connection connection) throws SourceException {
    return KubernetesFixCluster.connect(
        connection.kubeconfig(),
        connection.context(),
        Duration.ofSeconds(connection.requestTimeoutSeconds()));
  }

  /** The executor of a run, printing each event as it happens. */
  private static FixExecutor executor(
      KubernetesFixCluster cluster,
      RunJournal journal,
      Clock clock,
      String continueCommand,
      PrintWriter out) {
    return new FixExecutor(
        cluster,
        journal,
        clock,
        duration -> Thread.sleep(duration.toMillis()),
        line -> {
          out.println(line);
          out.flush();
        },
        continueCommand);
  }

  /** {@code podnet fix resume RUN}, with the options that reach the same journal and cluster. */
  static String continueCommand(
      String runId, Path root, boolean journalDirGiven, Connection connection) {
    StringBuilder command = new StringBuilder("podnet fix resume ").append(runId);
    if (journalDirGiven) {
      command.append(" --journal-dir ").append(root);
    }
    if (connection.kubeconfig() != null) {
      command.append(" --kubeconfig ").append(connection.kubeconfig());
    }
    if (connection.context() != null) {
      command.append(" --context ").append(connection.context());
    }
    return command.toString();
  }
}
