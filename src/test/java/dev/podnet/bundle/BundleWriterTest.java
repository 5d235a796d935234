package dev.podnet.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.source.RawListCopier;
import dev.podnet.source.SourceException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle is written all or nothing, and never over an existing file unless asked to. */
class BundleWriterTest {
  @TempDir Path dir;

  private Stream<String> left() throws IOException {
    return Files.list(dir).map(p -> p.getFileName().toString());
  }

  @Test
  void aCommittedBundleHoldsItsEntriesAndNothingElseIsLeft() throws IOException {
    Path out = dir.resolve("x.tar.gz");
    try (BundleWriter writer = BundleWriter.create(out, false)) {
      writer.add("manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
      try (OutputStream entry = writer.newEntry("cluster/nodes.json")) {
        entry.write("{\"items\":[]}".getBytes(StandardCharsets.UTF_8));
      }
      BundleWriter.Entry dropped =
          writer.newEntry("cluster/crds/ippools.crd.projectcalico.org.json");
      dropped.write("half".getBytes(StandardCharsets.UTF_8));
      dropped.discard();
      writer.commit();
    }
    assertThat(TestArchives.read(out)).containsOnlyKeys("manifest.json", "cluster/nodes.json");
    assertThat(left()).containsExactly("x.tar.gz");
  }

  @Test
  void aWriterThatFailsLeavesNoFile() throws IOException {
    Path out = dir.resolve("x.tar.gz");
    assertThatThrownBy(
            () -> {
              try (BundleWriter writer = BundleWriter.create(out, false)) {
                writer.add("manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
                try (OutputStream entry = writer.newEntry("cluster/pods.json")) {
                  entry.write(new byte[100_000]);
                  throw new IOException("disk full");
                }
              }
            })
        .hasMessage("disk full");
    assertThat(left()).isEmpty();
  }

  @Test
  void aCollectionThatFailsLeavesNoFile() {
    Path out = dir.resolve("x.tar.gz");
    Config unreachable =
        new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").withTrustCerts(true).build();
    try (RawListCopier lists = RawListCopier.of(unreachable, 50, 5)) {
      BundleCollector collector =
          new BundleCollector(
              lists,
              null,
              new Redactor(new byte[] {1}),
              Clock.systemUTC(),
              Progress.silent(),
              note -> {});
      assertThatThrownBy(
              () ->
                  collector.collect(
                      new BundleCollector.Request(out, false, Narrowing.none(), "test")))
          .isInstanceOf(SourceException.class)
          .hasMessageStartingWith("cannot reach the API server https://127.0.0.1:1");
    }
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void anExistingFileIsKeptWithoutForceAndReplacedWithIt() throws IOException {
    Path out = dir.resolve("x.tar.gz");
    Files.writeString(out, "precious");
    assertThatThrownBy(() -> BundleWriter.create(out, false))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("already exists; pass --force");
    assertThat(out).hasContent("precious");

    try (BundleWriter writer = BundleWriter.create(out, true)) {
      writer.add("manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
      writer.commit();
    }
    assertThat(TestArchives.read(out)).containsOnlyKeys("manifest.json");
    assertThat(left()).containsExactly("x.tar.gz");
  }

  @Test
  void aFileThatAppearsMeanwhileIsNotReplaced() throws IOException {
    Path out = dir.resolve("x.tar.gz");
    try (BundleWriter writer = BundleWriter.create(out, false)) {
      writer.add("manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
      Files.writeString(out, "someone else's");
      assertThatThrownBy(writer::commit).isInstanceOf(FileAlreadyExistsException.class);
    }
    assertThat(out).hasContent("someone else's");
    assertThat(left()).containsExactly("x.tar.gz");
  }
}
