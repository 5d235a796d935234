package dev.podnet.report;

import static dev.podnet.report.TerminalText.oneLine;

import dev.podnet.classify.ErrorChain;
import dev.podnet.classify.Explanation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The terminal form of {@code podnet explain}: one block per message. */
final class ExplanationTable {
  /** Layers nest two columns deeper each, up to this depth; deeper ones stay at it. */
  private static final int MAX_NESTING = 8;

  /** Width of the label column, e.g. {@code Confidence: }. */
  private static final int LABEL = 13;

  private final Appendable out;
  private final boolean color;

  private ExplanationTable(Appendable out, boolean color) {
    this.out = out;
    this.color = color;
  }

  static void render(List<Explanation> explanations, Appendable out, boolean color)
      throws IOException {
    ExplanationTable table = new ExplanationTable(out, color);
    for (int i = 0; i < explanations.size(); i++) {
      if (i > 0) {
        table.line("");
      }
      if (explanations.size() > 1) {
        table.line("Message " + (i + 1) + " of " + explanations.size());
      }
      table.explanation(explanations.get(i));
    }
  }

  private void explanation(Explanation explanation) throws IOException {
    ErrorChain chain = explanation.chain();
    List<String> layers = chain == null ? List.of() : chain.layers();
    if (layers.isEmpty()) {
      line("Message:");
      wrapped(chain == null ? "" : TerminalText.printable(chain.original()), 2, 2);
    } else {
      line("Error chain:");
      for (int depth = 0; depth < layers.size(); depth++) {
        // each layer one step deeper, marked, so a wrapped layer cannot pass for the next one
        int nesting = Math.min(depth, MAX_NESTING);
        String marker = depth == 0 ? "" : "  ".repeat(nesting - 1) + "└ ";
        List<String> lines =
            TerminalText.wrap(oneLine(layers.get(depth)), TerminalText.WIDTH - 2 - marker.length());
        line("  " + marker + lines.get(0));
        for (String more : lines.subList(1, lines.size())) {
          line(" ".repeat(2 + marker.length()) + more);
        }
      }
    }
    String cause = explanation.cause() == null ? "unknown" : explanation.cause().id();
    field(
        "Cause:",
        TerminalText.paint(cause, TerminalText.BOLD, color)
            + (explanation.title() == null ? "" : " · " + oneLine(explanation.title())));
    if (explanation.confidence() != null) {
      field(
          "Confidence:",
          explanation.confidence().id()
              + (explanation.ruleId() == null
                  ? ""
                  : " (rule " + oneLine(explanation.ruleId()) + ")"));
    }
    if (chain != null) {
      String plugin = plugin(chain);
      if (plugin != null) {
        field("Plugin:", plugin);
      }
      if (chain.grpcCode() != null) {
        field("gRPC code:", oneLine(chain.grpcCode()));
      }
      if (chain.podName() != null) {
        field(
            "Pod:",
            (chain.podNamespace() == null ? "" : oneLine(chain.podNamespace()) + "/")
                + oneLine(chain.podName()));
      }
      if (chain.sandboxId() != null) {
        field("Sandbox:", oneLine(chain.sandboxId()));
      }
      if (!chain.innermost().isEmpty()) {
        field("Innermost:", oneLine(chain.innermost()));
      }
    }
    if (explanation.explanation() != null && !explanation.explanation().isBlank()) {
      line("");
      wrapped(TerminalText.printable(explanation.explanation()), 2, 2);
    }
    if (!explanation.remediation().isEmpty()) {
      line("");
      line("What to do:");
      List<String> steps = explanation.remediation();
      int markerWidth = String.valueOf(steps.size()).length() + 2;
      for (int i = 0; i < steps.size(); i++) {
        String marker = String.format(Locale.ROOT, "%-" + markerWidth + "s", (i + 1) + ".");
        List<String> lines =
            TerminalText.wrap(oneLine(steps.get(i)), TerminalText.WIDTH - 2 - markerWidth);
        line("  " + marker + lines.get(0));
        for (String more : lines.subList(1, lines.size())) {
          line(" ".repeat(2 + markerWidth) + more);
        }
      }
    }
    if (!explanation.references().isEmpty()) {
      line("");
      line("References:");
      for (String reference : explanation.references()) {
        // not wrapped: a reference is usually a URL to click or copy
        line("  - " + oneLine(reference));
      }
    }
  }

  /** {@code bridge (name mynet, add, CNI status 11)}, or null when no plugin is named. */
  private static String plugin(ErrorChain chain) {
    if (chain.plugin() == null && chain.pluginName() == null) {
      return null;
    }
    List<String> details = new ArrayList<>();
    if (chain.pluginName() != null) {
      details.add("name " + oneLine(chain.pluginName()));
    }
    if (chain.operation() != null) {
      details.add(oneLine(chain.operation()));
    }
    if (chain.cniStatus() != null) {
      details.add("CNI status " + chain.cniStatus());
    }
    String type = chain.plugin() == null ? "?" : oneLine(chain.plugin());
    return details.isEmpty() ? type : type + " (" + String.join(", ", details) + ")";
  }

  private void field(String label, String value) throws IOException {
    String padded = String.format(Locale.ROOT, "%-" + LABEL + "s", label);
    List<String> lines = TerminalText.wrap(value, TerminalText.WIDTH - LABEL);
    line(padded + lines.get(0));
    for (String more : lines.subList(1, lines.size())) {
      line(" ".repeat(LABEL) + more);
    }
  }

  private void wrapped(String text, int indent, int continuationIndent) throws IOException {
    List<String> lines = TerminalText.wrap(text, TerminalText.WIDTH - continuationIndent);
    for (int i = 0; i < lines.size(); i++) {
      line(" ".repeat(i == 0 ? indent : continuationIndent) + lines.get(i));
    }
  }

  private void line(String text) throws IOException {
    out.append(text.stripTrailing()).append('\n');
  }
}
