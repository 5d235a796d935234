package dev.podnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.check.Check;
import dev.podnet.check.CheckRegistry;
import dev.podnet.classify.CauseCatalog;
import dev.podnet.model.RootCause;
import dev.podnet.testing.CliRun;
import dev.podnet.testing.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README true: every output it shows under an {@code <!-- output: ARGS -->} marker is
 * what {@code podnet ARGS} prints now, every check and root cause has a row, and the two set-up
 * commands are there. {@code -Dgolden.update=true} rewrites the shown outputs.
 */
class ReadmeTest {
  private static final Path README = Path.of("README.md");
  private static final Pattern BLOCK =
      Pattern.compile("<!-- output: (.+?) -->\\n```text\\n(.*?)```", Pattern.DOTALL);

  @Test
  void shownOutputsAreReal() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    Matcher matcher = BLOCK.matcher(readme);
    StringBuilder updated = new StringBuilder();
    int blocks = 0;
    while (matcher.find()) {
      blocks++;
      String arguments = matcher.group(1);
      CliRun run = CliRun.run(tokens(arguments).toArray(String[]::new));
      String actual = run.out() + run.err();
      if (Boolean.getBoolean(Golden.UPDATE_PROPERTY)) {
        matcher.appendReplacement(
            updated,
            Matcher.quoteReplacement(
                "<!-- output: " + arguments + " -->\n```text\n" + actual + "```"));
      } else {
        assertThat(matcher.group(2))
            .as("README output of 'podnet %s'", arguments)
            .isEqualTo(actual);
      }
    }
    if (Boolean.getBoolean(Golden.UPDATE_PROPERTY)) {
      matcher.appendTail(updated);
      Files.writeString(README, updated.toString(), StandardCharsets.UTF_8);
    }
    assertThat(blocks).as("README output blocks").isGreaterThanOrEqualTo(3);
  }

  @Test
  void everyCheckAndRootCauseIsDocumented() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    List<Check> all = new ArrayList<>(CheckRegistry.diagnoseChecks(CauseCatalog.load()));
    all.addAll(CheckRegistry.cidrChecks());
    all.addAll(CheckRegistry.ipamChecks());
    for (Check check : all) {
      assertThat(readme)
          .as("README row for check %s", check.id())
          .contains("| `" + check.id() + "` |");
    }
    for (RootCause cause : RootCause.values()) {
      assertThat(readme)
          .as("README row for cause %s", cause.id())
          .contains("| `" + cause.id() + "` |");
    }
  }

  @Test
  void setUpCommandsAreThere() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    assertThat(readme)
        .contains(
            "./mvnw -q package -DskipTests && bin/podnet diagnose --snapshot examples/ipam-exhausted")
        .contains("./mvnw verify");
  }

  /** Splits a command line the way a shell would for plain words and quoted strings. */
  static List<String> tokens(String line) {
    List<String> tokens = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inToken = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          current.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inToken = true;
      } else if (Character.isWhitespace(c)) {
        if (inToken) {
          tokens.add(current.toString());
          current.setLength(0);
          inToken = false;
        }
      } else {
        current.append(c);
        inToken = true;
      }
    }
    if (inToken) {
      tokens.add(current.toString());
    }
    return tokens;
  }
}
