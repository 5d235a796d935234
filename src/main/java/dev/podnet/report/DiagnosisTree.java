package dev.podnet.report;

import dev.podnet.check.AffectedPod;
import dev.podnet.check.Diagnosis;
import dev.podnet.check.Evidence;
import dev.podnet.check.Finding;
import dev.podnet.check.NextStep;
import dev.podnet.check.Table;
import dev.podnet.model.SourceInfo;

/**
 * The JSON and YAML shape of a {@link Diagnosis}. The key order written here is part of the stable
 * interface ({@link Diagnosis#SCHEMA_VERSION}); add keys, never rename or reorder them.
 */
final class DiagnosisTree {
  private DiagnosisTree() {}

  static Node.Mapping of(Diagnosis diagnosis) {
    return Node.mapping()
        .number("schemaVersion", Diagnosis.SCHEMA_VERSION)
        .text("command", diagnosis.command())
        .node("source", source(diagnosis.source()))
        .node("summary", summary(diagnosis.summary()))
        .node("findings", Node.sequence(diagnosis.findings(), DiagnosisTree::finding))
        // left out when empty, so that diagnose output keeps its shape
        .node(
            "tables",
            diagnosis.tables().isEmpty()
                ? null
                : Node.sequence(diagnosis.tables(), DiagnosisTree::table))
        .node(
            "notCollected",
            Node.sequence(
                diagnosis.notCollected(),
                missing ->
                    Node.mapping()
                        .text("source", missing.source())
                        .text("reason", missing.reason())
                        .texts("affectedChecks", missing.affectedChecks())
                        .build()))
        .node(
            "skippedChecks",
            Node.sequence(
                diagnosis.skippedChecks(),
                skipped ->
                    Node.mapping()
                        .text("check", skipped.checkId())
                        .text("reason", skipped.reason())
                        .build()))
        .build();
  }

  private static Node source(SourceInfo source) {
    if (source == null) {
      return null;
    }
    return Node.mapping()
        .text("kind", source.kind())
        .text("location", source.location())
        .text("context", source.context())
        .text("collectedAt", source.collectedAt())
        .build();
  }

  private static Node summary(Diagnosis.Summary summary) {
    if (summary == null) {
      return null;
    }
    return Node.mapping()
        .number("nodes", summary.nodes())
        .number("podsWaitingForSandbox", summary.podsWaitingForSandbox())
        .number("podsWithSandboxFailures", summary.podsWithSandboxFailures())
        .number("affectedNodes", summary.affectedNodes())
        .number("critical", summary.critical())
        .number("warning", summary.warning())
        .number("info", summary.info())
        .build();
  }

  private static Node finding(Finding finding) {
    return Node.mapping()
        .text("cause", finding.cause() == null ? null : finding.cause().id())
        .text("severity", finding.severity() == null ? null : finding.severity().id())
        .text("scope", finding.scope())
        .text("title", finding.title())
        .text("summary", finding.summary())
        .text("check", finding.checkId())
        .texts("nodes", finding.nodes())
        .node("pods", Node.sequence(finding.pods(), DiagnosisTree::pod))
        .node("evidence", Node.sequence(finding.evidence(), DiagnosisTree::evidence))
        .node("nextSteps", Node.sequence(finding.nextSteps(), DiagnosisTree::nextStep))
        .build();
  }

  private static Node table(Table table) {
    return Node.mapping()
        .text("id", table.id())
        .text("title", table.title())
        .texts("columns", table.columns())
        .node("rows", Node.sequence(table.rows(), Node::texts))
        .build();
  }

  private static Node pod(AffectedPod pod) {
    return Node.mapping()
        .text("namespace", pod.namespace())
        .text("name", pod.name())
        .text("node", pod.node())
        .number("attempts", pod.attempts())
        .number("sandboxes", pod.sandboxes())
        .text("firstSeen", pod.firstSeen())
        .text("lastSeen", pod.lastSeen())
        .build();
  }

  private static Node evidence(Evidence evidence) {
    return Node.mapping()
        .text("kind", evidence.kind())
        .text("subject", evidence.subject())
        .text("text", evidence.text())
        .build();
  }

  private static Node nextStep(NextStep step) {
    return Node.mapping().text("action", step.action()).text("command", step.command()).build();
  }
}
