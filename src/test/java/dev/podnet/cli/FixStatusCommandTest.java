package dev.podnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code podnet fix status} and {@code fix resume} on the example journal and on bad input. */
class FixStatusCommandTest {
  private static final String RUN = "20261120-100000-95be6a";
  private static final String ROOT = "examples/fix-runs";

  @Test
  void aStoppedRunShowsEveryStepTheFailureAndTheCommandToContinue() {
    CliRun run = CliRun.run("fix", "status", RUN, "--journal-dir", ROOT);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .contains("run " + RUN + " · failed")
        .containsPattern("uncordon +done")
        .containsPattern("evict +failed")
        .containsPattern("delete-node +pending")
        .contains("Stopped on worker-3 at evict")
        .contains("Continue with: podnet fix resume " + RUN + " --journal-dir examples/fix-runs");
  }

  @Test
  void theJsonCarriesTheSchemaVersionAndTheState() {
    CliRun run = CliRun.run("fix", "status", RUN, "--journal-dir", ROOT, "-o", "json");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out())
        .startsWith("{\n  \"schemaVersion\": 1,\n  \"command\": \"fix status\",")
        .contains("\"state\": \"failed\"")
        .contains("\"step\": \"evict\",\n          \"state\": \"failed\"");
  }

  @Test
  void anUnknownOrMalformedRunIsOneLineWithExitFour(@TempDir Path root) throws IOException {
    CliRun missing =
        CliRun.run("fix", "status", "20261120-100000-000000", "--journal-dir", root.toString());
    CliRun traversal = CliRun.run("fix", "resume", "../etc", "--journal-dir", root.toString());
    Path damaged = Files.createDirectories(root.resolve("20261120-100000-aaaaaa"));
    Files.writeString(damaged.resolve("plan.json"), "{");
    CliRun unreadable =
        CliRun.run("fix", "status", "20261120-100000-aaaaaa", "--journal-dir", root.toString());

    assertThat(missing.exitCode()).isEqualTo(4);
    assertThat(missing.err().strip()).doesNotContain("\n").contains("no journal of run");
    assertThat(traversal.exitCode()).isEqualTo(4);
    assertThat(traversal.err().strip())
        .isEqualTo("podnet: '../etc' is not a run id (they look like 20261120-095830-7f3a9c)");
    assertThat(unreadable.exitCode()).isEqualTo(4);
    assertThat(unreadable.err().strip()).doesNotContain("\n").contains("plan.json");
  }
}
