package dev.podnet.fix;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One line of a run's journal: a step started, done or failed on a node, or the run itself started,
 * stopped or finished ({@code node} null, {@code step} {@value #RUN}).
 *
 * @param at from the executor's clock
 * @param step a step id ({@link FixPlanJson#stepId}), or {@value #RUN}
 * @param state {@value #STARTED}, {@value #DONE} or {@value #FAILED}
 * @param detail what happened, in words
 * @param facts what was observed, e.g. {@code oldUid}, {@code newUid}, {@code podCidrs}
 */
public record JournalEntry(
    Instant at, String node, String step, String state, String detail, Map<String, String> facts) {
  public static final String RUN = "run";
  public static final String STARTED = "started";
  public static final String DONE = "done";
  public static final String FAILED = "failed";

  public JournalEntry {
    facts = java.util.Collections.unmodifiableMap(new TreeMap<>(facts));
  }

  public boolean isRun() {
    return RUN.equals(step);
  }
}
