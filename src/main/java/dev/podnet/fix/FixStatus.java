package dev.podnet.fix;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a run stands, read from its journal alone (no cluster needed): every planned node with the
 * state of each of its steps, the last failure, and the command that continues the run.
 *
 * @param state {@code complete}, {@code failed}, or {@code running} (running now or interrupted)
 * @param lastFailure the newest failed entry, or null when none failed since the run last started
 * @param continueCommand the command that resumes the run; empty when it is complete
 */
public record FixStatus(
    String runId,
    String state,
    Instant planCreatedAt,
    String source,
    Instant updatedAt,
    List<NodeStatus> nodes,
    JournalEntry lastFailure,
    String continueCommand) {

  /** One planned node. */
  public record NodeStatus(String node, String reason, List<StepState> steps) {
    public NodeStatus {
      steps = List.copyOf(steps);
    }
  }

  /**
   * One step of a node.
   *
   * @param state {@code pending}, {@code started}, {@code done} or {@code failed}
   * @param at when the last entry of the step was written; null when pending
   * @param detail the last entry's detail; empty when pending
   */
  public record StepState(String step, String state, Instant at, String detail) {}

  public FixStatus {
    nodes = List.copyOf(nodes);
  }

  /** 0 complete, 1 running or interrupted, 2 failed. */
  public int exitCode() {
    return switch (state) {
      case "complete" -> 0;
      case "failed" -> 2;
      default -> 1;
    };
  }

  /** Reads the status of a run from its journal. */
  public static FixStatus of(RunJournal journal, String continueCommand) {
    List<NodeStatus> nodes = new ArrayList<>();
    for (NodePlan node : journal.plan().nodes()) {
      List<StepState> steps = new ArrayList<>();
      for (FixStep step : node.steps()) {
        Optional<JournalEntry> last = journal.last(node.node(), step.kind());
        steps.add(
            last.map(
                    e ->
                        new StepState(
                            FixPlanJson.stepId(step.kind()), e.state(), e.at(), e.detail()))
                .orElse(new StepState(FixPlanJson.stepId(step.kind()), "pending", null, "")));
      }
      nodes.add(new NodeStatus(node.node(), node.reason(), steps));
    }
    List<JournalEntry> entries = journal.entries();
    Instant updated =
        entries.isEmpty() ? journal.plan().createdAt() : entries.get(entries.size() - 1).at();
    JournalEntry failure =
        journal.state() == RunJournal.State.FAILED ? journal.lastFailure().orElse(null) : null;
    String command =
        journal.state() == RunJournal.State.COMPLETE
            ? ""
            : failure != null && failure.facts().containsKey("continue")
                ? failure.facts().get("continue")
                : continueCommand;
    return new FixStatus(
        journal.runId(),
        journal.state().id(),
        journal.plan().createdAt(),
        journal.plan().source(),
        updated,
        nodes,
        failure,
        command);
  }

  /** {@link #of(RunJournal, String)} with the plain resume command. */
  public static FixStatus of(RunJournal journal) {
    return of(journal, "podnet fix resume " + journal.runId());
  }
}
