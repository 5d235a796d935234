package dev.podnet.report;

import static dev.podnet.report.Markdown.code;
import static dev.podnet.report.Markdown.text;

import dev.podnet.classify.ErrorChain;
import dev.podnet.classify.Explanation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The Markdown form of {@code podnet explain}: one section per message. */
final class ExplanationMarkdown {
  private final Appendable out;

  private ExplanationMarkdown(Appendable out) {
    this.out = out;
  }

  static void render(List<Explanation> explanations, Appendable out) throws IOException {
    ExplanationMarkdown markdown = new ExplanationMarkdown(out);
    markdown.line("# podnet explain");
    for (int i = 0; i < explanations.size(); i++) {
      String number = explanations.size() > 1 ? (i + 1) + ". " : "";
      markdown.explanation(explanations.get(i), number);
    }
  }

  private void explanation(Explanation explanation, String number) throws IOException {
    String cause = explanation.cause() == null ? "unknown" : explanation.cause().id();
    line("");
    line(
        "## "
            + number
            + cause
            + (explanation.title() == null ? "" : ": " + text(explanation.title())));
    ErrorChain chain = explanation.chain();
    if (chain != null) {
      String block = chainBlock(chain);
      String fence = Markdown.fence(block);
      line("");
      line(fence + "text");
      for (String blockLine : block.split("\n", -1)) {
        line(blockLine);
      }
      line(fence);
    }
    List<String> facts = new ArrayList<>();
    facts.add("- **Cause:** " + code(cause));
    if (explanation.confidence() != null) {
      facts.add(
          "- **Confidence:** "
              + explanation.confidence().id()
              + (explanation.ruleId() == null ? "" : " (rule " + code(explanation.ruleId()) + ")"));
    }
    if (chain != null) {
      if (chain.plugin() != null || chain.pluginName() != null) {
        List<String> details = new ArrayList<>();
        if (chain.pluginName() != null) {
          details.add("name " + code(chain.pluginName()));
        }
        if (chain.operation() != null) {
          details.add(text(chain.operation()));
        }
        if (chain.cniStatus() != null) {
          details.add("CNI status " + chain.cniStatus());
        }
        facts.add(
            "- **Plugin:** "
                + (chain.plugin() == null ? "?" : code(chain.plugin()))
                + (details.isEmpty() ? "" : " (" + String.join(", ", details) + ")"));
      }
      if (chain.grpcCode() != null) {
        facts.add("- **gRPC code:** " + code(chain.grpcCode()));
      }
      if (chain.podName() != null) {
        facts.add(
            "- **Pod:** "
                + code(
                    (chain.podNamespace() == null ? "" : chain.podNamespace() + "/")
                        + chain.podName()));
      }
      if (chain.sandboxId() != null) {
        facts.add("- **Sandbox:** " + code(chain.sandboxId()));
      }
      if (!chain.innermost().isEmpty()) {
        facts.add("- **Innermost:** " + code(chain.innermost()));
      }
    }
    line("");
    for (String fact : facts) {
      line(fact);
    }
    if (explanation.explanation() != null && !explanation.explanation().isBlank()) {
      line("");
      line(text(explanation.explanation()));
    }
    if (!explanation.remediation().isEmpty()) {
      line("");
      line("### What to do");
      line("");
      int step = 1;
      for (String remediation : explanation.remediation()) {
        line(step++ + ". " + text(remediation));
      }
    }
    if (!explanation.references().isEmpty()) {
      line("");
      line("### References");
      line("");
      for (String reference : explanation.references()) {
        line("- " + reference(reference));
      }
    }
  }

  /** The layers, each nested two spaces deeper than the one that wraps it. */
  private static String chainBlock(ErrorChain chain) {
    if (chain.layers().isEmpty()) {
      return TerminalText.oneLine(chain.original());
    }
    StringBuilder block = new StringBuilder();
    for (int depth = 0; depth < chain.layers().size(); depth++) {
      if (depth > 0) {
        block.append('\n');
      }
      block.append("  ".repeat(depth)).append(TerminalText.oneLine(chain.layers().get(depth)));
    }
    return block.toString();
  }

  /** A URL as an autolink; anything else as text. */
  private static String reference(String reference) {
    boolean url =
        (reference.startsWith("https://") || reference.startsWith("http://"))
            && reference.chars().noneMatch(c -> c <= ' ' || c == '<' || c == '>' || c == 0x7F);
    return url ? "<" + reference + ">" : text(reference);
  }

  private void line(String text) throws IOException {
    out.append(text.stripTrailing()).append('\n');
  }
}
