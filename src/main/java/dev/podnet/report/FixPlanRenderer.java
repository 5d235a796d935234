package dev.podnet.report;

import dev.podnet.fix.FixPlan;
import java.io.IOException;

/**
 * Prints a {@link FixPlan} in one of the {@link Format}s. It prints what the plan holds and
 * computes nothing new. JSON is the same document {@code FixPlanJson} saves, so {@code -o json}
 * output can be passed back with {@code --plan}.
 */
public final class FixPlanRenderer {
  private FixPlanRenderer() {}

  /**
   * Writes the plan to {@code out}, ending with a newline.
   *
   * @param color ANSI colour for the refusals; honoured by {@link Format#TABLE} only
   */
  public static void render(FixPlan plan, Format format, Appendable out, boolean color)
      throws IOException {
    switch (format) {
      case TABLE -> FixPlanTable.render(plan, out, color);
      case JSON -> JsonWriter.pretty(FixPlanTree.of(plan), out);
      case YAML -> YamlWriter.document(FixPlanTree.of(plan), out);
      case MARKDOWN -> FixPlanMarkdown.render(plan, out);
    }
  }
}
