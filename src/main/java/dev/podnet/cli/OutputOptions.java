package dev.podnet.cli;

import dev.podnet.report.Format;
import picocli.CommandLine.Option;

/** {@code -o} and colour, shared by every command that prints a report. */
final class OutputOptions {
  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json, yaml or markdown")
  String output = "table";

  @Option(names = "--no-color", description = "Never colour the table output.")
  boolean noColor;

  Format format() {
    try {
      return Format.parse(output);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), Main.USAGE);
    }
  }

  /** Colour only for a table on a terminal, and never when NO_COLOR is set. */
  boolean color() {
    return !noColor
        && format() == Format.TABLE
        && System.console() != null
        && System.getenv("NO_COLOR") == null;
  }
}
