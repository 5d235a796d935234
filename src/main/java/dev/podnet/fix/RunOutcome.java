package dev.podnet.fix;

/**
 * How a run (or one resume of it) ended.
 *
 * @param node the node it stopped on; null when it completed or stopped before touching a node
 * @param step the step it stopped at ({@link JournalEntry#RUN} for a guard); null when complete
 * @param message why it stopped; empty when complete
 * @param nodeState what the stopped node looks like now, as read from the cluster
 * @param continueCommand the exact command that continues the run; empty when complete
 */
public record RunOutcome(
    String runId,
    RunJournal.State state,
    String node,
    String step,
    String message,
    String nodeState,
    String continueCommand) {

  /** 0 complete, 2 stopped (DESIGN.md: the fix did not reach a good state). */
  public int exitCode() {
    return state == RunJournal.State.COMPLETE ? 0 : 2;
  }
}
