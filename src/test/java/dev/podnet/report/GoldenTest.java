package dev.podnet.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.testing.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The golden-file helper the renderer tests rely on (it lives in {@code dev.podnet.testing}). */
class GoldenTest {
  @TempDir Path directory;
  private final String updateBefore = System.getProperty(Golden.UPDATE_PROPERTY);

  @AfterEach
  void restoreUpdateProperty() {
    if (updateBefore == null) {
      System.clearProperty(Golden.UPDATE_PROPERTY);
    } else {
      System.setProperty(Golden.UPDATE_PROPERTY, updateBefore);
    }
  }

  @Test
  void passesOnEqualText() throws IOException {
    System.clearProperty(Golden.UPDATE_PROPERTY);
    Path golden = Files.writeString(directory.resolve("out.txt"), "a\nb\n", UTF_8);

    Golden.assertMatches(golden, "a\nb\n");
  }

  @Test
  void failsWithTheFileAndAUnifiedDiff() throws IOException {
    System.clearProperty(Golden.UPDATE_PROPERTY);
    String lines =
        IntStream.rangeClosed(1, 20).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));
    Path golden = Files.writeString(directory.resolve("out.txt"), lines + "\n", UTF_8);

    String changed = lines.replace("line 10", "line ten").replace("line 11\n", "") + "\n";

    assertThatThrownBy(() -> Golden.assertMatches(golden, changed))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("output differs from golden file " + golden)
        .hasMessageContaining("-Dgolden.update=true")
        .hasMessageContaining(
            "@@ -7,8 +7,7 @@\n"
                + " line 7\n"
                + " line 8\n"
                + " line 9\n"
                + "-line 10\n"
                + "-line 11\n"
                + "+line ten\n"
                + " line 12\n"
                + " line 13\n"
                + " line 14\n")
        .hasMessageNotContaining("line 3\n");
  }

  @Test
  void showsAtMostFortyChangedLines() throws IOException {
    System.clearProperty(Golden.UPDATE_PROPERTY);
    Path golden = Files.writeString(directory.resolve("out.txt"), "x\n".repeat(100), UTF_8);

    assertThatThrownBy(() -> Golden.assertMatches(golden, "y\n".repeat(100)))
        .hasMessageContaining("... and 160 more changed lines");
  }

  @Test
  void failsWithAHintWhenTheFileIsMissing() {
    System.clearProperty(Golden.UPDATE_PROPERTY);
    Path golden = directory.resolve("missing.txt");

    assertThatThrownBy(() -> Golden.assertMatches(golden, "x"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(golden.toString())
        .hasMessageContaining("run the test with -Dgolden.update=true");
  }

  @Test
  void updateWritesTheFileAndPasses() throws IOException {
    System.setProperty(Golden.UPDATE_PROPERTY, "true");
    Path golden = directory.resolve("new/dir/out.txt");

    Golden.assertMatches(golden, "fresh\n");

    assertThat(Files.readString(golden, UTF_8)).isEqualTo("fresh\n");
  }
}
