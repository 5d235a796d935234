package dev.podnet.report;

import dev.podnet.classify.Explanation;
import java.io.IOException;
import java.util.List;

/**
 * Prints the result of {@code podnet explain}, one entry per message, in one of the {@link
 * Format}s. JSON is JSON Lines: one compact object per message per line, each with {@code
 * "schemaVersion": 1}, so a stream of messages can be piped through {@code jq -c}. YAML is a stream
 * with one document per message.
 */
public final class ExplanationRenderer {
  private ExplanationRenderer() {}

  /**
   * Writes the explanations to {@code out}, ending with a newline (nothing for an empty list in
   * JSON and YAML).
   *
   * @param color ANSI bold for the cause id; honoured by {@link Format#TABLE} only
   */
  public static void render(
      List<Explanation> explanations, Format format, Appendable out, boolean color)
      throws IOException {
    switch (format) {
      case TABLE -> ExplanationTable.render(explanations, out, color);
      case MARKDOWN -> ExplanationMarkdown.render(explanations, out);
      case JSON -> {
        for (Explanation explanation : explanations) {
          JsonWriter.line(ExplanationTree.of(explanation), out);
        }
      }
      case YAML -> {
        for (Explanation explanation : explanations) {
          YamlWriter.streamDocument(ExplanationTree.of(explanation), out);
        }
      }
    }
  }
}
