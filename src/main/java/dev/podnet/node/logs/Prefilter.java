package dev.podnet.node.logs;

import dev.podnet.classify.CatalogRule;
import dev.podnet.classify.CauseCatalog;
import dev.podnet.classify.RulePattern;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The byte-level test that decides which log lines are worth decoding: a line is a candidate when
 * it contains one of a set of anchor words, compared ASCII-case-insensitively.
 *
 * <p>The anchors are derived from the catalog itself, one set per rule pattern, plus the context
 * words of the runtimes' sandbox and CNI wrappers ({@link #CONTEXT_WORDS}) so that failures the
 * catalog does not know are still counted as {@code unknown}. An anchor is always a run of "safe"
 * characters (ASCII letters, digits and {@code / . _ - : '}) taken from a literal that every match
 * of the pattern must contain. The classifier only ever removes backslashes before a quote, turns
 * whitespace and control-character runs into one space, cuts substrings and lower-cases; none of
 * that can create or join a run of safe characters, so a line the catalog classifies always
 * contains the anchor's bytes. Two Unicode letters are the only exceptions: {@code U+212A} (Kelvin
 * sign) lower-cases to {@code k} and {@code U+0130} to {@code i}, which a byte comparison does not
 * see; no runtime prints them in its own error texts.
 *
 * <p>The search is Wu–Manber over case-folded two-byte blocks: a shift table skips ahead by up to
 * the shortest anchor's length minus one, and only a zero shift verifies the anchors of that block.
 * After a hit the rest of the line is skipped.
 */
final class Prefilter {

  /** Words of the wrappers kubelet, containerd and CRI-O put around every sandbox/CNI failure. */
  static final List<String> CONTEXT_WORDS =
      List.of(
          "podsandbox", // RunPodSandbox, CreatePodSandbox, StopPodSandbox (kubelet, containerd)
          "network for sandbox", // containerd: failed to setup/destroy network for sandbox
          "pod network sandbox", // CRI-O: failed to create pod network sandbox
          "network for pod", // dockershim, old kubelet
          "networkplugin", // NetworkPluginNotReady, NetworkPlugin cni failed
          "network plugin", // kubelet: network plugin is not ready, Network plugin returns error
          "cni network", // CRI-O/ocicni: error adding pod ... to CNI network
          "adding network", // CRI-O: Error adding network
          "network not ready", // kubelet: container runtime network not ready
          "networknotready", // kubelet event reason
          "network is not ready", // kubelet: network is not ready
          "cni config", // go-cni, dockershim: cni config load failed, Unable to update cni config
          "cni plugin", // go-cni: cni plugin not initialized
          "failed to load cni"); // containerd: failed to load cni during init

  /** Words too common in ordinary log chatter to make a useful anchor when a rarer one exists. */
  private static final Set<String> COMMON =
      Set.of(
          "failed",
          "error",
          "the",
          "found",
          "create",
          "creating",
          "connection",
          "refused",
          "available",
          "invalid",
          "allocate",
          "address",
          "addresses",
          "file",
          "exists",
          "for",
          "from",
          "not",
          "set",
          "load",
          "find",
          "with",
          "name",
          "timeout",
          "unable",
          "connect",
          "add",
          "pool",
          "pools",
          "requested",
          "request",
          "range",
          "into",
          "could",
          "cannot",
          "pod",
          "container",
          "config",
          "plugin",
          "interface",
          "block",
          "make",
          "missing",
          "empty",
          "full",
          "namespace",
          "endpoint",
          "list",
          "read",
          "parse",
          "default");

  private static final int BLOCK = 3;
  private static final int SHORT = 10;

  /** Size of the block hash; smaller tables (tried: 10 to 14 bits) collide more and run slower. */
  private static final int TABLE = 1 << 16;

  private static final int HASH_MASK = TABLE - 1;
  private static final byte[] FOLD = new byte[256];

  static {
    for (int i = 0; i < 256; i++) {
      FOLD[i] = (byte) (i >= 'A' && i <= 'Z' ? i + 32 : i);
    }
    // A space in a phrase anchor stands for any one whitespace or control byte except newline.
    for (int i = 0; i < 0x20; i++) {
      FOLD[i] = ' ';
    }
    FOLD[0x7f] = ' ';
    FOLD['\n'] = '\n';
  }

  private final List<String> anchors;
  private final boolean everyLine;
  private final int minLength;
  private final byte[] shift;
  private final byte[][][] bucketPatterns;
  private final int[][] bucketOffsets;

  private Prefilter(List<String> anchors, boolean everyLine) {
    this.anchors = List.copyOf(anchors);
    this.everyLine = everyLine;
    int min = Integer.MAX_VALUE;
    for (String anchor : anchors) {
      min = Math.min(min, anchor.length());
    }
    this.minLength = everyLine ? 0 : min;
    this.shift = new byte[TABLE];
    this.bucketPatterns = new byte[TABLE][][];
    this.bucketOffsets = new int[TABLE][];
    if (everyLine) {
      return;
    }
    int defaultShift = minLength - BLOCK + 1;
    Arrays.fill(shift, (byte) defaultShift);
    List<List<byte[]>> buckets = new ArrayList<>();
    List<List<Integer>> offsets = new ArrayList<>();
    for (int i = 0; i < TABLE; i++) {
      buckets.add(null);
      offsets.add(null);
    }
    for (String anchor : anchors) {
      byte[] bytes = anchor.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
      int window = rarestWindow(bytes, minLength);
      for (int q = window + BLOCK - 1; q < window + minLength; q++) {
        int distance = window + minLength - 1 - q;
        for (int block : rawBlocks(bytes[q - 2], bytes[q - 1], bytes[q])) {
          if (distance < shift[block]) {
            shift[block] = (byte) distance;
          }
        }
      }
      int end = window + minLength;
      for (int last : rawBlocks(bytes[end - 3], bytes[end - 2], bytes[end - 1])) {
        if (buckets.get(last) == null) {
          buckets.set(last, new ArrayList<>());
          offsets.set(last, new ArrayList<>());
        }
        if (!buckets.get(last).contains(bytes)) {
          buckets.get(last).add(bytes);
          offsets.get(last).add(window);
        }
      }
    }
    for (int i = 0; i < TABLE; i++) {
      if (buckets.get(i) != null) {
        bucketPatterns[i] = buckets.get(i).toArray(new byte[0][]);
        bucketOffsets[i] = offsets.get(i).stream().mapToInt(Integer::intValue).toArray();
      }
    }
  }

  /** English letters from most to least frequent; a rough stand-in for log text statistics. */
  private static final String LETTER_FREQUENCY = "etaoinsrhldcumfpgwybvkxjqz";

  /**
   * Where in an anchor to put the search window of {@code m} bytes: where its trigrams are rarest,
   * so that ordinary text seldom stops the skip loop (a window on "network" stops at every
   * "network" of the chatter; one on "for sandbox" rarely does).
   */
  private static int rarestWindow(byte[] anchor, int m) {
    int best = 0;
    int bestScore = Integer.MIN_VALUE;
    for (int o = 0; o + m <= anchor.length; o++) {
      int score = 0;
      for (int q = o; q < o + m; q++) {
        score += rarity(anchor[q]);
      }
      score +=
          4 * (rarity(anchor[o + m - 3]) + rarity(anchor[o + m - 2]) + rarity(anchor[o + m - 1]));
      if (score > bestScore) {
        bestScore = score;
        best = o;
      }
    }
    return best;
  }

  private static int rarity(byte b) {
    int rank = LETTER_FREQUENCY.indexOf(b);
    if (rank >= 0) {
      return rank;
    }
    if (b == ' ') {
      return 0;
    }
    return b >= '0' && b <= '9' ? 12 : 20;
  }

  /**
   * The hashes of every raw three-byte sequence that folds to the given folded bytes, so that the
   * search loop hashes raw bytes and folds only to verify.
   */
  private static List<Integer> rawBlocks(byte first, byte second, byte third) {
    List<Integer> blocks = new ArrayList<>();
    for (int a : rawBytes(first)) {
      for (int b : rawBytes(second)) {
        for (int c : rawBytes(third)) {
          blocks.add(block(a, b, c));
        }
      }
    }
    return blocks;
  }

  private static List<Integer> rawBytes(byte folded) {
    List<Integer> raw = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      if (FOLD[i] == folded) {
        raw.add(i);
      }
    }
    return raw;
  }

  /** The prefilter for a catalog: its derived anchors plus the context words. */
  static Prefilter forCatalog(CauseCatalog catalog) {
    Set<String> anchors = new LinkedHashSet<>();
    for (String word : CONTEXT_WORDS) {
      anchors.add(word);
    }
    for (CatalogRule rule : catalog.rules()) {
      for (RulePattern pattern : rule.patterns()) {
        List<String> words = anchorsOf(pattern);
        if (words.isEmpty()) {
          // No literal every match must contain: only reading every line is safe.
          return new Prefilter(List.of(), true);
        }
        anchors.addAll(words);
      }
    }
    return new Prefilter(minimal(anchors), false);
  }

  /** A prefilter for the given anchors (lower-case, at least three characters); for tests. */
  static Prefilter of(List<String> anchors) {
    return new Prefilter(anchors, false);
  }

  /** The anchors, lower-case, without any that contains another (the shorter one suffices). */
  List<String> anchors() {
    return anchors;
  }

  /** True when the catalog has a pattern without an anchor, so every line is a candidate. */
  boolean everyLine() {
    return everyLine;
  }

  /**
   * The first position at or after {@code from} (and before {@code to}) where an anchor ends, or
   * -1. The anchor starts at or after {@code from}.
   */
  int findAnchorEnd(byte[] data, int from, int to) {
    if (everyLine) {
      return from < to ? from : -1;
    }
    final int m = minLength;
    final byte[] shiftTable = shift;
    int i = from + m - 1;
    while (i < to) {
      int block =
          ((data[i - 2] & 0xff) << 10 ^ (data[i - 1] & 0xff) << 5 ^ (data[i] & 0xff)) & HASH_MASK;
      int s = shiftTable[block];
      if (s != 0) {
        i += s;
        continue;
      }
      byte[][] patterns = bucketPatterns[block];
      int[] windows = bucketOffsets[block];
      for (int k = 0; k < patterns.length; k++) {
        int start = i - m + 1 - windows[k];
        int end = start + patterns[k].length;
        if (start >= from && end <= to && matchesAt(data, start, patterns[k])) {
          return end;
        }
      }
      i++;
    }
    return -1;
  }

  private static boolean matchesAt(byte[] data, int start, byte[] pattern) {
    for (int k = 0; k < pattern.length; k++) {
      if (FOLD[data[start + k] & 0xff] != pattern[k]) {
        return false;
      }
    }
    return true;
  }

  /** A 16-bit hash of three raw bytes. */
  private static int block(int first, int second, int third) {
    return (first << 10 ^ second << 5 ^ third) & HASH_MASK;
  }

  // ---------------------------------------------------------------------------------------------
  // Anchor derivation

  /**
   * Anchor words of one pattern: any match of the pattern contains at least one of them. Empty when
   * no usable literal was found.
   */
  static List<String> anchorsOf(RulePattern pattern) {
    switch (pattern.kind()) {
      case LITERAL:
        return bestWord(pattern.terms().get(0));
      case ALL:
        {
          List<String> best = List.of();
          for (String term : pattern.terms()) {
            List<String> words = bestWord(term);
            if (score(words) > score(best)) {
              best = words;
            }
          }
          return best;
        }
      case REGEX:
      default:
        return regexAnchors(pattern.terms().get(0));
    }
  }

  /**
   * The best safe run of a literal, as a one-element list; empty when none has 3 characters. When
   * every word is a common one ({@code failed to read config file}), the longest phrase of safe
   * runs joined by single spaces is taken instead, so that the anchor stays rare.
   */
  private static List<String> bestWord(String literal) {
    String best = null;
    for (String word : safeRuns(literal)) {
      if (best == null || wordScore(word) > wordScore(best)) {
        best = word;
      }
    }
    String phrase = longestPhrase(literal);
    if (phrase.indexOf(' ') > 0 && (best == null || wordScore(phrase) > wordScore(best))) {
      return List.of(phrase);
    }
    return best == null ? List.of() : List.of(best);
  }

  /** The longest run of safe characters and single spaces, trimmed, lower-case. */
  private static String longestPhrase(String text) {
    String best = "";
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      boolean inside =
          i < text.length()
              && (isSafe(text.charAt(i))
                  || (text.charAt(i) == ' '
                      && i > start
                      && i + 1 < text.length()
                      && isSafe(text.charAt(i + 1))));
      if (!inside) {
        String phrase = text.substring(start, i).trim();
        if (phrase.length() > best.length()) {
          best = phrase;
        }
        start = i + 1;
      }
    }
    return best.toLowerCase(Locale.ROOT);
  }

  private static List<String> safeRuns(String text) {
    List<String> runs = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      boolean safe = i < text.length() && isSafe(text.charAt(i));
      if (safe && start < 0) {
        start = i;
      } else if (!safe && start >= 0) {
        if (i - start >= 3) {
          runs.add(text.substring(start, i).toLowerCase(Locale.ROOT));
        }
        start = -1;
      }
    }
    return runs;
  }

  static boolean isSafe(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '/'
        || c == '.'
        || c == '_'
        || c == '-'
        || c == ':'
        || c == '\'';
  }

  private static int wordScore(String word) {
    if (word.indexOf(' ') >= 0) {
      return word.length() - 12; // a phrase of common words: rarer than one, worse than a rare word
    }
    int score = COMMON.contains(word) ? word.length() - 20 : word.length();
    // Short anchors shorten every skip of the search: a longer phrase is worth more.
    return word.length() < SHORT ? score - 10 : score;
  }

  /** A set of alternatives is as good as its worst member. */
  private static int score(List<String> words) {
    if (words.isEmpty()) {
      return Integer.MIN_VALUE;
    }
    int min = Integer.MAX_VALUE;
    for (String word : words) {
      min = Math.min(min, wordScore(word));
    }
    return min;
  }

  /**
   * Anchors of a regular expression: the best required literal run at the top level, or the best
   * group of plain literal alternatives ({@code (bigger|larger)}) that is not optional. Anything
   * else (classes, escapes other than a quoted punctuation mark, quantified items) ends a run.
   */
  static List<String> regexAnchors(String regex) {
    List<List<String>> options = new ArrayList<>();
    // The literal text read since the last break, one entry per combination of group alternatives.
    List<StringBuilder> run = new ArrayList<>(List.of(new StringBuilder()));
    int n = regex.length();
    for (int i = 0; i < n; i++) {
      char c = regex.charAt(i);
      if (c == '|') {
        return List.of(); // top-level alternation: no literal is required
      }
      if (c == '(') {
        int close = matchingParen(regex, i);
        if (close < 0) {
          return List.of();
        }
        boolean optional = close + 1 < n && "?*{+".indexOf(regex.charAt(close + 1)) >= 0;
        List<String> alternatives =
            optional ? List.of() : literalAlternatives(regex.substring(i + 1, close));
        if (alternatives.isEmpty() || alternatives.size() * run.size() > 16) {
          flush(run, options);
        } else {
          List<StringBuilder> product = new ArrayList<>();
          for (StringBuilder prefix : run) {
            for (String alternative : alternatives) {
              product.add(new StringBuilder(prefix).append(alternative));
            }
          }
          run = product;
        }
        i = close;
        continue;
      }
      if (c == '\\' && i + 1 < n) {
        char next = regex.charAt(i + 1);
        i++;
        if (Character.isLetterOrDigit(next)) {
          flush(run, options); // \d, \S, \b ...
        } else {
          i = literal(regex, i, next, run, options); // an escaped punctuation mark is itself
        }
        continue;
      }
      if ("[.^$".indexOf(c) >= 0) {
        flush(run, options);
        if (c == '[') {
          i = regex.indexOf(']', i + 2);
          if (i < 0) {
            return List.of();
          }
        }
        if (quantifierAt(regex, i + 1)) {
          i = skipQuantifier(regex, i + 1) - 1;
        }
        continue;
      }
      i = literal(regex, i, c, run, options);
    }
    flush(run, options);
    List<String> best = List.of();
    for (List<String> option : options) {
      if (score(option) > score(best)) {
        best = option;
      }
    }
    return best;
  }

  /**
   * Adds the literal character at {@code i} to every alternative of the run; a quantifier after it
   * makes it optional (the run breaks before it) or repeatable (the run breaks after it). Returns
   * the index of the last character consumed.
   */
  private static int literal(
      String regex, int i, char c, List<StringBuilder> run, List<List<String>> options) {
    if (!quantifierAt(regex, i + 1)) {
      for (StringBuilder alternative : run) {
        alternative.append(c);
      }
      return i;
    }
    if (regex.charAt(i + 1) == '+') {
      for (StringBuilder alternative : run) {
        alternative.append(c);
      }
    }
    flush(run, options);
    return skipQuantifier(regex, i + 1) - 1;
  }

  private static void flush(List<StringBuilder> run, List<List<String>> options) {
    List<String> words = new ArrayList<>();
    for (StringBuilder alternative : run) {
      List<String> word = bestWord(alternative.toString());
      if (word.isEmpty()) {
        words = null;
        break;
      }
      words.add(word.get(0));
    }
    if (words != null) {
      options.add(words);
    }
    run.clear();
    run.add(new StringBuilder());
  }

  private static boolean quantifierAt(String regex, int i) {
    return i < regex.length() && "?*+{".indexOf(regex.charAt(i)) >= 0;
  }

  private static int skipQuantifier(String regex, int i) {
    if (regex.charAt(i) == '{') {
      int close = regex.indexOf('}', i);
      i = close < 0 ? regex.length() : close + 1;
    } else {
      i++;
    }
    if (i < regex.length() && (regex.charAt(i) == '?' || regex.charAt(i) == '+')) {
      i++;
    }
    return i;
  }

  private static int matchingParen(String regex, int open) {
    int depth = 0;
    for (int i = open; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  /** The alternatives of a group when they are all plain literals; else empty. */
  private static List<String> literalAlternatives(String body) {
    if (body.startsWith("?:")) {
      body = body.substring(2);
    }
    List<String> alternatives = new ArrayList<>();
    for (String alternative : body.split("\\|", -1)) {
      for (int i = 0; i < alternative.length(); i++) {
        if ("\\[]().*+?{}^$".indexOf(alternative.charAt(i)) >= 0) {
          return List.of();
        }
      }
      alternatives.add(alternative);
    }
    return alternatives;
  }

  /** Drops anchors that contain another anchor: any line with the longer one has the shorter. */
  private static List<String> minimal(Set<String> anchors) {
    List<String> kept = new ArrayList<>();
    for (String anchor : anchors) {
      boolean redundant = false;
      for (String other : anchors) {
        if (!other.equals(anchor) && anchor.contains(other)) {
          redundant = true;
          break;
        }
      }
      if (!redundant) {
        kept.add(anchor);
      }
    }
    return kept;
  }
}
