package dev.podnet.bundle;

import static dev.podnet.bundle.TestArchives.file;
import static dev.podnet.bundle.TestArchives.link;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.source.ArchiveLimits;
import dev.podnet.source.UnsafeArchiveException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile archives, each crafted with commons-compress, are refused with one line naming the
 * archive and the entry, and unpacking them writes nothing: not outside the target, not the target,
 * no temporary directory left behind.
 */
class SafeArchiveTest {
  private static final ArchiveLimits SMALL = new ArchiveLimits(10L << 20, 10L << 20, 100, 100);
  private static Path bomb;

  @TempDir Path work;

  /** 1 GiB of zeros in one entry: gzip makes about 1 MB of it. Built once. */
  @BeforeAll
  static void buildBomb(@TempDir Path shared) throws IOException {
    bomb = shared.resolve("bomb.tar.gz");
    try (OutputStream file = Files.newOutputStream(bomb);
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(new GzipCompressorOutputStream(file))) {
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TarArchiveEntry entry = new TarArchiveEntry("cluster/pods.json");
      entry.setSize(1L << 30);
      tar.putArchiveEntry(entry);
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 1024; i++) {
        tar.write(zeros);
      }
      tar.closeArchiveEntry();
    }
  }

  private Path archive(String name, TestArchives.Body body) throws IOException {
    Path path = work.resolve(name);
    Files.write(path, TestArchives.tarGz(body));
    return path;
  }

  /** Unpacks into work/target and asserts the refusal and that nothing but the archives is left. */
  private void assertRefused(Path archive, ArchiveLimits limits, String... messageParts)
      throws IOException {
    Path target = work.resolve("target");
    assertThatThrownBy(() -> SafeArchive.unpack(archive, target, limits))
        .isInstanceOf(UnsafeArchiveException.class)
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain("\n")
                    .startsWith(archive.getFileName() + ": ")
                    .contains(messageParts));
    // the walk stays inside work: /tmp itself changes under parallel builds
    try (Stream<Path> left = Files.walk(work)) {
      assertThat(left.filter(p -> !p.equals(work)).filter(p -> !p.toString().endsWith(".tar.gz")))
          .as("nothing written besides the archives")
          .isEmpty();
    }
    assertThat(work.getParent().resolve("escaped")).doesNotExist();
    assertThat(Path.of("/tmp/podnet-escaped")).doesNotExist();
  }

  @Test
  void aSafeArchiveIsUnpackedWhole() throws IOException {
    Path archive =
        archive(
            "good.tar.gz",
            tar -> {
              file(tar, "snap/manifest.json", "{}");
              file(tar, "./snap/cluster/nodes.json", "{\"kind\":\"List\",\"items\":[]}");
            });
    Path target = work.resolve("out");
    SafeArchive.unpack(archive, target, SMALL);
    assertThat(target.resolve("snap/cluster/nodes.json"))
        .hasContent("{\"kind\":\"List\",\"items\":[]}");
    try (Stream<Path> left = Files.list(work)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("good.tar.gz", "out");
    }
  }

  @Test
  void pathTraversalIsRefused() throws IOException {
    Path archive =
        archive(
            "traversal.tar.gz",
            tar -> {
              file(tar, "snap/cluster/nodes.json", "{}");
              file(tar, "snap/../../escaped", "owned");
            });
    assertRefused(archive, SMALL, "entry 'snap/../../escaped'", "leads outside the archive (..)");
  }

  @Test
  void anAbsolutePathIsRefused() throws IOException {
    Path archive =
        archive(
            "absolute.tar.gz",
            tar -> {
              // the plain constructor strips a leading '/', as a well-behaved tar does; a hostile
              // one does not
              TarArchiveEntry entry = new TarArchiveEntry("/tmp/podnet-escaped", true);
              entry.setSize(5);
              tar.putArchiveEntry(entry);
              tar.write("owned".getBytes(java.nio.charset.StandardCharsets.UTF_8));
              tar.closeArchiveEntry();
            });
    assertRefused(archive, SMALL, "entry '/tmp/podnet-escaped'", "absolute path");
  }

  @Test
  void aSymlinkOutIsRefused() throws IOException {
    Path archive =
        archive(
            "symlink.tar.gz",
            tar -> {
              link(tar, "snap/cluster", "../../escaped", TarConstants.LF_SYMLINK);
              file(tar, "snap/cluster/nodes.json", "owned");
            });
    assertRefused(archive, SMALL, "entry 'snap/cluster'", "symbolic link (to '../../escaped')");
  }

  @Test
  void aHardlinkOutIsRefused() throws IOException {
    Path archive =
        archive(
            "hardlink.tar.gz",
            tar -> link(tar, "snap/passwd", "/etc/passwd", TarConstants.LF_LINK));
    assertRefused(archive, SMALL, "entry 'snap/passwd'", "hard link (to '/etc/passwd')");
  }

  @Test
  void aDeviceFileIsRefused() throws IOException {
    Path archive =
        archive(
            "device.tar.gz",
            tar -> {
              TarArchiveEntry entry = new TarArchiveEntry("snap/sda", TarConstants.LF_BLK);
              tar.putArchiveEntry(entry);
              tar.closeArchiveEntry();
            });
    assertRefused(archive, SMALL, "entry 'snap/sda'", "device file");
  }

  @Test
  void aDecompressionBombIsRefusedByItsDeclaredSize() throws IOException {
    assertThat(Files.size(bomb)).as("compressed size").isLessThan(2L << 20);
    Path copy = Files.copy(bomb, work.resolve("bomb.tar.gz"));
    assertRefused(
        copy,
        SMALL,
        "entry 'cluster/pods.json'",
        "declares 1073741824 bytes",
        "decompression bomb");
  }

  @Test
  void aDecompressionBombIsRefusedByItsRatioWhileReading() throws IOException {
    Path copy = Files.copy(bomb, work.resolve("bomb.tar.gz"));
    ArchiveLimits ratioOnly = new ArchiveLimits(4L << 30, 4L << 30, 100, 100);
    assertRefused(
        copy, ratioOnly, "entry 'cluster/pods.json'", "times its compressed size", "limit of 100");
  }

  @Test
  void tooManyEntriesAreRefused() throws IOException {
    Path archive =
        archive(
            "many.tar.gz",
            tar -> {
              for (int i = 0; i < 101; i++) {
                file(tar, "snap/f" + i, "x");
              }
            });
    assertRefused(archive, SMALL, "entry 'snap/f100'", "beyond the limit of 100 entries");
  }

  @Test
  void truncationIsRefused() throws IOException {
    byte[] whole =
        TestArchives.tarGz(
            tar -> {
              file(tar, "snap/cluster/nodes.json", "{\"kind\":\"List\",\"items\":[]}");
              file(tar, "snap/cluster/pods.json", "x".repeat(200_000) + Math.random());
            });
    Path archive = work.resolve("truncated.tar.gz");
    Files.write(archive, Arrays.copyOf(whole, whole.length / 2));
    assertRefused(archive, SMALL, "truncated archive");
  }

  @Test
  void aNameTwiceIsRefused() throws IOException {
    Path archive =
        archive(
            "twice.tar.gz",
            tar -> {
              file(tar, "snap/manifest.json", "{}");
              file(tar, "snap/manifest.json", "{\"evil\":true}");
            });
    assertRefused(archive, SMALL, "entry 'snap/manifest.json' appears twice");
  }

  @Test
  void anExistingTargetIsNeverWrittenInto() throws IOException {
    Path archive = archive("good.tar.gz", tar -> file(tar, "manifest.json", "{}"));
    Path target = Files.createDirectory(work.resolve("existing"));
    assertThatThrownBy(() -> SafeArchive.unpack(archive, target, SMALL))
        .hasMessageContaining("already exists");
    try (Stream<Path> inside = Files.list(target)) {
      assertThat(inside).isEmpty();
    }
  }

  @Test
  void streamingReadRefusesTheSameEntries() throws IOException {
    Path archive = archive("traversal.tar.gz", tar -> file(tar, "../escaped", "owned"));
    List<String> seen = new java.util.ArrayList<>();
    assertThatThrownBy(() -> SafeArchive.read(archive, SMALL, (path, content) -> seen.add(path)))
        .hasMessage(
            "traversal.tar.gz: entry '../escaped' leads outside the archive (..); archive refused");
    assertThat(seen).isEmpty();
  }
}
