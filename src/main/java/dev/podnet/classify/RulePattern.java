package dev.podnet.classify;

import java.util.List;

/**
 * One way a catalog rule recognises an error layer: a literal substring, several literal substrings
 * that must all occur, or a regular expression. Literals compare case-insensitively against the
 * whitespace-normalised layer text; regular expressions are case-insensitive too.
 */
public record RulePattern(Kind kind, List<String> terms) {

  /** How the terms are matched. */
  public enum Kind {
    LITERAL,
    ALL,
    REGEX
  }

  public RulePattern {
    terms = List.copyOf(terms);
  }

  /** A single literal substring. */
  public static RulePattern literal(String text) {
    return new RulePattern(Kind.LITERAL, List.of(text));
  }

  /** Literal substrings that must all occur in the same layer. */
  public static RulePattern all(List<String> texts) {
    return new RulePattern(Kind.ALL, texts);
  }

  /** A regular expression, found anywhere in the layer. */
  public static RulePattern regex(String expression) {
    return new RulePattern(Kind.REGEX, List.of(expression));
  }
}
