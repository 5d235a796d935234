package dev.podnet.report;

import static dev.podnet.report.TerminalText.count;
import static dev.podnet.report.TerminalText.oneLine;

import dev.podnet.check.AffectedPod;
import dev.podnet.check.Diagnosis;
import dev.podnet.check.Evidence;
import dev.podnet.check.Finding;
import dev.podnet.check.NextStep;
import dev.podnet.check.Table;
import dev.podnet.model.Severity;
import dev.podnet.model.SourceInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The terminal form of a {@link Diagnosis}: what the engineer on call reads first. */
final class DiagnosisTable {
  /** Pods listed per finding; JSON lists all. */
  static final int POD_ROWS = 10;

  /** Nodes named per finding. */
  static final int NODE_NAMES = 20;

  /** Lines of one evidence text before its middle is cut. */
  static final int EVIDENCE_LINES = 8;

  private static final String INDENT = "  ";

  /** {@code 254}, {@code -3}, {@code 1,022}, {@code 87%}, {@code 99.6%}, or {@code -}. */
  private static final Pattern NUMBER = Pattern.compile("-|[+-]?[0-9][0-9,]*(\\.[0-9]+)?%?");

  private final Appendable out;
  private final boolean color;

  private DiagnosisTable(Appendable out, boolean color) {
    this.out = out;
    this.color = color;
  }

  static void render(Diagnosis diagnosis, Appendable out, boolean color) throws IOException {
    new DiagnosisTable(out, color).diagnosis(diagnosis);
  }

  private void diagnosis(Diagnosis diagnosis) throws IOException {
    line(title(diagnosis.command()) + source(diagnosis.source()));
    line(summary(diagnosis));
    for (Table table : diagnosis.tables()) {
      line("");
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
      line("");
      finding(finding);
    }
    if (!diagnosis.notCollected().isEmpty()) {
      line("");
      line("Not collected:");
      for (Diagnosis.NotCollected missing : diagnosis.notCollected()) {
        line(INDENT + oneLine(missing.source()));
        if (missing.reason() != null) {
          wrapped(oneLine(missing.reason()), 2, 2);
        }
        if (!missing.affectedChecks().isEmpty()) {
          wrapped("checks affected: " + oneLine(String.join(", ", missing.affectedChecks())), 2, 3);
        }
      }
    }
    if (!diagnosis.skippedChecks().isEmpty()) {
      line("");
      line("Skipped checks:");
      for (Diagnosis.SkippedCheck skipped : diagnosis.skippedChecks()) {
        wrapped(oneLine(skipped.checkId()) + ": " + oneLine(skipped.reason()), 1, 2);
      }
    }
  }

  /** {@code podnet cidr}; just {@code podnet} when the command is unknown. */
  static String title(String command) {
    return command == null ? "podnet" : "podnet " + oneLine(command);
  }

  static String source(SourceInfo source) {
    if (source == null) {
      return "";
    }
    StringBuilder text = new StringBuilder(" · ").append(oneLine(source.kind()));
    if (source.location() != null) {
      text.append(' ').append(oneLine(source.location()));
    }
    if (source.context() != null) {
      text.append(" (context ").append(oneLine(source.context())).append(')');
    }
    if (source.collectedAt() != null) {
      text.append(" · collected ").append(oneLine(source.collectedAt()));
    }
    return text.toString();
  }

  /** {@code 3 nodes · 18 pods waiting for a sandbox · 2 findings (1 critical, 1 warning)}. */
  static String summary(Diagnosis diagnosis) {
    StringBuilder text = new StringBuilder();
    Diagnosis.Summary summary = diagnosis.summary();
    if (summary != null) {
      text.append(count(summary.nodes(), "node"))
          .append(" · ")
          .append(count(summary.podsWaitingForSandbox(), "pod"))
          .append(" waiting for a sandbox · ");
    }
    text.append(count(diagnosis.findings().size(), "finding"));
    if (summary != null) {
      List<String> bySeverity = new ArrayList<>();
      if (summary.critical() > 0) {
        bySeverity.add(summary.critical() + " critical");
      }
      if (summary.warning() > 0) {
        bySeverity.add(summary.warning() + " warning");
      }
      if (summary.info() > 0) {
        bySeverity.add(summary.info() + " info");
      }
      if (!bySeverity.isEmpty()) {
        text.append(" (").append(String.join(", ", bySeverity)).append(')');
      }
    }
    return text.toString();
  }

  private void finding(Finding finding) throws IOException {
    line(
        severity(finding.severity())
            + " · "
            + (finding.cause() == null ? "?" : finding.cause().id())
            + " · "
            + oneLine(finding.scope())
            + ": "
            + oneLine(finding.title()));
    if (finding.summary() != null) {
      wrapped(oneLine(finding.summary()), 1, 1);
    }
    line("");
    if (!finding.nodes().isEmpty()) {
      wrapped("Nodes: " + names(finding.nodes()), 1, 2);
    }
    if (finding.checkId() != null) {
      line(INDENT + "Check: " + oneLine(finding.checkId()));
    }
    if (!finding.pods().isEmpty()) {
      line("");
      line(INDENT + "Pods:");
      pods(finding.pods());
    }
    if (!finding.evidence().isEmpty()) {
      line("");
      line(INDENT + "Evidence:");
      for (Evidence evidence : finding.evidence()) {
        line(INDENT.repeat(2) + oneLine(evidence.kind()) + " · " + oneLine(evidence.subject()));
        int indent = INDENT.length() * 3;
        List<String> lines =
            TerminalText.wrapAndCut(
                TerminalText.printable(evidence.text()),
                TerminalText.WIDTH - indent,
                EVIDENCE_LINES);
        for (String text : lines) {
          line(" ".repeat(indent) + text);
        }
      }
    }
    if (!finding.nextSteps().isEmpty()) {
      line("");
      line(INDENT + "Next steps:");
      int numberWidth = String.valueOf(finding.nextSteps().size()).length() + 2;
      int textIndent = INDENT.length() * 2 + numberWidth;
      int number = 1;
      for (NextStep step : finding.nextSteps()) {
        String marker = String.format(Locale.ROOT, "%-" + numberWidth + "s", number++ + ".");
        List<String> action =
            TerminalText.wrap(oneLine(step.action()), TerminalText.WIDTH - textIndent);
        line(INDENT.repeat(2) + marker + action.get(0));
        for (String more : action.subList(1, action.size())) {
          line(" ".repeat(textIndent) + more);
        }
        if (step.command() != null) {
          // never wrapped or cut: it is copied into a shell
          line(" ".repeat(textIndent + 2) + oneLine(step.command()));
        }
      }
    }
  }

  /** The title, then the columns aligned; cells are never wrapped, like pod rows. */
  private void table(Table table) throws IOException {
    line(oneLine(table.title()) + ":");
    List<String[]> rows = new ArrayList<>();
    rows.add(table.columns().stream().map(TerminalText::oneLine).toArray(String[]::new));
    for (List<String> row : table.rows()) {
      rows.add(row.stream().map(TerminalText::oneLine).toArray(String[]::new));
    }
    boolean[] rightAligned = new boolean[table.columns().size()];
    for (int column = 0; column < rightAligned.length; column++) {
      rightAligned[column] = numeric(table, column);
    }
    for (String row : TerminalText.columns(rows, rightAligned)) {
      line(INDENT + row);
    }
  }

  /**
   * Whether every cell of the column is a number, a percentage or {@code -} (no value), so that the
   * column, heading included, is right-aligned. Deciding per column rather than per cell keeps a
   * {@code -} among addresses on the left, where the addresses are.
   */
  static boolean numeric(Table table, int column) {
    return !table.rows().isEmpty()
        && table.rows().stream().map(row -> row.get(column)).allMatch(DiagnosisTable::number);
  }

  /** Whether the cell is a number, a percentage or {@code -}: text with nothing to escape. */
  static boolean number(String cell) {
    return cell != null && NUMBER.matcher(cell).matches();
  }

  private void pods(List<AffectedPod> pods) throws IOException {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAMESPACE", "NAME", "NODE", "ATTEMPTS", "FIRST SEEN", "LAST SEEN"});
    for (AffectedPod pod : pods.subList(0, Math.min(pods.size(), POD_ROWS))) {
      rows.add(
          new String[] {
            orDash(pod.namespace()),
            orDash(pod.name()),
            orDash(pod.node()),
            Long.toString(pod.attempts()),
            orDash(pod.firstSeen()),
            orDash(pod.lastSeen())
          });
    }
    for (String row :
        TerminalText.columns(rows, new boolean[] {false, false, false, true, false, false})) {
      line(INDENT.repeat(2) + row);
    }
    if (pods.size() > POD_ROWS) {
      line(INDENT.repeat(2) + "... and " + (pods.size() - POD_ROWS) + " more (-o json lists all)");
    }
  }

  private String severity(Severity severity) {
    if (severity == null) {
      return "?";
    }
    String word = severity.name();
    return switch (severity) {
      case CRITICAL -> TerminalText.paint(word, TerminalText.RED_BOLD, color);
      case WARNING -> TerminalText.paint(word, TerminalText.YELLOW, color);
      case INFO -> TerminalText.paint(word, TerminalText.CYAN, color);
    };
  }

  private static String names(List<String> names) {
    List<String> shown = new ArrayList<>();
    for (String name : names.subList(0, Math.min(names.size(), NODE_NAMES))) {
      shown.add(oneLine(name));
    }
    String text = String.join(", ", shown);
    return names.size() > NODE_NAMES
        ? text + " ... and " + (names.size() - NODE_NAMES) + " more"
        : text;
  }

  private static String orDash(String value) {
    return value == null ? "-" : oneLine(value);
  }

  /**
   * Word-wrapped to {@link TerminalText#WIDTH}; the first line at {@code indent} levels, the rest
   * deeper.
   */
  private void wrapped(String text, int indent, int continuationIndent) throws IOException {
    String first = INDENT.repeat(indent);
    String rest = INDENT.repeat(continuationIndent);
    List<String> lines = TerminalText.wrap(text, TerminalText.WIDTH - rest.length());
    for (int i = 0; i < lines.size(); i++) {
      line((i == 0 ? first : rest) + lines.get(i));
    }
  }

  private void line(String text) throws IOException {
    out.append(text.stripTrailing()).append('\n');
  }
}
