package dev.podnet.node;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Go's {@code encoding/json} syntax check ({@code checkValid} in {@code scanner.go}), so that a
 * malformed CNI config gets the exact text containerd and CRI-O print for it, e.g. {@code invalid
 * character '_' looking for beginning of value} for Calico's unrendered {@code __CNI_MTU__}.
 *
 * <p>It scans UTF-8 bytes as Go does; the first error wins, and input that ends early is {@code
 * unexpected end of JSON input}.
 */
final class GoJsonSyntax {
  static final String UNEXPECTED_END = "unexpected end of JSON input";

  private final byte[] bytes;
  private int position;

  private GoJsonSyntax(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * The error Go's {@code json.Unmarshal} gives for the text's syntax, or empty when it is valid.
   */
  static Optional<String> check(String text) {
    try {
      GoJsonSyntax scanner = new GoJsonSyntax(text.getBytes(StandardCharsets.UTF_8));
      scanner.value();
      scanner.skipSpace();
      if (scanner.position < scanner.bytes.length) {
        throw scanner.error("after top-level value");
      }
      return Optional.empty();
    } catch (SyntaxError e) {
      return Optional.of(e.getMessage());
    }
  }

  private void value() {
    skipSpace();
    int c = next();
    switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case '-' -> number(c);
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c >= '0' && c <= '9') {
          number(c);
        } else {
          throw errorAt(c, "looking for beginning of value");
        }
      }
    }
  }

  private void object() {
    skipSpace();
    if (peek() == '}') {
      position++;
      return;
    }
    while (true) {
      skipSpace();
      int c = next();
      if (c != '"') {
        throw errorAt(c, "looking for beginning of object key string");
      }
      string();
      skipSpace();
      c = next();
      if (c != ':') {
        throw errorAt(c, "after object key");
      }
      value();
      skipSpace();
      c = next();
      if (c == '}') {
        return;
      }
      if (c != ',') {
        throw errorAt(c, "after object key:value pair");
      }
    }
  }

  private void array() {
    skipSpace();
    if (peek() == ']') {
      position++;
      return;
    }
    while (true) {
      value();
      skipSpace();
      int c = next();
      if (c == ']') {
        return;
      }
      if (c != ',') {
        throw errorAt(c, "after array element");
      }
    }
  }

  private void string() {
    while (true) {
      int c = next();
      if (c == '"') {
        return;
      }
      if (c == '\\') {
        int escape = next();
        if (escape == 'u') {
          for (int i = 0; i < 4; i++) {
            int hex = next();
            if (Character.digit(hex, 16) < 0) {
              throw errorAt(hex, "in \\u hexadecimal character escape");
            }
          }
        } else if ("bfnrt\\/\"".indexOf(escape) < 0) {
          throw errorAt(escape, "in string escape code");
        }
      } else if (c < 0x20) {
        throw errorAt(c, "in string literal");
      }
    }
  }

  private void number(int first) {
    int c = first;
    if (c == '-') {
      c = next();
      if (c < '0' || c > '9') {
        throw errorAt(c, "in numeric literal");
      }
    }
    if (c != '0') {
      digits();
    }
    if (peek() == '.') {
      position++;
      int digit = next();
      if (digit < '0' || digit > '9') {
        throw errorAt(digit, "after decimal point in numeric literal");
      }
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      position++;
      int sign = next();
      int digit = sign == '+' || sign == '-' ? next() : sign;
      if (digit < '0' || digit > '9') {
        throw errorAt(digit, "in exponent of numeric literal");
      }
      digits();
    }
  }

  private void digits() {
    while (peek() >= '0' && peek() <= '9') {
      position++;
    }
  }

  private void literal(String word) {
    for (int i = 1; i < word.length(); i++) {
      int c = next();
      if (c != word.charAt(i)) {
        throw errorAt(c, "in literal " + word + " (expecting '" + word.charAt(i) + "')");
      }
    }
  }

  private void skipSpace() {
    while (position < bytes.length) {
      int c = bytes[position];
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return;
      }
      position++;
    }
  }

  private int peek() {
    return position < bytes.length ? bytes[position] & 0xff : -1;
  }

  /** The next byte; the end of the input is Go's {@code unexpected end of JSON input}. */
  private int next() {
    if (position >= bytes.length) {
      throw new SyntaxError(UNEXPECTED_END);
    }
    return bytes[position++] & 0xff;
  }

  private SyntaxError error(String context) {
    return errorAt(bytes[position] & 0xff, context);
  }

  private static SyntaxError errorAt(int c, String context) {
    return new SyntaxError("invalid character " + quoteChar(c) + " " + context);
  }

  /** Go's {@code quoteChar}: the byte as a rune, quoted as {@code strconv.Quote} would. */
  static String quoteChar(int c) {
    if (c == '\'') {
      return "'\\''";
    }
    if (c == '"') {
      return "'\"'";
    }
    String quoted =
        switch (c) {
          case 0x07 -> "\\a";
          case '\b' -> "\\b";
          case '\f' -> "\\f";
          case '\n' -> "\\n";
          case '\r' -> "\\r";
          case '\t' -> "\\t";
          case 0x0b -> "\\v";
          case '\\' -> "\\\\";
          default -> {
            if (c < 0x20 || c == 0x7f) {
              yield String.format("\\x%02x", c);
            }
            if (c >= 0x80 && (c < 0xa1 || c == 0xad)) {
              yield String.format("\\u%04x", c);
            }
            yield String.valueOf((char) c);
          }
        };
    return "'" + quoted + "'";
  }

  /** A syntax error, carrying Go's text; control flow only, so no stack trace. */
  private static final class SyntaxError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }
}
