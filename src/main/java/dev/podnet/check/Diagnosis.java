package dev.podnet.check;

import dev.podnet.model.Severity;
import dev.podnet.model.SourceInfo;
import java.util.List;

/**
 * The whole result of {@code podnet diagnose}: what was read, what was found, what could not be
 * checked. Its JSON form is a stable interface ({@link #SCHEMA_VERSION}).
 *
 * @param command the podnet command that produced it, e.g. {@code diagnose}
 * @param findings sorted by severity, cause, scope, title
 * @param tables what the command shows beside its findings (empty for diagnose)
 * @param notCollected sources that were absent, each with the checks it would have fed
 * @param skippedChecks checks that could not run, with why
 */
public record Diagnosis(
    String command,
    SourceInfo source,
    Summary summary,
    List<Finding> findings,
    List<Table> tables,
    List<NotCollected> notCollected,
    List<SkippedCheck> skippedChecks) {

  public static final int SCHEMA_VERSION = 1;

  public Diagnosis {
    findings = List.copyOf(findings);
    tables = List.copyOf(tables);
    notCollected = List.copyOf(notCollected);
    skippedChecks = List.copyOf(skippedChecks);
  }

  /** The highest severity among the findings, or null when there are none. */
  public Severity worst() {
    return findings.stream().map(Finding::severity).min(Enum::compareTo).orElse(null);
  }

  /**
   * The exit code DESIGN.md section 1 gives: 0 nothing at warning or above, 1 warnings, 2 critical
   * findings.
   */
  public int exitCode() {
    Severity worst = worst();
    if (worst == Severity.CRITICAL) {
      return 2;
    }
    return worst == Severity.WARNING ? 1 : 0;
  }

  /**
   * Counts over the cluster and the findings.
   *
   * @param podsWaitingForSandbox pods bound to a node and still without a sandbox
   * @param podsWithSandboxFailures pods with at least one FailedCreatePodSandBox event
   * @param affectedNodes nodes named by at least one finding
   */
  public record Summary(
      int nodes,
      int podsWaitingForSandbox,
      int podsWithSandboxFailures,
      int affectedNodes,
      int critical,
      int warning,
      int info) {}

  /** A source that was not collected, and the checks that therefore did not run or ran partly. */
  public record NotCollected(String source, String reason, List<String> affectedChecks) {
    public NotCollected {
      affectedChecks = List.copyOf(affectedChecks);
    }
  }

  /** A check that did not run. */
  public record SkippedCheck(String checkId, String reason) {}
}
