package dev.podnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.testing.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code podnet fix node-cidr} through {@link Main}: usage errors, exit codes, saved plans. */
class FixNodeCidrCommandTest {
  private static final String DUAL = "examples/dual-stack-partial";

  private static CliRun run(String... args) {
    return CliRun.run(args);
  }

  private static void assertUsageError(CliRun run, String message) {
    assertThat(run.exitCode()).as("exit code; stderr %s", run.err()).isEqualTo(Main.USAGE);
    assertThat(run.err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void exitCodesFollowTheRefusals() {
    assertThat(run("fix", "node-cidr", "--snapshot", DUAL, "--all-drifted").exitCode()).isZero();
    // worker-2 planned, worker-1 named but nothing to fix
    CliRun some =
        run("fix", "node-cidr", "--snapshot", DUAL, "--node", "worker-2", "--node", "worker-1");
    assertThat(some.exitCode()).isEqualTo(1);
    assertThat(some.out()).contains("REFUSED · worker-1 · nothing-to-fix");
    assertThat(
            run("fix", "node-cidr", "--snapshot", "examples/out-of-cidrs", "--all-drifted")
                .exitCode())
        .isEqualTo(2);
    CliRun healthy = run("fix", "node-cidr", "--snapshot", "examples/healthy", "--all-drifted");
    assertThat(healthy.exitCode()).isZero();
    assertThat(healthy.out()).contains("0 nodes to roll · 0 refusals").contains("Nothing to roll.");
  }

  @Test
  void badDurationsAreUsageErrors() {
    for (String bad : new String[] {"5", "soon", "0s", "-1m"}) {
      CliRun run =
          run("fix", "node-cidr", "--snapshot", DUAL, "--all-drifted", "--eviction-timeout", bad);
      assertUsageError(run, "--eviction-timeout");
    }
  }

  @Test
  void applyNeedsTheLiveCluster() {
    assertUsageError(
        run("fix", "node-cidr", "--snapshot", DUAL, "--all-drifted", "--apply"),
        "--apply needs the live cluster");
  }

  @Test
  void nodesMustBeNamed() {
    assertUsageError(
        run("fix", "node-cidr", "--snapshot", DUAL), "--node NAME (repeatable) or --all-drifted");
    assertUsageError(
        run("fix", "node-cidr", "--snapshot", DUAL, "--all-drifted", "--node", "worker-2"),
        "cannot be combined");
    assertUsageError(
        run("fix", "node-cidr", "--snapshot", DUAL, "--all-drifted", "--kubelet-restart", "ssh"),
        "--kubelet-restart must be manual or pod");
    assertUsageError(
        run("fix", "node-cidr", "--snapshot", DUAL, "--all-drifted", "-o", "html"),
        "unknown output format");
  }

  @Test
  void anUnreadablePlanFileIsOneLineWithExitCodeFour(@TempDir Path tmp) throws Exception {
    Path missing = tmp.resolve("missing.json");
    CliRun run = run("fix", "node-cidr", "--plan", missing.toString());
    assertThat(run.exitCode()).isEqualTo(Main.SOURCE_UNREADABLE);
    assertThat(run.err()).isEqualTo("podnet: " + missing + ": no such plan file\n");
    Path garbage = tmp.resolve("garbage.json");
    Files.writeString(
        garbage, "{\"schemaVersion\": 1, \"command\": \"fix node-cidr\"}", StandardCharsets.UTF_8);
    CliRun bad = run("fix", "node-cidr", "--plan", garbage.toString());
    assertThat(bad.exitCode()).isEqualTo(Main.SOURCE_UNREADABLE);
    assertThat(bad.err()).startsWith("podnet: " + garbage + ": ").hasLineCount(1);
  }

  @Test
  void aSavedPlanPrintsAsPlannedAndTakesNoPlanningOptions(@TempDir Path tmp) {
    Path file = tmp.resolve("plan.json");
    CliRun planned =
        run(
            "fix",
            "node-cidr",
            "--snapshot",
            DUAL,
            "--all-drifted",
            "--canary",
            "--save-plan",
            file.toString());
    assertThat(planned.exitCode()).isZero();
    assertThat(file).isRegularFile();
    CliRun loaded = run("fix", "node-cidr", "--plan", file.toString());
    assertThat(loaded.exitCode()).isZero();
    assertThat(loaded.out()).isEqualTo(planned.out()).contains("canary registry.k8s.io/pause:3.9");
    assertUsageError(
        run("fix", "node-cidr", "--plan", file.toString(), "--eviction-timeout", "1m"),
        "--eviction-timeout cannot be combined with --plan");
    // -o json output is itself a plan file
    Path json = tmp.resolve("out.json");
    CliRun asJson = run("fix", "node-cidr", "--plan", file.toString(), "-o", "json");
    try {
      Files.writeString(json, asJson.out(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(run("fix", "node-cidr", "--plan", json.toString()).out()).isEqualTo(planned.out());
  }

  @Test
  void helpListsTheExitCodes() {
    CliRun help = run("fix", "node-cidr", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .contains("Exit codes:")
        .contains("1   some nodes refused, the others planned")
        .contains("--evict-unreplicated")
        .contains("--lease-duration");
  }
}
