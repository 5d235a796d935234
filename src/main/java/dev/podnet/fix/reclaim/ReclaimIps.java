package dev.podnet.fix.reclaim;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of {@code podnet fix reclaim-ips} on a node root: read, decide, record the observation,
 * and with {@code apply} move the releasable files into a backup folder.
 */
public final class ReclaimIps {
  private ReclaimIps() {}

  /**
   * Runs once.
   *
   * @param sandboxesFile the saved {@code crictl pods -o json}
   * @param pods the addresses of the node's pods in the API (or why they could not be read)
   * @param backupRoot where dated backup folders are created
   * @param clock the time of the observation and the backup folder's name
   * @throws ReclaimException when the root or the state cannot be read or written, or a move failed
   *     (and was rolled back)
   */
  public static ReclaimReport run(
      HostLocalDisk disk,
      String node,
      Path sandboxesFile,
      PodHolders pods,
      ObservationStore store,
      Duration cooldown,
      boolean apply,
      Path backupRoot,
      Clock clock)
      throws ReclaimException {
    Instant now = clock.instant();
    List<ReservationFile> reservations = disk.reservations();
    SandboxList sandboxes = HostLocalDisk.sandboxes(sandboxesFile);
    ObservationLog previous = store.load(node);
    ReclaimPlan plan = ReclaimPlanner.plan(reservations, sandboxes, pods, previous, cooldown, now);
    if (plan.observed()) {
      store.save(plan.observations());
    }
    List<Decision> decisions = plan.decisions();
    String backup = null;
    List<Decision> releasable = plan.with(Verdict.RELEASABLE);
    if (apply && plan.blockers().isEmpty() && !releasable.isEmpty()) {
      HostLocalDisk.Released released =
          disk.release(
              releasable.stream().map(Decision::reservation).toList(), backupRoot, node, now);
      backup = released.backup() == null ? null : released.backup().toString();
      decisions = afterRelease(decisions, released);
      store.save(plan.observations().without(released.released()));
    }
    return new ReclaimReport(
        node,
        disk.root().toString(),
        sandboxes,
        pods,
        store.file().toString(),
        now,
        cooldown,
        apply,
        plan,
        decisions,
        backup);
  }

  /**
   * Parses a duration as Go and kubectl write them: {@code 10m}, {@code 90s}, {@code 1h30m}.
   *
   * @throws IllegalArgumentException naming the text when it is not one
   */
  public static Duration parseDuration(String text) {
    java.util.regex.Matcher part =
        java.util.regex.Pattern.compile("([0-9]+)(h|m|s)").matcher(text.strip());
    Duration total = Duration.ZERO;
    int end = 0;
    while (part.find() && part.start() == end) {
      long amount = Long.parseLong(part.group(1));
      total =
          total.plus(
              switch (part.group(2)) {
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofSeconds(amount);
              });
      end = part.end();
    }
    if (end == 0 || end != text.strip().length()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration like 10m, 90s or 1h30m");
    }
    return total;
  }

  /** A duration as Go prints a whole number of seconds, without zero parts: {@code 1h30m}. */
  public static String formatDuration(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds == 0) {
      return "0s";
    }
    StringBuilder text = new StringBuilder();
    if (seconds >= 3600) {
      text.append(seconds / 3600).append('h');
    }
    if (seconds % 3600 >= 60) {
      text.append(seconds % 3600 / 60).append('m');
    }
    if (seconds % 60 > 0) {
      text.append(seconds % 60).append('s');
    }
    return text.toString();
  }

  private static List<Decision> afterRelease(
      List<Decision> decisions, HostLocalDisk.Released released) {
    List<Decision> after = new ArrayList<>();
    Map<String, String> changed = released.changed();
    for (Decision decision : decisions) {
      String path = decision.reservation().path();
      if (decision.verdict() != Verdict.RELEASABLE) {
        after.add(decision);
      } else if (released.released().contains(path)) {
        after.add(decision.with(Verdict.RELEASED, decision.why() + "; moved to the backup"));
      } else {
        after.add(decision.with(Verdict.CHANGED, changed.getOrDefault(path, "not moved")));
      }
    }
    return after;
  }
}
