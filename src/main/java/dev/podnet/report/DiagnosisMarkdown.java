package dev.podnet.report;

import static dev.podnet.report.Markdown.cell;
import static dev.podnet.report.Markdown.code;
import static dev.podnet.report.Markdown.text;

import dev.podnet.check.AffectedPod;
import dev.podnet.check.Diagnosis;
import dev.podnet.check.Evidence;
import dev.podnet.check.Finding;
import dev.podnet.check.NextStep;
import dev.podnet.check.Table;
import dev.podnet.model.SourceInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The Markdown form of a {@link Diagnosis}, for an incident ticket or a chat thread. */
final class DiagnosisMarkdown {
  /** Evidence texts up to this length, on one line, are code spans; longer ones are blocks. */
  private static final int INLINE_EVIDENCE = 80;

  private final Appendable out;

  private DiagnosisMarkdown(Appendable out) {
    this.out = out;
  }

  static void render(Diagnosis diagnosis, Appendable out) throws IOException {
    new DiagnosisMarkdown(out).diagnosis(diagnosis);
  }

  private void diagnosis(Diagnosis diagnosis) throws IOException {
    line("# " + text(DiagnosisTable.title(diagnosis.command())));
    SourceInfo source = diagnosis.source();
    if (source != null) {
      line("");
      StringBuilder text = new StringBuilder("Source: ").append(text(source.kind()));
      if (source.location() != null) {
        text.append(' ').append(code(source.location()));
      }
      if (source.context() != null) {
        text.append(" (context ").append(code(source.context())).append(')');
      }
      if (source.collectedAt() != null) {
        text.append(" · collected ").append(text(source.collectedAt()));
      }
      line(text.toString());
    }
    line("");
    line(DiagnosisTable.summary(diagnosis));
    for (Table table : diagnosis.tables()) {
      table(table);
    }
    if (diagnosis.findings().isEmpty()) {
      line("");
      line("No pod-network problems found.");
      if (!diagnosis.notCollected().isEmpty() || !diagnosis.skippedChecks().isEmpty()) {
        line("Some data was not collected or some checks did not run: see below.");
      }
    }
    for (Finding finding : diagnosis.findings()) {
      finding(finding);
    }
    if (!diagnosis.notCollected().isEmpty()) {
      line("");
      line("## Not collected");
      line("");
      line("| Source | Reason | Checks affected |");
      line("| --- | --- | --- |");
      for (Diagnosis.NotCollected missing : diagnosis.notCollected()) {
        List<String> checks = new ArrayList<>();
        missing.affectedChecks().forEach(check -> checks.add(code(check)));
        line(
            "| "
                + cell(code(missing.source()))
                + " | "
                + cell(text(missing.reason()))
                + " | "
                + cell(String.join(", ", checks))
                + " |");
      }
    }
    if (!diagnosis.skippedChecks().isEmpty()) {
      line("");
      line("## Skipped checks");
      line("");
      line("| Check | Reason |");
      line("| --- | --- |");
      for (Diagnosis.SkippedCheck skipped : diagnosis.skippedChecks()) {
        line("| " + cell(code(skipped.checkId())) + " | " + cell(text(skipped.reason())) + " |");
      }
    }
  }

  /**
   * Numeric columns are right-aligned as in the terminal. Numbers and {@code -} need no escaping,
   * and a cell is inline text, where a leading {@code -} starts no list.
   */
  private void table(Table table) throws IOException {
    line("");
    line("## " + text(table.title()));
    line("");
    List<String> headings = new ArrayList<>();
    List<String> alignments = new ArrayList<>();
    for (int column = 0; column < table.columns().size(); column++) {
      headings.add(cell(text(table.columns().get(column))));
      alignments.add(DiagnosisTable.numeric(table, column) ? "---:" : "---");
    }
    line("| " + String.join(" | ", headings) + " |");
    line("| " + String.join(" | ", alignments) + " |");
    for (List<String> row : table.rows()) {
      List<String> cells = new ArrayList<>();
      for (String value : row) {
        cells.add(DiagnosisTable.number(value) ? value : cell(orDash(value)));
      }
      line("| " + String.join(" | ", cells) + " |");
    }
  }

  private void finding(Finding finding) throws IOException {
    line("");
    line(
        "## "
            + (finding.severity() == null ? "?" : finding.severity().id())
            + " · "
            + (finding.cause() == null ? "?" : finding.cause().id())
            + " · "
            + text(finding.scope())
            + ": "
            + text(finding.title()));
    if (finding.summary() != null) {
      line("");
      line(text(finding.summary()));
    }
    List<String> facts = new ArrayList<>();
    if (!finding.nodes().isEmpty()) {
      List<String> nodes = new ArrayList<>();
      int shown = Math.min(finding.nodes().size(), DiagnosisTable.NODE_NAMES);
      finding.nodes().subList(0, shown).forEach(node -> nodes.add(code(node)));
      String more =
          finding.nodes().size() > shown
              ? " … and " + (finding.nodes().size() - shown) + " more"
              : "";
      facts.add("**Nodes:** " + String.join(", ", nodes) + more);
    }
    if (finding.checkId() != null) {
      facts.add("**Check:** " + code(finding.checkId()));
    }
    if (!facts.isEmpty()) {
      line("");
      line(String.join(" · ", facts));
    }
    if (!finding.pods().isEmpty()) {
      pods(finding.pods());
    }
    if (!finding.evidence().isEmpty()) {
      line("");
      line("### Evidence");
      line("");
      for (Evidence evidence : finding.evidence()) {
        evidence(evidence);
      }
    }
    if (!finding.nextSteps().isEmpty()) {
      line("");
      line("### Next steps");
      int number = 1;
      for (NextStep step : finding.nextSteps()) {
        String marker = number++ + ". ";
        line("");
        line(marker + text(step.action()));
        if (step.command() != null) {
          String indent = " ".repeat(marker.length());
          String command = TerminalText.printable(step.command());
          String fence = Markdown.fence(command);
          line("");
          line(indent + fence + "sh");
          for (String commandLine : command.split("\n", -1)) {
            line(indent + commandLine);
          }
          line(indent + fence);
        }
      }
    }
  }

  private void pods(List<AffectedPod> pods) throws IOException {
    line("");
    line("### Pods");
    line("");
    line("| Namespace | Name | Node | Attempts | First seen | Last seen |");
    line("| --- | --- | --- | ---: | --- | --- |");
    for (AffectedPod pod : pods.subList(0, Math.min(pods.size(), DiagnosisTable.POD_ROWS))) {
      line(
          "| "
              + String.join(
                  " | ",
                  cell(orDash(pod.namespace())),
                  cell(orDash(pod.name())),
                  cell(orDash(pod.node())),
                  Long.toString(pod.attempts()),
                  cell(orDash(pod.firstSeen())),
                  cell(orDash(pod.lastSeen())))
              + " |");
    }
    if (pods.size() > DiagnosisTable.POD_ROWS) {
      line("");
      line("… and " + (pods.size() - DiagnosisTable.POD_ROWS) + " more (`-o json` lists all)");
    }
  }

  private void evidence(Evidence evidence) throws IOException {
    String head = "- **" + text(evidence.kind()) + "** · " + text(evidence.subject());
    String body = TerminalText.printable(evidence.text());
    if (body.length() <= INLINE_EVIDENCE && body.indexOf('\n') < 0) {
      line(head + ": " + code(body));
      return;
    }
    String fence = Markdown.fence(body);
    line(head);
    line("");
    line("  " + fence + "text");
    for (String bodyLine : body.split("\r?\n", -1)) {
      line("  " + bodyLine);
    }
    line("  " + fence);
  }

  private static String orDash(String value) {
    return value == null ? "-" : text(value);
  }

  private void line(String text) throws IOException {
    out.append(text.stripTrailing()).append('\n');
  }
}
