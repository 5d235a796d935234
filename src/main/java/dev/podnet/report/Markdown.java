package dev.podnet.report;

/** Escaping for GitHub-flavoured Markdown, so quoted cluster text renders as the text it is. */
final class Markdown {
  /**
   * Punctuation that starts inline markup anywhere in a line. {@code |} is left to {@link #cell},
   * since a table cell needs it escaped whether it is plain text or inside a code span.
   */
  private static final String ALWAYS_ESCAPED = "\\`*[]<>$";

  private Markdown() {}

  /**
   * Inline text with markup characters backslash-escaped and line breaks turned into spaces. An
   * underscore inside a word cannot start emphasis in GFM, so {@code ipam_exhausted} stays
   * readable.
   */
  static String text(String value) {
    String line = TerminalText.oneLine(value);
    StringBuilder escaped = new StringBuilder(line.length() + 8);
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      boolean escape =
          ALWAYS_ESCAPED.indexOf(c) >= 0
              || (c == '_' && !(wordChar(line, i - 1) && wordChar(line, i + 1)))
              || (c == '~' && (charAt(line, i - 1) == '~' || charAt(line, i + 1) == '~'))
              || (i == 0 && "#+-=".indexOf(c) >= 0);
      if (escape) {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  /**
   * A table cell: inline text, or an already formatted code span, with {@code |} escaped, since GFM
   * splits cells before it reads code spans.
   */
  static String cell(String formatted) {
    return formatted.replace("|", "\\|");
  }

  /** A code span that holds any text, backticks included, on one line. */
  static String code(String value) {
    String line = TerminalText.oneLine(value);
    String fence = "`".repeat(longestBacktickRun(line) + 1);
    boolean pad = line.startsWith("`") || line.endsWith("`");
    return fence + (pad ? " " : "") + line + (pad ? " " : "") + fence;
  }

  /** A fence that no line of {@code content} can close: longer than any backtick run in it. */
  static String fence(String content) {
    return "`".repeat(Math.max(3, longestBacktickRun(content) + 1));
  }

  private static int longestBacktickRun(String text) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      run = text.charAt(i) == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return longest;
  }

  private static boolean wordChar(String text, int index) {
    return Character.isLetterOrDigit(charAt(text, index));
  }

  private static char charAt(String text, int index) {
    return index >= 0 && index < text.length() ? text.charAt(index) : ' ';
  }
}
