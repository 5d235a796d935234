package dev.podnet.fix.reclaim;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What one run of {@code reclaim-ips} decided: a verdict per reservation, the observation log to
 * keep, and what stopped it from releasing anything at all.
 *
 * @param decisions one per reservation file, by directory then address
 * @param observations the log after this run's observation (unchanged when nothing was observed)
 * @param observed whether this run counted as an observation (the sandbox list was read)
 * @param blockers why nothing can be released, each one line; empty when the guards could run
 */
public record ReclaimPlan(
    List<Decision> decisions,
    ObservationLog observations,
    boolean observed,
    List<String> blockers) {
  public ReclaimPlan {
    decisions = List.copyOf(decisions);
    blockers = List.copyOf(blockers);
  }

  public List<Decision> with(Verdict verdict) {
    return decisions.stream().filter(d -> d.verdict() == verdict).toList();
  }

  /** The earliest time a waiting reservation may be released, if any waits. */
  public Optional<Instant> nextRelease() {
    return with(Verdict.WAITING).stream()
        .map(Decision::releasableAt)
        .min(Comparator.naturalOrder());
  }
}
