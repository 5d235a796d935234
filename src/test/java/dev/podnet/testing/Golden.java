package dev.podnet.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.opentest4j.AssertionFailedError;

/**
 * Compares a whole output with a golden file, and prints a line diff when they differ.
 *
 * <p>Run the tests with {@code -Dgolden.update=true} to (re)write the golden files from the current
 * output; then review the change to them like code.
 */
public final class Golden {
  /** The system property that turns comparing into rewriting. */
  public static final String UPDATE_PROPERTY = "golden.update";

  /** Changed lines shown in a failure message; the rest are counted. */
  static final int MAX_CHANGED_LINES = 40;

  /** Unchanged lines shown around each change. */
  private static final int CONTEXT = 3;

  /** Above this many cells the diff stops looking for a shortest edit and shows a block change. */
  private static final long MAX_TABLE_CELLS = 4_000_000;

  private Golden() {}

  /**
   * Passes when {@code goldenFile} holds exactly {@code actual}. With {@code -Dgolden.update=true}
   * it writes {@code actual} to the file instead and passes.
   */
  public static void assertMatches(Path goldenFile, String actual) {
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      write(goldenFile, actual);
      return;
    }
    if (!Files.exists(goldenFile)) {
      throw new AssertionFailedError(
          "golden file "
              + goldenFile
              + " does not exist; run the test with -D"
              + UPDATE_PROPERTY
              + "=true to create it from the current output, then review it");
    }
    String expected;
    try {
      expected = Files.readString(goldenFile, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read golden file " + goldenFile, e);
    }
    if (!expected.equals(actual)) {
      throw new AssertionFailedError(
          "output differs from golden file "
              + goldenFile
              + " (if the change is intended, run with -D"
              + UPDATE_PROPERTY
              + "=true and review the diff)\n"
              + diff(expected, actual, goldenFile + " (golden)", "actual"),
          expected,
          actual);
    }
  }

  private static void write(Path goldenFile, String actual) {
    try {
      Path parent = goldenFile.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(goldenFile, actual, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write golden file " + goldenFile, e);
    }
  }

  /** A unified diff of two texts, showing at most {@link #MAX_CHANGED_LINES} changed lines. */
  static String diff(String expected, String actual, String expectedName, String actualName) {
    List<String> before = Arrays.asList(expected.split("\n", -1));
    List<String> after = Arrays.asList(actual.split("\n", -1));
    List<Edit> edits = edits(before, after);
    StringBuilder text = new StringBuilder();
    text.append("--- ").append(expectedName).append('\n');
    text.append("+++ ").append(actualName).append('\n');
    int changedShown = 0;
    int changedTotal = 0;
    for (Edit edit : edits) {
      if (edit.kind != ' ') {
        changedTotal++;
      }
    }
    int index = 0;
    while (index < edits.size() && changedShown < MAX_CHANGED_LINES) {
      int change = index;
      while (change < edits.size() && edits.get(change).kind == ' ') {
        change++;
      }
      if (change == edits.size()) {
        break;
      }
      int start = Math.max(index, change - CONTEXT);
      int end = change;
      // grow the hunk while the next change is close enough to share context
      int lastChange = change;
      while (end < edits.size()) {
        if (edits.get(end).kind != ' ') {
          lastChange = end;
        } else if (end - lastChange > 2 * CONTEXT) {
          break;
        }
        end++;
      }
      end = Math.min(edits.size(), lastChange + CONTEXT + 1);
      Edit first = edits.get(start);
      int beforeCount = 0;
      int afterCount = 0;
      for (Edit edit : edits.subList(start, end)) {
        beforeCount += edit.kind == '+' ? 0 : 1;
        afterCount += edit.kind == '-' ? 0 : 1;
      }
      text.append("@@ -")
          .append(first.beforeLine + 1)
          .append(',')
          .append(beforeCount)
          .append(" +")
          .append(first.afterLine + 1)
          .append(',')
          .append(afterCount)
          .append(" @@\n");
      for (Edit edit : edits.subList(start, end)) {
        if (edit.kind != ' ') {
          if (changedShown == MAX_CHANGED_LINES) {
            break;
          }
          changedShown++;
        }
        text.append(edit.kind).append(visible(edit.line)).append('\n');
      }
      index = end;
    }
    if (changedTotal > changedShown) {
      text.append("... and ").append(changedTotal - changedShown).append(" more changed lines\n");
    }
    if (expected.replace("\r\n", "\n").strip().equals(actual.replace("\r\n", "\n").strip())) {
      text.append("(the texts differ only in line endings or leading/trailing blank lines)\n");
    }
    return text.toString();
  }

  /** Shows what a reader of the diff could not see: escape characters and trailing spaces. */
  private static String visible(String line) {
    String shown = line.replace("\u001b", "\\e").replace("\r", "\\r");
    return shown.endsWith(" ") || shown.endsWith("\t") ? shown + "⏎" : shown;
  }

  private record Edit(char kind, String line, int beforeLine, int afterLine) {}

  /** The lines of both texts as kept, removed ({@code -}) or added ({@code +}), in order. */
  private static List<Edit> edits(List<String> before, List<String> after) {
    int prefix = 0;
    while (prefix < before.size()
        && prefix < after.size()
        && before.get(prefix).equals(after.get(prefix))) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < before.size() - prefix
        && suffix < after.size() - prefix
        && before.get(before.size() - 1 - suffix).equals(after.get(after.size() - 1 - suffix))) {
      suffix++;
    }
    List<String> a = before.subList(prefix, before.size() - suffix);
    List<String> b = after.subList(prefix, after.size() - suffix);
    List<Edit> edits = new ArrayList<>();
    for (int i = 0; i < prefix; i++) {
      edits.add(new Edit(' ', before.get(i), i, i));
    }
    if ((long) (a.size() + 1) * (b.size() + 1) > MAX_TABLE_CELLS) {
      for (int i = 0; i < a.size(); i++) {
        edits.add(new Edit('-', a.get(i), prefix + i, prefix));
      }
      for (int j = 0; j < b.size(); j++) {
        edits.add(new Edit('+', b.get(j), prefix + a.size(), prefix + j));
      }
    } else {
      // longest common subsequence of the differing middle, read forwards
      int[][] common = new int[a.size() + 1][b.size() + 1];
      for (int i = a.size() - 1; i >= 0; i--) {
        for (int j = b.size() - 1; j >= 0; j--) {
          common[i][j] =
              a.get(i).equals(b.get(j))
                  ? common[i + 1][j + 1] + 1
                  : Math.max(common[i + 1][j], common[i][j + 1]);
        }
      }
      int i = 0;
      int j = 0;
      while (i < a.size() || j < b.size()) {
        if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
          edits.add(new Edit(' ', a.get(i), prefix + i, prefix + j));
          i++;
          j++;
        } else if (j == b.size() || (i < a.size() && common[i + 1][j] >= common[i][j + 1])) {
          edits.add(new Edit('-', a.get(i), prefix + i, prefix + j));
          i++;
        } else {
          edits.add(new Edit('+', b.get(j), prefix + i, prefix + j));
          j++;
        }
      }
    }
    int beforeOffset = before.size() - suffix;
    int afterOffset = after.size() - suffix;
    for (int k = 0; k < suffix; k++) {
      edits.add(new Edit(' ', before.get(beforeOffset + k), beforeOffset + k, afterOffset + k));
    }
    return edits;
  }
}
