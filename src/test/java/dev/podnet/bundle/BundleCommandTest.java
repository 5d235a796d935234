package dev.podnet.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

  private String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new String[] {
      Integer.toString(code),
      out.toString(StandardCharsets.UTF_8),
      err.toString(StandardCharsets.UTF_8)
    };
  }

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
    String[] result =
        run(
            "bundle",
            "-f",
            out.toString(),
            "--kubeconfig",
            kubeconfig("https://127.0.0.1:1").toString());
    assertThat(result[0]).isEqualTo("3");
    assertThat(result[2])
        .isEqualTo("podnet: " + out + ": already exists; pass --force to replace it\n");
    assertThat(out).hasContent("precious");
  }

  @Test
  void anUnreachableClusterExitsFourAndLeavesNothing() throws Exception {
    Path kubeconfig = kubeconfig("https://127.0.0.1:1");
    String[] result =
        run(
            "bundle",
            "-f",
            dir.resolve("x.tar.gz").toString(),
            "--kubeconfig",
            kubeconfig.toString(),
            "--request-timeout",
            "5");
    assertThat(result[0]).isEqualTo("4");
    assertThat(result[2])
        .startsWith("podnet: cannot reach the API server https://127.0.0.1:1")
        .hasLineCount(1);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(kubeconfig);
    }
  }

  @Test
  void aPodWithoutItsNamespaceIsAUsageError() {
    String[] result = run("bundle", "--pod", "web-1");
    assertThat(result[0]).isEqualTo("3");
    assertThat(result[2]).isEqualTo("podnet: --pod takes NAMESPACE/NAME, got 'web-1'\n");
  }
}
