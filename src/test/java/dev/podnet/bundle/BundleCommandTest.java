package dev.podnet.bundle;

import static dev.podnet.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code podnet bundle} errors are one line with the documented exit code, and leave no file
 * behind.
 */
class BundleCommandTest {
  @TempDir Path dir;

  private Path kubeconfig(String server) throws Exception {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(
        file,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "current-context: c",
            "clusters:",
            "- name: c",
            "  cluster:",
            "    server: " + server,
            "    insecure-skip-tls-verify: true",
            "users:",
            "- name: u",
            "  user:",
            "    token: t",
            "contexts:",
            "- name: c",
            "  context:",
            "    cluster: c",
            "    user: u",
            ""));
    return file;
  }

  @Test
  void anExistingOutputIsAUsageErrorAndUntouched() throws Exception {
    Path out = Files.writeString(dir.resolve("x.tar.gz"), "precious");
    CliRun result =
        run(
            "bundle",
            "-f",
            out.toString(),
            "--kubeconfig",
            kubeconfig("https://127.0.0.1:1").toString());
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err())
        .isEqualTo("podnet: " + out + ": already exists; pass --force to replace it\n");
    assertThat(out).hasContent("precious");
  }

  @Test
  void anUnreachableClusterExitsFourAndLeavesNothing() throws Exception {
    Path kubeconfig = kubeconfig("https://127.0.0.1:1");
    CliRun result =
        run(
            "bundle",
            "-f",
            dir.resolve("x.tar.gz").toString(),
            "--kubeconfig",
            kubeconfig.toString(),
            "--request-timeout",
            "5");
    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.err())
        .startsWith("podnet: cannot reach the API server https://127.0.0.1:1")
        .hasLineCount(1);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(kubeconfig);
    }
  }

  @Test
  void aPodWithoutItsNamespaceIsAUsageError() {
    CliRun result = run("bundle", "--pod", "web-1");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err()).isEqualTo("podnet: --pod takes NAMESPACE/NAME, got 'web-1'\n");
  }
}
