package dev.podnet.report;

import dev.podnet.fix.FixStatus;
import dev.podnet.fix.JournalEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints {@code podnet fix status RUN}: every planned node with the state of each step, the last
 * failure with the node's state then, and the command that continues the run.
 */
public final class FixStatusRenderer {
  private static final int DETAIL_WIDTH = 64;

  private FixStatusRenderer() {}

  public static void render(FixStatus status, Format format, Appendable out, boolean color)
      throws IOException {
    switch (format) {
      case TABLE -> table(status, out, color);
      case MARKDOWN -> markdown(status, out);
      case JSON -> JsonWriter.pretty(tree(status), out);
      case YAML -> YamlWriter.document(tree(status), out);
    }
  }

  static Node tree(FixStatus status) {
    Node.MappingBuilder root =
        Node.mapping()
            .number("schemaVersion", 1)
            .text("command", "fix status")
            .text("runId", status.runId())
            .text("state", status.state())
            .text("planCreatedAt", String.valueOf(status.planCreatedAt()))
            .text("source", status.source())
            .text("updatedAt", String.valueOf(status.updatedAt()))
            .node(
                "nodes",
                Node.sequence(
                    status.nodes(),
                    node ->
                        Node.mapping()
                            .text("node", node.node())
                            .text("reason", node.reason())
                            .node(
                                "steps",
                                Node.sequence(
                                    node.steps(),
                                    step ->
                                        Node.mapping()
                                            .text("step", step.step())
                                            .text("state", step.state())
                                            .text(
                                                "at",
                                                step.at() == null ? null : step.at().toString())
                                            .text(
                                                "detail",
                                                step.detail().isEmpty() ? null : step.detail())
                                            .build()))
                            .build()));
    JournalEntry failure = status.lastFailure();
    if (failure != null) {
      root.node(
          "lastFailure",
          Node.mapping()
              .text("node", failure.node())
              .text("step", failure.step())
              .text("at", failure.at().toString())
              .text("message", failure.detail())
              .text("nodeState", failure.facts().get("nodeState"))
              .build());
    }
    root.text("continue", status.continueCommand().isEmpty() ? null : status.continueCommand());
    return root.build();
  }

  private static void table(FixStatus status, Appendable out, boolean color) throws IOException {
    String state =
        switch (status.state()) {
          case "complete" -> TerminalText.paint("complete", TerminalText.BOLD, color);
          case "failed" -> TerminalText.paint("failed", TerminalText.RED_BOLD, color);
          default -> TerminalText.paint("running or interrupted", TerminalText.YELLOW, color);
        };
    out.append("podnet fix status · run ")
        .append(status.runId())
        .append(" · ")
        .append(state)
        .append('\n');
    out.append("plan of ")
        .append(String.valueOf(status.planCreatedAt()))
        .append(" from ")
        .append(TerminalText.oneLine(status.source()))
        .append(" · last entry ")
        .append(String.valueOf(status.updatedAt()))
        .append('\n');
    for (FixStatus.NodeStatus node : status.nodes()) {
      out.append('\n')
          .append(TerminalText.paint(node.node(), TerminalText.BOLD, color))
          .append(": ")
          .append(TerminalText.oneLine(node.reason()))
          .append('\n');
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"STEP", "STATE", "AT", "DETAIL"});
      for (FixStatus.StepState step : node.steps()) {
        rows.add(
            new String[] {
              step.step(),
              step.state(),
              step.at() == null ? "" : step.at().toString(),
              cut(TerminalText.oneLine(step.detail()))
            });
      }
      for (String line : TerminalText.columns(rows, new boolean[4])) {
        out.append("  ").append(line).append('\n');
      }
    }
    JournalEntry failure = status.lastFailure();
    if (failure != null) {
      out.append('\n')
          .append(TerminalText.paint("Stopped", TerminalText.RED_BOLD, color))
          .append(failure.node() == null ? "" : " on " + failure.node())
          .append(" at ")
          .append(failure.step())
          .append(", ")
          .append(failure.at().toString())
          .append(":\n");
      for (String line : TerminalText.wrap(TerminalText.printable(failure.detail()), 96)) {
        out.append("  ").append(line).append('\n');
      }
      String nodeState = failure.facts().get("nodeState");
      if (nodeState != null) {
        for (String line : TerminalText.wrap(TerminalText.printable(nodeState), 96)) {
          out.append("  ").append(line).append('\n');
        }
      }
    }
    if (!status.continueCommand().isEmpty()) {
      out.append('\n').append("Continue with: ").append(status.continueCommand()).append('\n');
    }
  }

  private static String cut(String text) {
    return text.length() <= DETAIL_WIDTH ? text : text.substring(0, DETAIL_WIDTH - 1) + "…";
  }

  private static void markdown(FixStatus status, Appendable out) throws IOException {
    out.append("## podnet fix status: run `")
        .append(status.runId())
        .append("` (")
        .append(status.state())
        .append(")\n\n");
    for (FixStatus.NodeStatus node : status.nodes()) {
      out.append("### ").append(Markdown.text(node.node())).append("\n\n");
      out.append(Markdown.text(node.reason())).append("\n\n");
      out.append("| step | state | at | detail |\n|---|---|---|---|\n");
      for (FixStatus.StepState step : node.steps()) {
        out.append("| ")
            .append(step.step())
            .append(" | ")
            .append(step.state())
            .append(" | ")
            .append(step.at() == null ? "" : step.at().toString())
            .append(" | ")
            .append(Markdown.cell(Markdown.text(step.detail())))
            .append(" |\n");
      }
      out.append('\n');
    }
    JournalEntry failure = status.lastFailure();
    if (failure != null) {
      out.append("**Stopped**")
          .append(failure.node() == null ? "" : " on " + Markdown.text(failure.node()))
          .append(" at ")
          .append(failure.step())
          .append(": ")
          .append(Markdown.text(failure.detail()))
          .append("\n\n");
    }
    if (!status.continueCommand().isEmpty()) {
      out.append("Continue with: `").append(status.continueCommand()).append("`\n");
    }
  }
}
