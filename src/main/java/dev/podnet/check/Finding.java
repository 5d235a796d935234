package dev.podnet.check;

import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.List;

/**
 * One conclusion of the analysis: a root cause, where it applies, what shows it, and what to run
 * next. Findings are values; renderers print them and never compute anything new.
 *
 * @param checkId the check that produced it
 * @param scope the node it concerns, or {@code cluster} when it spans nodes
 * @param nodes every node concerned, sorted
 * @param pods the pods that cannot get a network because of it, sorted
 * @param evidence what was observed, quoted as observed
 * @param nextSteps ordered as the runbook orders them, names filled in
 */
public record Finding(
    String checkId,
    RootCause cause,
    Severity severity,
    String scope,
    String title,
    String summary,
    List<String> nodes,
    List<AffectedPod> pods,
    List<Evidence> evidence,
    List<NextStep> nextSteps) {

  /** The scope of a finding that spans several nodes or none. */
  public static final String CLUSTER = "cluster";

  public Finding {
    nodes = List.copyOf(nodes);
    pods = List.copyOf(pods);
    evidence = List.copyOf(evidence);
    nextSteps = List.copyOf(nextSteps);
  }
}
