package dev.podnet.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import dev.podnet.cli.Main;
import dev.podnet.testing.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diagnose --snapshot x.tar.gz} against hostile archives: a decompression bomb, over-long
 * entries, too many entries, links, truncation. Each is refused with one line naming the archive
 * and the entry (exit 4 through the CLI), and nothing is written: the archive's folder holds only
 * the archive afterwards, and the classes that read it call no file-writing API at all.
 */
class HostileSnapshotArchiveTest {
  private static final String LIST_START = "{\"kind\":\"List\",\"items\":[";
  private static final String NODES =
      "{\"kind\":\"List\",\"items\":[{\"kind\":\"Node\",\"metadata\":{\"name\":\"worker-1\"}}]}";

  /** Small limits, so the tests need no gigabytes: 8 MiB in all, 1 MiB per entry, 20 entries. */
  private static final ArchiveLimits SMALL = new ArchiveLimits(8L << 20, 1L << 20, 20, 200);

  @TempDir Path dir;

  // ---- archives -------------------------------------------------------------------------------

  @FunctionalInterface
  interface Body {
    void write(TarArchiveOutputStream tar) throws IOException;
  }

  private Path tarGz(String name, Body body) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file);
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      body.write(tar);
    }
    return file;
  }

  private static void file(TarArchiveOutputStream tar, String name, String content)
      throws IOException {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(data.length);
    tar.putArchiveEntry(entry);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  /** Text that compresses like real data, not like a bomb: seeded hex digits. */
  private static String noise(int length, long seed) {
    java.util.Random random = new java.util.Random(seed);
    StringBuilder text = new StringBuilder(length);
    while (text.length() < length) {
      text.append(Character.forDigit(random.nextInt(16), 16));
    }
    return text.toString();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }

  /**
   * A {@code .tar.gz} whose one entry holds {@code size} bytes of {@code fill}, between an optional
   * prefix and suffix, written as it goes: gzip members, each 16 MiB of the fill compressed once
   * and repeated (a reader decompresses concatenated members as one stream). 2 GiB take about 2 MB
   * and a fraction of a second to write.
   */
  private Path bomb(
      String name, String entryName, long size, byte fill, String prefix, String suffix)
      throws IOException {
    byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
    byte[] tail = suffix.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(entryName);
    entry.setSize(size);
    byte[] header = new byte[512];
    entry.writeEntryHeader(header);
    int chunk = 16 << 20;
    byte[] block = new byte[chunk];
    Arrays.fill(block, fill);
    byte[] member = gzip(block);
    long fillBytes = size - head.length - tail.length;
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      ByteArrayOutputStream first = new ByteArrayOutputStream();
      first.write(header);
      first.write(head);
      out.write(gzip(first.toByteArray()));
      long left = fillBytes;
      for (; left >= chunk; left -= chunk) {
        out.write(member);
      }
      ByteArrayOutputStream last = new ByteArrayOutputStream();
      last.write(Arrays.copyOf(block, (int) left));
      last.write(tail);
      long written = 512 + size;
      long padded = (written + 511) / 512 * 512 + 1024;
      long record = (padded + 10239) / 10240 * 10240;
      last.write(new byte[(int) (record - written)]);
      out.write(gzip(last.toByteArray()));
    }
    return file;
  }

  // ---- running -------------------------------------------------------------------------------

  private static CliRun diagnose(Path archive) {
    return CliRun.run("diagnose", "--snapshot", archive.toString());
  }

  private static void read(Path archive, ArchiveLimits limits) throws SourceException {
    new SnapshotArchiveSource(archive, limits).read(ModelBuilder.queries(), (resource, item) -> {});
  }

  /** Through the CLI: exit 4, nothing on stdout, one line on stderr with these parts. */
  private void assertDiagnoseRefuses(Path archive, String... parts) throws IOException {
    Set<Path> before = listing();
    CliRun run = diagnose(archive);
    assertThat(run.exitCode()).as(run.err()).isEqualTo(Main.SOURCE_UNREADABLE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith("podnet: " + archive.getFileName() + ": ")
        .endsWith("\n")
        .contains(parts)
        .doesNotContain("Exception", "\tat ");
    assertThat(run.err().strip()).doesNotContain("\n");
    assertThat(listing()).as("nothing written beside the archive").isEqualTo(before);
  }

  /** Through the source with the small limits: one line with these parts, nothing written. */
  private void assertRefused(Path archive, String... parts) throws IOException {
    Set<Path> before = listing();
    assertThatThrownBy(() -> read(archive, SMALL))
        .isInstanceOf(SourceException.class)
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .startsWith(archive.getFileName() + ": ")
                    .doesNotContain("\n")
                    .contains(parts));
    assertThat(listing()).as("nothing written beside the archive").isEqualTo(before);
  }

  private Set<Path> listing() throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return Set.copyOf(all.toList());
    }
  }

  // ---- the bomb ------------------------------------------------------------------------------

  @Test
  void twoGibOfWhitespaceInsideAListIsRefusedAsABombWithinItsFirstMegabytes() throws IOException {
    Path archive =
        bomb("bomb.tar.gz", "snap/cluster/pods.json", 2L << 30, (byte) ' ', LIST_START, "]}");
    assertThat(Files.size(archive)).as("compressed size").isLessThan(4L << 20);
    long started = System.nanoTime();
    assertDiagnoseRefuses(
        archive,
        "entry 'snap/cluster/pods.json' expands ",
        "times its compressed size, beyond the limit of 200 (a decompression bomb?); archive refused");
    assertThat((System.nanoTime() - started) / 1_000_000)
        .as("milliseconds: refused early, not after 2 GiB")
        .isLessThan(20_000);
  }

  @Test
  void twoGibOfZerosInAnEntryNobodyReadsIsRefusedToo() throws IOException {
    Path archive =
        bomb("zeros.tar.gz", "nodes/worker-1/logs/kubelet.log", 2L << 30, (byte) 0, "", "");
    assertDiagnoseRefuses(
        archive, "entry 'nodes/worker-1/logs/kubelet.log' expands ", "(a decompression bomb?)");
  }

  @Test
  void podnetNodeReadsTheArchiveThroughTheSameLimits() throws IOException {
    Path archive =
        bomb("node-bomb.tar.gz", "nodes/worker-1/logs/kubelet.log", 2L << 30, (byte) 0, "", "");
    Set<Path> before = listing();
    CliRun run = CliRun.run("node", "--snapshot", archive.toString(), "--node", "worker-1");
    int code = run.exitCode();
    String error = run.err();
    assertThat(code).as(error).isEqualTo(Main.SOURCE_UNREADABLE);
    assertThat(error)
        .contains("entry 'nodes/worker-1/logs/kubelet.log' expands ", "(a decompression bomb?)")
        .doesNotContain("Exception", "\tat ");
    assertThat(error.strip()).doesNotContain("\n");
    assertThat(listing()).as("nothing written beside the archive").isEqualTo(before);
  }

  @Test
  void aBombBeyondTheTotalLimitIsRefusedByItsDeclaredSize() throws IOException {
    Path archive =
        bomb("declared.tar.gz", "cluster/pods.json", 64L << 20, (byte) ' ', LIST_START, "]}");
    assertRefused(
        archive,
        "entry 'cluster/pods.json' declares 67108864 bytes, beyond the limit of 8388608 uncompressed bytes (a decompression bomb?); archive refused");
  }

  @Test
  void manyEntriesTogetherBeyondTheTotalAreRefusedWhileReading() throws IOException {
    Path archive =
        tarGz(
            "total.tar.gz",
            tar -> {
              for (int i = 0; i < 12; i++) {
                file(tar, "nodes/worker-1/logs/part-" + i + ".log", noise(900_000, i));
              }
            });
    assertRefused(
        archive,
        "entry 'nodes/worker-1/logs/part-",
        "beyond the limit of 8388608 uncompressed bytes (a decompression bomb?)");
  }

  // ---- over-long entries and too many ---------------------------------------------------------

  @Test
  void anEntryLargerThanThePerEntryLimitIsRefused() throws IOException {
    Path archive = tarGz("long.tar.gz", tar -> file(tar, "cluster/events.json", noise(2 << 20, 2)));
    assertRefused(
        archive,
        "entry 'cluster/events.json' declares 2097152 bytes, beyond the limit of 1048576 bytes per entry (an over-long entry); archive refused");
  }

  @Test
  void aNameLongerThanPathMaxIsRefused() throws IOException {
    String name = "cluster/" + "n".repeat(5000) + ".json";
    Path archive = tarGz("name.tar.gz", tar -> file(tar, name, "{}"));
    assertDiagnoseRefuses(
        archive,
        "entry 'cluster/nnn",
        "...' has a name of 5013 characters, beyond the limit of 4096");
  }

  @Test
  void aPaxHeaderOfTwoMegabytesIsRefusedBeforeItIsHeld() throws IOException {
    Path archive =
        tarGz(
            "pax.tar.gz",
            tar -> {
              file(tar, "cluster/nodes.json", NODES);
              TarArchiveEntry entry = new TarArchiveEntry("cluster/pods.json");
              entry.addPaxHeader("podnet.padding", noise(2 << 20, 1));
              entry.setSize(2);
              tar.putArchiveEntry(entry);
              tar.write("{}".getBytes(StandardCharsets.UTF_8));
              tar.closeArchiveEntry();
            });
    assertDiagnoseRefuses(
        archive,
        "entry after 'cluster/nodes.json' has headers (long name or PAX records) beyond 1048576 bytes (an over-long entry)");
  }

  @Test
  void tooManyEntriesAreRefused() throws IOException {
    Path archive =
        tarGz(
            "many.tar.gz",
            tar -> {
              for (int i = 0; i < 21; i++) {
                file(tar, "nodes/worker-1/etc/cni/net.d/" + i + ".conf", "{}");
              }
            });
    assertRefused(
        archive, "entry 'nodes/worker-1/etc/cni/net.d/20.conf' is beyond the limit of 20 entries");
  }

  // ---- hostile names and types --------------------------------------------------------------

  @Test
  void aSymlinkIsRefusedWhereItWasSkippedBefore() throws IOException {
    Path archive =
        tarGz(
            "link.tar.gz",
            tar -> {
              TarArchiveEntry link =
                  new TarArchiveEntry("cluster/nodes.json", TarConstants.LF_SYMLINK);
              link.setLinkName("/etc/shadow");
              tar.putArchiveEntry(link);
              tar.closeArchiveEntry();
            });
    assertDiagnoseRefuses(
        archive, "entry 'cluster/nodes.json' is a symbolic link (to '/etc/shadow')");
  }

  @Test
  void aNameWithANewlineStaysOneLine() throws IOException {
    Path archive = tarGz("newline.tar.gz", tar -> file(tar, "cluster/a\nb.json", "{}"));
    assertDiagnoseRefuses(archive, "entry 'cluster/a?b.json' has a NUL or control character");
  }

  // ---- truncation ----------------------------------------------------------------------------

  private Path bigNodes(String name) throws IOException {
    StringBuilder big = new StringBuilder(LIST_START);
    for (int i = 0; i < 10_000; i++) {
      big.append(i == 0 ? "" : ",")
          .append("{\"kind\":\"Node\",\"metadata\":{\"name\":\"node-")
          .append(Integer.toHexString(i * 7919))
          .append("\"}}");
    }
    String content = big.append("]}").toString();
    return tarGz(name, tar -> file(tar, "cluster/nodes.json", content));
  }

  @Test
  void aGzipCutInsideAnEntryIsTruncation() throws IOException {
    byte[] whole = Files.readAllBytes(bigNodes("whole.tar.gz"));
    Files.delete(dir.resolve("whole.tar.gz"));
    Path cut = Files.write(dir.resolve("cut.tar.gz"), Arrays.copyOf(whole, whole.length / 2));
    assertDiagnoseRefuses(
        cut,
        "cut.tar.gz: truncated archive at entry 'cluster/nodes.json' (unexpected end of data)");
  }

  @Test
  void aGzipWithoutItsTrailerIsTruncation() throws IOException {
    byte[] whole =
        Files.readAllBytes(tarGz("whole.tar.gz", tar -> file(tar, "cluster/nodes.json", NODES)));
    Files.delete(dir.resolve("whole.tar.gz"));
    Path cut = Files.write(dir.resolve("trailer.tar.gz"), Arrays.copyOf(whole, whole.length - 6));
    assertDiagnoseRefuses(cut, "trailer.tar.gz: truncated archive", "(unexpected end of data)");
  }

  @Test
  void aPlainTarCutAtABlockBoundaryIsTruncation() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      file(tar, "cluster/nodes.json", NODES);
      file(tar, "cluster/pods.json", "{\"kind\":\"List\",\"items\":[]}");
    }
    byte[] whole = bytes.toByteArray();
    // header + one block of data: the first entry whole, then nothing, no end-of-archive record
    Path cut = Files.write(dir.resolve("cut.tar"), Arrays.copyOf(whole, 1024));
    assertDiagnoseRefuses(
        cut,
        "cut.tar: truncated archive after entry 'cluster/nodes.json' (unexpected end of data)");
  }

  @Test
  void theSameArchiveWholeIsRead() throws Exception {
    Path archive = bigNodes("whole.tar.gz");
    List<String> names = new java.util.ArrayList<>();
    new SnapshotArchiveSource(archive, SMALL)
        .read(
            ModelBuilder.queries(),
            (resource, item) -> names.add(item.path("metadata").path("name").asText()));
    assertThat(names).hasSize(10_000);
    CliRun run = diagnose(archive);
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains("10000 nodes");
  }

  // ---- nothing written, by construction -----------------------------------------------------

  @Test
  void theArchiveReadersCallNoFileWritingApi() {
    JavaClasses classes =
        new ClassFileImporter()
            .importClasses(
                Stream.of(
                        ArchiveReader.class,
                        SnapshotArchiveSource.class,
                        KubeListReader.class,
                        Manifest.class)
                    .flatMap(
                        type ->
                            Stream.concat(Stream.of(type), Stream.of(type.getDeclaredClasses())))
                    .toList());
    DescribedPredicate<JavaCall<?>> writes =
        DescribedPredicate.describe(
            "a file-writing API",
            call -> {
              String owner = call.getTargetOwner().getName();
              String method = call.getName();
              return (owner.equals(Files.class.getName())
                      && method.matches(
                          "write.*|copy|move|create.*|newOutputStream|newBufferedWriter|newByteChannel|delete.*"))
                  || owner.equals(java.io.FileOutputStream.class.getName())
                  || owner.equals(java.io.RandomAccessFile.class.getName())
                  || owner.equals(java.io.FileWriter.class.getName())
                  || owner.equals(java.io.File.class.getName());
            });
    ArchRuleDefinition.noClasses().should().callCodeUnitWhere(writes).check(classes);
  }
}
