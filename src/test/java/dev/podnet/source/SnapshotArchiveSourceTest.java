package dev.podnet.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.model.Resource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotArchiveSourceTest {
  private static final String NODES =
      "{\"kind\":\"List\",\"items\":[{\"kind\":\"Node\",\"metadata\":{\"name\":\"worker-1\"}}]}";

  @TempDir Path dir;

  private Path archive(Map<String, String> entries) throws IOException {
    Path file = dir.resolve("snap.tar.gz");
    try (OutputStream out = Files.newOutputStream(file);
        GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (var entry : entries.entrySet()) {
        byte[] data = entry.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry tarEntry = new TarArchiveEntry(entry.getKey(), true);
        tarEntry.setSize(data.length);
        tar.putArchiveEntry(tarEntry);
        tar.write(data);
        tar.closeArchiveEntry();
      }
    }
    return file;
  }

  private List<String> readNodes(Path file, Map<Resource, String> missingOut)
      throws SourceException {
    List<String> names = new ArrayList<>();
    var source = new SnapshotArchiveSource(file);
    missingOut.putAll(
        source.read(
            ModelBuilder.queries(),
            (resource, item) -> {
              if (resource == Resource.NODES) {
                names.add(item.path("metadata").path("name").asText());
              }
            }));
    return names;
  }

  @Test
  void readsEntriesUnderOneTopLevelFolderAndNamesTheMissingOnes() throws Exception {
    Path file =
        archive(
            Map.of(
                "snap/cluster/nodes.json",
                NODES,
                "snap/manifest.json",
                "{\"collectedAt\":\"2026-11-20T10:00:00Z\"}"));
    Map<Resource, String> missing = new java.util.EnumMap<>(Resource.class);
    assertThat(readNodes(file, missing)).containsExactly("worker-1");
    assertThat(missing).containsKey(Resource.PODS).doesNotContainKey(Resource.NODES);
    assertThat(missing.get(Resource.PODS)).isEqualTo("not in the archive");
  }

  @Test
  void refusesPathTraversalAndAbsolutePaths() throws Exception {
    Path traversal = archive(Map.of("../../etc/cluster/nodes.json", NODES));
    assertThatThrownBy(() -> readNodes(traversal, new java.util.HashMap<>()))
        .hasMessage(
            "snap.tar.gz: entry '../../etc/cluster/nodes.json' leads outside the archive (..); archive refused");
    Path absolute = archive(Map.of("/etc/cluster/nodes.json", NODES));
    assertThatThrownBy(() -> readNodes(absolute, new java.util.HashMap<>()))
        .hasMessageContaining("has an absolute path; archive refused");
  }

  @Test
  void reportsATruncatedArchiveInOneLine() throws Exception {
    StringBuilder big = new StringBuilder("{\"kind\":\"List\",\"items\":[");
    for (int i = 0; i < 2000; i++) {
      big.append(i == 0 ? "" : ",")
          .append("{\"kind\":\"Node\",\"metadata\":{\"name\":\"n")
          .append(i)
          .append("\"}}");
    }
    big.append("]}");
    Path file = archive(Map.of("cluster/nodes.json", big.toString()));
    byte[] bytes = Files.readAllBytes(file);
    Path cut = dir.resolve("cut.tar.gz");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> readNodes(cut, new java.util.HashMap<>()))
        .isInstanceOf(SourceException.class)
        .hasMessageStartingWith("cut.tar.gz: truncated archive")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void refusesSomethingThatIsNotAnArchive() throws Exception {
    Path file = dir.resolve("notes.tar.gz");
    Files.writeString(file, "hello");
    assertThatThrownBy(() -> readNodes(file, new java.util.HashMap<>()))
        .isInstanceOf(SourceException.class)
        .hasMessageStartingWith("notes.tar.gz: ");
  }

  @Test
  void snapshotPathStripsOneFolder() {
    assertThat(SnapshotArchiveSource.snapshotPath("cluster/pods.json"))
        .isEqualTo("cluster/pods.json");
    assertThat(SnapshotArchiveSource.snapshotPath("bundle-2026/cluster/pods.json"))
        .isEqualTo("cluster/pods.json");
    assertThat(SnapshotArchiveSource.snapshotPath("bundle/manifest.json"))
        .isEqualTo("manifest.json");
    assertThat(SnapshotArchiveSource.snapshotPath("nodes/worker-1/sandboxes.json"))
        .isEqualTo("nodes/worker-1/sandboxes.json");
  }

  @Test
  void aLeadingDotFolderIsNormalisedAway() throws Exception {
    Path file = archive(Map.of("./cluster/nodes.json", NODES));
    assertThat(readNodes(file, new java.util.HashMap<>())).containsExactly("worker-1");
  }
}
