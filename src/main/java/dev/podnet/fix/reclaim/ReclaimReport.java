package dev.podnet.fix.reclaim;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The result of one {@code reclaim-ips} run on a node, as the renderers print it.
 *
 * @param node the node
 * @param root the node root as given
 * @param sandboxes the sandbox list read, or why not
 * @param pods the pods' addresses read from the API, or why not
 * @param observationsFile where the observations are kept
 * @param observedAt the time of this run's observation
 * @param cooldown the least time between two agreeing observations
 * @param apply whether files were to be moved ({@code --apply}) or only shown
 * @param plan the decisions before anything was moved, and the observations kept
 * @param decisions the final verdict per reservation (after the moves with {@code --apply})
 * @param backup the backup folder the released files went to, or null
 */
public record ReclaimReport(
    String node,
    String root,
    SandboxList sandboxes,
    PodHolders pods,
    String observationsFile,
    Instant observedAt,
    Duration cooldown,
    boolean apply,
    ReclaimPlan plan,
    List<Decision> decisions,
    String backup) {
  public ReclaimReport {
    decisions = List.copyOf(decisions);
  }

  public long count(Verdict verdict) {
    return decisions.stream().filter(d -> d.verdict() == verdict).count();
  }

  /**
   * 4 when a guard could not run (sandbox list or API unreadable); 1 when reservations wait for the
   * cooldown, are releasable but not released (dry run), or changed while moved; 0 otherwise.
   */
  public int exitCode() {
    if (!plan.blockers().isEmpty()) {
      return 4;
    }
    boolean pending =
        decisions.stream()
            .anyMatch(
                d ->
                    d.verdict() == Verdict.WAITING
                        || d.verdict() == Verdict.RELEASABLE
                        || d.verdict() == Verdict.CHANGED);
    return pending ? 1 : 0;
  }
}
