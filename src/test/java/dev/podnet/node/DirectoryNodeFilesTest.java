package dev.podnet.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.check.Diagnosis;
import dev.podnet.check.Evidence;
import dev.podnet.model.RootCause;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node root on disk: live versus collected, execute bits from the file system, no escape. */
class DirectoryNodeFilesTest {

  @Test
  void aLiveRootReadsExecuteBitsFromTheDirectory(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("etc/cni/net.d"));
    Files.writeString(
        root.resolve("etc/cni/net.d/10-flannel.conflist"),
        Fixtures.config("flannel-10-flannel.conflist"));
    Files.createDirectories(root.resolve("run/flannel"));
    Files.writeString(root.resolve("run/flannel/subnet.env"), "FLANNEL_SUBNET=10.244.1.1/24\n");
    Path bin = Files.createDirectories(root.resolve("opt/cni/bin"));
    for (String plugin : List.of("flannel", "bridge", "host-local", "loopback", "portmap")) {
      Path file = Files.writeString(bin.resolve(plugin), "#!/bin/true\n");
      Files.setPosixFilePermissions(
          file,
          PosixFilePermissions.fromString(plugin.equals("bridge") ? "rw-r--r--" : "rwxr-xr-x"));
    }
    NodeFiles files = NodeFiles.directory(root);
    assertThat(files.live()).isTrue();
    assertThat(files.nodeName()).isEmpty();
    Diagnosis diagnosis = NodeInspector.inspect(files, NodeOptions.defaults());
    assertThat(diagnosis.source().kind()).isEqualTo("node-root");
    assertThat(diagnosis.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.cause()).isEqualTo(RootCause.CNI_BINARY_MISSING);
              assertThat(f.scope()).isEqualTo("node");
              assertThat(f.evidence())
                  .extracting(Evidence::text)
                  .contains("fork/exec /opt/cni/bin/bridge: permission denied");
            });
  }

  @Test
  void aSnapshotNodeFolderIsCollectedAndNamed(@TempDir Path snapshot) throws Exception {
    Path node = Files.createDirectories(snapshot.resolve("nodes/worker-7/etc/cni/net.d"));
    NodeFiles files = NodeFiles.directory(snapshot.resolve("nodes/worker-7"));
    assertThat(files.live()).isFalse();
    assertThat(files.nodeName()).contains("worker-7");
    assertThat(files.list("etc/cni/net.d")).contains(List.of());
    assertThat(node).exists();
  }

  @Test
  void pathsCannotLeaveTheRoot(@TempDir Path root) throws Exception {
    NodeFiles files = NodeFiles.directory(root);
    assertThatThrownBy(() -> files.read("../etc/passwd")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> files.list("/etc")).isInstanceOf(IOException.class);
  }

  @Test
  void entriesSortByRawBytes(@TempDir Path root) throws Exception {
    Path dir = Files.createDirectories(root.resolve("etc/cni/net.d"));
    for (String name : List.of("10-a.conflist", "10-B.conflist", "05-x.conf", "99-loopback.conf")) {
      Files.writeString(dir.resolve(name), "{}");
    }
    assertThat(NodeFiles.directory(root).list("etc/cni/net.d").orElseThrow())
        .extracting(NodeFiles.Entry::name)
        .containsExactly("05-x.conf", "10-B.conflist", "10-a.conflist", "99-loopback.conf");
  }
}
