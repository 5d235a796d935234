package dev.podnet.cli;

import static dev.podnet.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.testing.CliRun;
import dev.podnet.testing.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every recorded scenario under {@code examples/} diagnosed end to end through {@link Main}, in
 * every output format, against its golden output; the exit code is part of the contract.
 */
class ExamplesTest {
  static final Path EXAMPLES = Path.of("examples");
  static final Path GOLDEN = Path.of("src/test/resources/golden/diagnose");

  /** The exit code each scenario must give: 2 for critical findings, 0 for a healthy cluster. */
  static final java.util.Map<String, Integer> EXIT_CODES =
      java.util.Map.ofEntries(
          java.util.Map.entry("agent-crashloop-one-node", 2),
          java.util.Map.entry("binary-missing", 2),
          java.util.Map.entry("flannel-subnet-mismatch", 2),
          java.util.Map.entry("host-local-leak", 2),
          java.util.Map.entry("stale-config-first", 2),
          java.util.Map.entry("calico-leaked-handles", 0),
          java.util.Map.entry("cidr-drift", 2),
          java.util.Map.entry("cni-config-missing", 2),
          java.util.Map.entry("datastore-unreachable", 2),
          java.util.Map.entry("dual-stack-partial", 0),
          java.util.Map.entry("healthy", 0),
          java.util.Map.entry("ipam-exhausted", 2),
          java.util.Map.entry("managed-eks", 0),
          java.util.Map.entry("maxpods-over-block", 0),
          java.util.Map.entry("node-cidr-missing", 2),
          java.util.Map.entry("out-of-cidrs", 2));

  @org.junit.jupiter.api.Test
  void everyExampleHasAnExpectedExitCode() throws IOException {
    assertThat(examples().toList()).containsExactlyInAnyOrderElementsOf(EXIT_CODES.keySet());
  }

  static Stream<String> examples() throws IOException {
    try (Stream<Path> dirs = Files.list(EXAMPLES)) {
      return dirs
          .filter(d -> Files.isDirectory(d.resolve("cluster")))
          .map(d -> d.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  /**
   * {@code podnet cidr} and {@code podnet ipam} on every example, table and JSON, with the exit
   * code recorded at the end of the golden table output.
   */
  @ParameterizedTest
  @MethodSource("examples")
  void cidrAndIpamGoldenOutputs(String example) throws IOException {
    for (String command : List.of("cidr", "ipam")) {
      CliRun table = run(command, "--snapshot", EXAMPLES.resolve(example).toString());
      assertThat(table.err()).as("stderr of %s %s", command, example).isEmpty();
      Golden.assertMatches(
          Path.of("src/test/resources/golden", command, example + ".txt"),
          table.out() + "[exit code " + table.exitCode() + "]\n");
      CliRun json = run(command, "--snapshot", EXAMPLES.resolve(example).toString(), "-o", "json");
      Golden.assertMatches(
          Path.of("src/test/resources/golden", command, example + ".json"), json.out());
      assertThat(json.exitCode()).isEqualTo(table.exitCode());
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void goldenOutputs(String example) throws IOException {
    for (String format : List.of("table", "json", "yaml", "markdown")) {
      CliRun run =
          run("diagnose", "--snapshot", EXAMPLES.resolve(example).toString(), "-o", format);
      assertThat(run.err()).as("stderr of %s -o %s", example, format).isEmpty();
      String extension = format.equals("table") ? "txt" : format.equals("markdown") ? "md" : format;
      Golden.assertMatches(GOLDEN.resolve(example + "." + extension), run.out());
      assertThat(run.exitCode()).as("exit code of %s", example).isEqualTo(EXIT_CODES.get(example));
    }
  }
}
