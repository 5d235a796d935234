package dev.podnet.report;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Prints a {@link Node} tree as block-style YAML that YAML 1.1 and 1.2 readers both load back as
 * the same strings the JSON form carries.
 *
 * <p>Hand-written because jackson-dataformat-yaml's {@code MINIMIZE_QUOTES} leaves timestamps,
 * {@code 1e3}, {@code 0x1F}, {@code 1_000}, {@code <<} and a raw U+0085 unquoted, which YAML 1.1
 * readers (PyYAML, SnakeYAML, Ruby) turn into dates, numbers, merge keys or line breaks. The rule
 * here is the reverse: a string is written plain only when it is made of harmless characters and
 * cannot be read as anything but a string; otherwise it is double-quoted, or written as a literal
 * block when it spans lines.
 */
final class YamlWriter {
  /** Words some YAML version reads as a boolean or null, compared case-insensitively. */
  private static final Set<String> RESERVED =
      Set.of("y", "n", "yes", "no", "true", "false", "on", "off", "null");

  /** Starts like a number, an octal, a hex or a sexagesimal value and has nothing else. */
  private static final Pattern NUMBER_LIKE = Pattern.compile("[0-9][0-9a-fA-FxXoObB_.:eE+-]*");

  /** YAML 1.1 timestamps start with a date. */
  private static final Pattern DATE_LIKE = Pattern.compile("[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}");

  /** Characters that are harmless anywhere after the first one of a plain scalar. */
  private static final String PLAIN_PUNCTUATION = " ._/@+=,()-:~";

  private final Appendable out;

  private YamlWriter(Appendable out) {
    this.out = out;
  }

  /** One document without a start marker. */
  static void document(Node root, Appendable out) throws IOException {
    new YamlWriter(out).root(root);
  }

  /** One document of a stream: a {@code ---} line, then the document. */
  static void streamDocument(Node root, Appendable out) throws IOException {
    out.append("---\n");
    document(root, out);
  }

  private void root(Node root) throws IOException {
    if (root instanceof Node.Mapping mapping && !mapping.fields().isEmpty()) {
      mappingBody(mapping, 0, false);
    } else if (root instanceof Node.Sequence sequence && !sequence.items().isEmpty()) {
      sequenceBody(sequence, 0);
    } else {
      value(root, 2);
    }
  }

  private void mappingBody(Node.Mapping mapping, int indent, boolean continuesLine)
      throws IOException {
    boolean first = true;
    for (Node.Field field : mapping.fields()) {
      if (!(first && continuesLine)) {
        indent(indent);
      }
      first = false;
      out.append(scalar(field.name())).append(':');
      Node value = field.value();
      if (value instanceof Node.Mapping inner && !inner.fields().isEmpty()) {
        out.append('\n');
        mappingBody(inner, indent + 2, false);
      } else if (value instanceof Node.Sequence inner && !inner.items().isEmpty()) {
        out.append('\n');
        sequenceBody(inner, indent + 2);
      } else {
        out.append(' ');
        value(value, indent + 2);
      }
    }
  }

  private void sequenceBody(Node.Sequence sequence, int indent) throws IOException {
    sequenceBody(sequence, indent, false);
  }

  /** A nested sequence starts on its parent's dash line, in the compact form {@code - - a}. */
  private void sequenceBody(Node.Sequence sequence, int indent, boolean continuesLine)
      throws IOException {
    boolean first = true;
    for (Node item : sequence.items()) {
      if (!(first && continuesLine)) {
        indent(indent);
      }
      first = false;
      out.append('-');
      if (item instanceof Node.Mapping inner && !inner.fields().isEmpty()) {
        out.append(' ');
        mappingBody(inner, indent + 2, true);
      } else if (item instanceof Node.Sequence inner && !inner.items().isEmpty()) {
        out.append(' ');
        sequenceBody(inner, indent + 2, true);
      } else {
        out.append(' ');
        value(item, indent + 2);
      }
    }
  }

  /** A scalar or an empty collection, then the end of its line (or of its block). */
  private void value(Node node, int contentIndent) throws IOException {
    if (node instanceof Node.Mapping) {
      out.append("{}\n");
    } else if (node instanceof Node.Sequence) {
      out.append("[]\n");
    } else if (node instanceof Node.Numeric number) {
      out.append(Long.toString(number.value())).append('\n');
    } else if (node instanceof Node.Flag flag) {
      out.append(Boolean.toString(flag.value())).append('\n');
    } else {
      String text = ((Node.Text) node).value();
      if (literalBlock(text)) {
        literal(text, contentIndent);
      } else {
        out.append(scalar(text)).append('\n');
      }
    }
  }

  private void literal(String text, int contentIndent) throws IOException {
    boolean keepNewline = text.endsWith("\n");
    out.append(keepNewline ? "|\n" : "|-\n");
    String body = keepNewline ? text.substring(0, text.length() - 1) : text;
    for (String line : body.split("\n", -1)) {
      if (!line.isEmpty()) {
        indent(contentIndent);
        out.append(line);
      }
      out.append('\n');
    }
  }

  private void indent(int width) throws IOException {
    for (int i = 0; i < width; i++) {
      out.append(' ');
    }
  }

  /** A single-line scalar: plain when that is unambiguous, double-quoted otherwise. */
  static String scalar(String text) {
    return plain(text) ? text : doubleQuoted(text);
  }

  static boolean plain(String text) {
    if (text.isEmpty()) {
      return false;
    }
    char first = text.charAt(0);
    if (!(asciiLetterOrDigit(first) || first == '/' || first == '_')) {
      return false;
    }
    char last = text.charAt(text.length() - 1);
    if (last == ' ' || last == ':') {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!asciiLetterOrDigit(c) && PLAIN_PUNCTUATION.indexOf(c) < 0) {
        return false;
      }
    }
    return !text.contains(": ")
        && !RESERVED.contains(text.toLowerCase(Locale.ROOT))
        && !NUMBER_LIKE.matcher(text).matches()
        && !DATE_LIKE.matcher(text).lookingAt();
  }

  /**
   * Whether a multi-line text can be a literal block ({@code |} or {@code |-}) and read back
   * unchanged: no leading space (it would set the indentation), no tabs, carriage returns,
   * non-printable characters or trailing spaces, at most one trailing newline.
   */
  static boolean literalBlock(String text) {
    if (text.indexOf('\n') < 0
        || text.startsWith(" ")
        || text.startsWith("\n")
        || text.endsWith("\n\n")
        || text.contains(" \n")
        || text.endsWith(" ")) {
      return false;
    }
    for (int i = 0; i < text.length(); ) {
      int codePoint = text.codePointAt(i);
      if (codePoint != '\n' && needsEscape(codePoint)) {
        return false;
      }
      i += Character.charCount(codePoint);
    }
    return true;
  }

  static String doubleQuoted(String text) {
    StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); ) {
      int codePoint = text.codePointAt(i);
      i += Character.charCount(codePoint);
      switch (codePoint) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\t' -> quoted.append("\\t");
        case '\r' -> quoted.append("\\r");
        default -> {
          if (codePoint < 0x100 && needsEscape(codePoint)) {
            quoted.append(String.format(Locale.ROOT, "\\x%02X", codePoint));
          } else if (needsEscape(codePoint)) {
            quoted.append(String.format(Locale.ROOT, "\\u%04X", codePoint));
          } else {
            quoted.appendCodePoint(codePoint);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  /**
   * Outside YAML's printable set, a line break to YAML 1.1 (U+0085, U+2028, U+2029), a byte order
   * mark, or a character that drives a terminal (YAML is often printed with {@code cat}).
   */
  private static boolean needsEscape(int codePoint) {
    return TerminalText.controlsTerminal(codePoint)
        || codePoint == 0xFEFF
        || (codePoint >= 0xD800 && codePoint <= 0xDFFF)
        || codePoint == 0xFFFE
        || codePoint == 0xFFFF;
  }

  private static boolean asciiLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
