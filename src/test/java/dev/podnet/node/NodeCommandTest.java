package dev.podnet.node;

import static dev.podnet.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cli.Main;
import dev.podnet.testing.CliRun;
import dev.podnet.testing.Golden;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code podnet node} through {@link Main#run}: the four examples' golden outputs and the errors.
 */
class NodeCommandTest {
  static final Path EXAMPLES = Path.of("examples");
  static final Path GOLDEN = Path.of("src/test/resources/golden/node");

  @ParameterizedTest
  @CsvSource({
    "stale-config-first, worker-2, cni_config_invalid",
    "binary-missing, worker-3, cni_binary_missing",
    "host-local-leak, worker-1, ipam_exhausted",
    "flannel-subnet-mismatch, worker-5, cidr_conflict"
  })
  void examplesMatchTheirGoldenOutputs(String example, String node, String cause) {
    String snapshot = EXAMPLES.resolve(example).toString();
    CliRun table = run("node", "--snapshot", snapshot, "--node", node);
    assertThat(table.err()).isEmpty();
    assertThat(table.exitCode()).isEqualTo(2);
    Golden.assertMatches(
        GOLDEN.resolve(example + ".txt"), table.out() + "[exit code " + table.exitCode() + "]\n");
    CliRun json = run("node", "--snapshot", snapshot, "--node", node, "-o", "json");
    assertThat(json.exitCode()).isEqualTo(2);
    assertThat(json.out())
        .contains(
            "\"cause\": \"" + cause + "\"", "\"command\": \"node\"", "\"kind\": \"node-root\"");
    Golden.assertMatches(GOLDEN.resolve(example + ".json"), json.out());
  }

  @Test
  void theNodeFolderAsRootGivesTheSameFindingsWithoutTheClusterPart() {
    CliRun viaSnapshot =
        run("node", "--snapshot", "examples/binary-missing", "--node", "worker-3", "-o", "json");
    CliRun viaRoot = run("node", "--root", "examples/binary-missing/nodes/worker-3", "-o", "json");
    assertThat(viaRoot.exitCode()).isEqualTo(viaSnapshot.exitCode());
    assertThat(findingsPart(viaRoot.out())).isEqualTo(findingsPart(viaSnapshot.out()));
  }

  @Test
  void anArchiveIsReadInOnePassLikeTheDirectory(@TempDir Path temp) throws IOException {
    Path archive = temp.resolve("snapshot.tar.gz");
    Path example = EXAMPLES.resolve("host-local-leak");
    try (OutputStream file = Files.newOutputStream(archive);
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(new GzipCompressorOutputStream(file))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      try (Stream<Path> paths = Files.walk(example)) {
        for (Path path : paths.filter(Files::isRegularFile).sorted().toList()) {
          TarArchiveEntry entry =
              new TarArchiveEntry(
                  "snapshot/" + example.relativize(path).toString().replace('\\', '/'));
          byte[] content = Files.readAllBytes(path);
          entry.setSize(content.length);
          tar.putArchiveEntry(entry);
          tar.write(content);
          tar.closeArchiveEntry();
        }
      }
    }
    CliRun fromArchive =
        run("node", "--snapshot", archive.toString(), "--node", "worker-1", "-o", "json");
    CliRun fromDirectory =
        run("node", "--snapshot", example.toString(), "--node", "worker-1", "-o", "json");
    assertThat(fromArchive.err()).isEmpty();
    assertThat(findingsPart(fromArchive.out())).isEqualTo(findingsPart(fromDirectory.out()));

    CliRun noSuchNode = run("node", "--snapshot", archive.toString(), "--node", "worker-9");
    assertThat(noSuchNode.exitCode()).isEqualTo(Main.SOURCE_UNREADABLE);
    assertThat(noSuchNode.err())
        .isEqualTo(
            "podnet: snapshot.tar.gz: has no nodes/worker-9/ folder (nodes present: worker-1)\n");
  }

  @Test
  void hostileArchivesAreRefusedInOneLine(@TempDir Path temp) throws IOException {
    for (String hostile : List.of("../escape", "/etc/passwd", "link")) {
      Path archive = temp.resolve("hostile.tar");
      try (OutputStream file = Files.newOutputStream(archive);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
        TarArchiveEntry entry;
        if (hostile.equals("link")) {
          entry =
              new TarArchiveEntry(
                  "nodes/worker-1/etc/cni/net.d/10-x.conflist", TarArchiveEntry.LF_SYMLINK);
          entry.setLinkName("/etc/shadow");
        } else {
          entry = new TarArchiveEntry(hostile, true);
          entry.setSize(1);
        }
        tar.putArchiveEntry(entry);
        if (!hostile.equals("link")) {
          tar.write('x');
        }
        tar.closeArchiveEntry();
      }
      CliRun run = run("node", "--snapshot", archive.toString(), "--node", "worker-1");
      assertThat(run.exitCode()).as(hostile).isEqualTo(Main.SOURCE_UNREADABLE);
      assertThat(run.err())
          .as(hostile)
          .endsWith("refused\n")
          .doesNotContain("\tat ")
          .hasLineCount(1);
    }
  }

  @Test
  void aMissingRootIsOneLineAndExitCode4() {
    CliRun run = run("node", "--root", "/no/such/node-root");
    assertThat(run.exitCode()).isEqualTo(Main.SOURCE_UNREADABLE);
    assertThat(run.err()).isEqualTo("podnet: /no/such/node-root: no such directory\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aSnapshotRootGivenAsNodeRootIsExplained() {
    CliRun run = run("node", "--root", "examples/host-local-leak");
    assertThat(run.exitCode()).isEqualTo(Main.SOURCE_UNREADABLE);
    assertThat(run.err())
        .contains("not a node root")
        .contains("--snapshot DIR --node NAME")
        .hasLineCount(1);
  }

  @Test
  void usageErrorsAreExitCode3() {
    assertThat(run("node").exitCode()).isEqualTo(Main.USAGE);
    assertThat(run("node", "--snapshot", "examples/host-local-leak").err())
        .isEqualTo("podnet: --snapshot needs --node NAME (the folder under nodes/)\n");
    assertThat(run("node", "--root", "x", "--runtime", "docker").exitCode()).isEqualTo(Main.USAGE);
    assertThat(run("node", "--root", "x", "--pod-cidr", "10.0.0.0/33").exitCode())
        .isEqualTo(Main.USAGE);
  }

  @Test
  void helpNamesEveryFileItReads() {
    CliRun help = run("node", "--help");
    assertThat(help.exitCode()).isZero();
    for (String file :
        List.of(
            NodeInspector.NET_D,
            NodeInspector.BIN_LISTING,
            "var/lib/cni/networks",
            NodeInspector.SUBNET_ENV,
            NodeInspector.SANDBOXES,
            NodeInspector.IP_ADDR,
            IptablesCheck.LEGACY_FILE,
            IptablesCheck.NFT_FILE,
            NodeInspector.CONTAINERD_CONFIG,
            "etc/crio/crio.conf")) {
      assertThat(help.out()).as(file).contains(file);
    }
    assertThat(help.out()).contains("-printf '%f %s %M\\n'");
  }

  /** The JSON from "findings" on: what does not depend on the source's location. */
  private static String findingsPart(String json) {
    return json.substring(json.indexOf("\"findings\""));
  }
}
