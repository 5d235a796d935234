package dev.podnet.report;

import java.util.Locale;

/** The output formats of the reading commands ({@code -o}); DESIGN.md section 1. */
public enum Format {
  /** Aligned text for a person at a terminal; the only format that may carry colour. */
  TABLE,
  /** The stable interface: {@code "schemaVersion": 1}, fixed key order, null fields left out. */
  JSON,
  /** The same tree as JSON, in the same key order. */
  YAML,
  /** For pasting into an issue or a chat: GitHub-flavoured Markdown. */
  MARKDOWN;

  /** The lower-case name used on the command line, e.g. {@code json}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a name as given to {@code -o}, ignoring case and surrounding spaces.
   *
   * @throws IllegalArgumentException naming the value and listing the valid ones
   */
  public static Format parse(String value) {
    String wanted = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    for (Format format : values()) {
      if (format.id().equals(wanted)) {
        return format;
      }
    }
    StringBuilder valid = new StringBuilder();
    for (Format format : values()) {
      valid.append(valid.length() == 0 ? "" : ", ").append(format.id());
    }
    throw new IllegalArgumentException(
        "unknown output format '" + value + "'; valid formats: " + valid);
  }
}
