package dev.podnet.cli;

import static dev.podnet.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets one line naming the file and what is wrong, and the exit code of DESIGN.md. */
class CliErrorsTest {
  @TempDir Path dir;

  private Path snapshotWith(String file, String content) throws IOException {
    Path path = dir.resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, content);
    return dir;
  }

  private static void assertOneLineError(CliRun run, int exitCode, String message) {
    assertThat(run.exitCode()).isEqualTo(exitCode);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().strip()).isEqualTo(message);
  }

  @Test
  void malformedJsonNamesTheFileAndPosition() throws IOException {
    Path snapshot = snapshotWith("cluster/nodes.json", "{\"kind\":\"List\",\n\"items\":[}\n");
    var run = run("diagnose", "--snapshot", snapshot.toString());
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err())
        .startsWith("podnet: cluster/nodes.json: malformed JSON at line 2, column ");
    assertThat(run.err().strip()).doesNotContain("\n");
  }

  @Test
  void wrongKindNamesTheFile() throws IOException {
    Path snapshot = snapshotWith("cluster/pods.json", "{\"kind\":\"NodeList\",\"items\":[]}");
    assertOneLineError(
        run("diagnose", "--snapshot", snapshot.toString()),
        4,
        "podnet: cluster/pods.json: wrong kind 'NodeList', expected List or PodList");
  }

  @Test
  void truncatedFileNamesTheFile() throws IOException {
    Path snapshot =
        snapshotWith("cluster/events.json", "{\"kind\":\"List\",\"items\":[{\"reason\":\"Fail");
    assertOneLineError(
        run("diagnose", "--snapshot", snapshot.toString()),
        4,
        "podnet: cluster/events.json: truncated JSON (unexpected end of input)");
  }

  @Test
  void missingSnapshot() {
    assertOneLineError(
        run("diagnose", "--snapshot", dir.resolve("nope").toString()),
        4,
        "podnet: " + dir.resolve("nope") + ": no such snapshot directory or archive");
  }

  @Test
  void anEmptySnapshotIsAnErrorNotAHealthyCluster() {
    var run = run("diagnose", "--snapshot", dir.toString());
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err())
        .startsWith("podnet: " + dir + ": nothing to analyse: none of cluster/nodes.json");
  }

  @Test
  void missingFilesAreNamedAndTheirChecksSkipped() throws IOException {
    Path snapshot = snapshotWith("cluster/nodes.json", "{\"kind\":\"List\",\"items\":[]}");
    var run = run("diagnose", "--snapshot", snapshot.toString(), "-o", "json");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("\"source\": \"cluster/events.json\"")
        .contains("\"reason\": \"not in the snapshot\"")
        .contains("\"sandbox-failures (skipped)\"")
        .contains("\"check\": \"sandbox-failures\"");
  }

  @Test
  void usageErrorsExitWithThree() {
    var unknown = run("diagnose", "--frobnicate");
    assertThat(unknown.exitCode()).isEqualTo(3);
    assertThat(unknown.err()).contains("Unknown option: '--frobnicate'");
    var format = run("diagnose", "--snapshot", dir.toString(), "-o", "xml");
    assertThat(format.exitCode()).isEqualTo(3);
    assertThat(format.err()).startsWith("podnet: ");
    var both = run("diagnose", "--snapshot", dir.toString(), "--context", "prod");
    assertThat(both.exitCode()).isEqualTo(3);
    assertThat(both.err().strip())
        .isEqualTo("podnet: --snapshot cannot be combined with --kubeconfig or --context");
  }

  @Test
  void unreachableClusterExitsWithFour() throws IOException {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: dead
          cluster:
            server: https://127.0.0.1:1
            insecure-skip-tls-verify: true
        users:
        - name: me
          user:
            token: not-a-real-token
        contexts:
        - name: dead
          context:
            cluster: dead
            user: me
        current-context: dead
        """);
    var run = run("diagnose", "--kubeconfig", kubeconfig.toString(), "--request-timeout", "5");
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).startsWith("podnet: cannot reach the API server https://127.0.0.1:1");
    assertThat(run.err().strip()).doesNotContain("\n");
  }

  @Test
  void explainWithoutMessageIsAUsageError() {
    var run = run("explain", "--lines", "some message");
    assertThat(run.exitCode()).isEqualTo(3);
  }
}
