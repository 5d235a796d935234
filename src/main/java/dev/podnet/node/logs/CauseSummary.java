package dev.podnet.node.logs;

import dev.podnet.model.RootCause;
import java.util.List;
import java.util.Map;

/**
 * What one log file says about one root cause: how many failure lines, first and last seen (null
 * when no line of the cause carried a readable timestamp), the lines per time bucket in time order,
 * the catalog rules that decided with their counts, and the distinct innermost errors, most
 * frequent first. At most {@link ScanOptions#maxInnermostPerCause()} distinct errors are kept;
 * lines whose error came after that limit was reached are counted in {@code otherInnermostCount}.
 */
public record CauseSummary(
    RootCause cause,
    long count,
    LogTime firstSeen,
    LogTime lastSeen,
    List<TimeBucket> buckets,
    Map<String, Long> rules,
    List<InnermostError> innermostErrors,
    long otherInnermostCount) {

  public CauseSummary {
    buckets = List.copyOf(buckets);
    rules = Map.copyOf(rules);
    innermostErrors = List.copyOf(innermostErrors);
  }
}
