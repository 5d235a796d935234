package dev.podnet.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Layout of text for a terminal: wrapping, cutting, aligned columns, colour, and making quoted
 * cluster text safe to print.
 */
final class TerminalText {
  /**
   * Columns the text is laid out for: wide enough for an error chain, narrow enough for a split.
   */
  static final int WIDTH = 100;

  static final String RED_BOLD = "\u001b[1;31m";
  static final String YELLOW = "\u001b[33m";
  static final String CYAN = "\u001b[36m";
  static final String BOLD = "\u001b[1m";
  private static final String RESET = "\u001b[0m";

  private TerminalText() {}

  /** The text in an ANSI colour when {@code color} is set, unchanged otherwise. */
  static String paint(String text, String code, boolean color) {
    return color ? code + text + RESET : text;
  }

  /**
   * The text with every character that could drive the terminal shown as an escape instead: event
   * messages and log lines come from the cluster, and a pod or a webhook can put an escape sequence
   * or a bidi override into them. Newlines are kept; a tab becomes a space.
   */
  static String printable(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder safe = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement = replacement(c);
      if (replacement != null && safe == null) {
        safe = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (safe != null) {
        safe.append(replacement != null ? replacement : String.valueOf(c));
      }
    }
    return safe == null ? text : safe.toString();
  }

  /** {@link #printable} on one line: line breaks become spaces. */
  static String oneLine(String text) {
    return printable(text).replace("\r\n", " ").replace('\n', ' ');
  }

  private static String replacement(char c) {
    if (c == '\n') {
      return null;
    }
    if (c == '\t') {
      return " ";
    }
    if (c < 0xA0 && controlsTerminal(c)) {
      return String.format(Locale.ROOT, "\\x%02x", (int) c);
    }
    return controlsTerminal(c) ? String.format(Locale.ROOT, "\\u%04x", (int) c) : null;
  }

  /**
   * Whether a character can move the cursor, change colours, end a line or reorder the text shown
   * around it: C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidi
   * marks, embeddings, overrides and isolates.
   */
  static boolean controlsTerminal(int c) {
    return c < 0x20
        || (c >= 0x7F && c <= 0x9F)
        || c == 0x061C
        || c == 0x200E
        || c == 0x200F
        || c == 0x2028
        || c == 0x2029
        || (c >= 0x202A && c <= 0x202E)
        || (c >= 0x2066 && c <= 0x2069);
  }

  /**
   * Greedy word wrap of each line of the text to {@code width} columns; a word longer than a line
   * (a sandbox id, a URL) is split. Runs of spaces collapse to one. The text must already be {@link
   * #printable}: it may carry this class's own colour codes.
   */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    for (String paragraph : text.split("\r?\n", -1)) {
      StringBuilder line = new StringBuilder();
      for (String word : paragraph.split(" ")) {
        if (word.isEmpty()) {
          continue;
        }
        if (line.length() > 0 && line.length() + 1 + word.length() <= width) {
          line.append(' ').append(word);
          continue;
        }
        if (line.length() > 0) {
          lines.add(line.toString());
          line.setLength(0);
        }
        while (word.length() > width) {
          lines.add(word.substring(0, width));
          word = word.substring(width);
        }
        line.append(word);
      }
      lines.add(line.toString());
    }
    return lines;
  }

  /**
   * The text wrapped to {@code width} and cut to at most {@code max} lines, keeping its end: the
   * innermost error of a chain, the newest lines of a log. A text of several lines loses whole
   * lines from its middle; one long line keeps its first two and last lines around the cut.
   */
  static List<String> wrapAndCut(String text, int width, int max) {
    List<List<String>> paragraphs = new ArrayList<>();
    int total = 0;
    for (String paragraph : text.split("\r?\n", -1)) {
      List<String> lines = wrap(paragraph, width);
      paragraphs.add(lines);
      total += lines.size();
    }
    if (total <= max) {
      return flatten(paragraphs);
    }
    if (paragraphs.size() > 1) {
      List<String> head = paragraphs.get(0).size() <= 2 ? paragraphs.get(0) : List.of();
      int room = max - 1 - head.size();
      int firstKept = paragraphs.size();
      int kept = 0;
      while (firstKept > 1 && kept + paragraphs.get(firstKept - 1).size() <= room) {
        kept += paragraphs.get(--firstKept).size();
      }
      if (kept > 0) {
        int cut = firstKept - (head.isEmpty() ? 0 : 1);
        List<String> lines = new ArrayList<>(head);
        lines.add(cutMarker(count(cut, "line")));
        lines.addAll(flatten(paragraphs.subList(firstKept, paragraphs.size())));
        return lines;
      }
    }
    List<String> lines = flatten(paragraphs);
    int head = 2;
    int tail = max - head - 1;
    List<String> kept = new ArrayList<>(lines.subList(0, head));
    kept.add(cutMarker(count(lines.size() - head - tail, "wrapped line")));
    kept.addAll(lines.subList(lines.size() - tail, lines.size()));
    return kept;
  }

  private static String cutMarker(String what) {
    return "… " + what + " cut (-o json has the full text) …";
  }

  private static List<String> flatten(List<List<String>> paragraphs) {
    List<String> lines = new ArrayList<>();
    paragraphs.forEach(lines::addAll);
    return lines;
  }

  /** {@code 1 pod}, {@code 18 pods}. */
  static String count(long count, String singular) {
    return count + " " + (count == 1 ? singular : singular + "s");
  }

  /**
   * Rows as aligned columns two spaces apart, without trailing spaces.
   *
   * @param rightAligned which columns hold numbers
   */
  static List<String> columns(List<String[]> rows, boolean[] rightAligned) {
    int[] widths = new int[rightAligned.length];
    for (String[] row : rows) {
      for (int column = 0; column < row.length; column++) {
        widths[column] = Math.max(widths[column], row[column].length());
      }
    }
    List<String> lines = new ArrayList<>(rows.size());
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int column = 0; column < row.length; column++) {
        if (column > 0) {
          line.append("  ");
        }
        String padding = " ".repeat(widths[column] - row[column].length());
        if (rightAligned[column]) {
          line.append(padding).append(row[column]);
        } else {
          line.append(row[column]).append(padding);
        }
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }
}
