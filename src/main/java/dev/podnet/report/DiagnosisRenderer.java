package dev.podnet.report;

import dev.podnet.check.Diagnosis;
import java.io.IOException;

/**
 * Prints the result of a podnet command ({@code diagnose}, {@code cidr}, ...) in one of the {@link
 * Format}s. It prints what the findings and tables say and computes nothing new; the order of
 * tables, rows, findings, pods and evidence is the order the {@link Diagnosis} holds them in, and
 * nothing depends on the clock or on map order.
 */
public final class DiagnosisRenderer {
  private DiagnosisRenderer() {}

  /**
   * Writes the diagnosis to {@code out}, ending with a newline.
   *
   * @param color ANSI colour for the severity words; honoured by {@link Format#TABLE} only, since
   *     the other formats are read by programs or pasted
   */
  public static void render(Diagnosis diagnosis, Format format, Appendable out, boolean color)
      throws IOException {
    switch (format) {
      case TABLE -> DiagnosisTable.render(diagnosis, out, color);
      case JSON -> JsonWriter.pretty(DiagnosisTree.of(diagnosis), out);
      case YAML -> YamlWriter.document(DiagnosisTree.of(diagnosis), out);
      case MARKDOWN -> DiagnosisMarkdown.render(diagnosis, out);
    }
  }
}
