package dev.podnet.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.node.ConfigSelection.DirEntry;
import dev.podnet.node.ConfigSelection.FileStatus;
import dev.podnet.node.ConfigSelection.Status;
import dev.podnet.node.NodeOptions.Runtime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The cases of shared/reference/cni-config-and-messages.md sections 1 and 4, each on the same
 * directory for containerd (go-cni) and CRI-O (ocicni), with the real configs.
 */
class ConfigSelectionTest {
  static final String FLANNEL = Fixtures.config("flannel-10-flannel.conflist");
  static final String CALICO = Fixtures.calicoRendered();
  static final String CILIUM = Fixtures.ciliumRendered();
  static final String MULTUS = Fixtures.config("multus-00-multus.conf");

  static DirEntry file(String name, String content) {
    return new DirEntry(name, false, content);
  }

  static ConfigSelection containerd(DirEntry... entries) {
    return ConfigSelection.select(List.of(entries), Runtime.CONTAINERD, 1, c -> Optional.empty());
  }

  static ConfigSelection crio(DirEntry... entries) {
    return ConfigSelection.select(List.of(entries), Runtime.CRIO, 1, c -> Optional.empty());
  }

  static FileStatus status(ConfigSelection selection, String name) {
    return selection.files().stream()
        .filter(f -> f.fileName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void invalidFirstFileBreaksContainerdButCrioSkipsIt() {
    DirEntry[] dir = {
      file("10-calico.conflist", Fixtures.config("calico-10-calico.conflist.template")),
      file("10-flannel.conflist", FLANNEL)
    };
    ConfigSelection containerd = containerd(dir);
    assertThat(containerd.loaded()).isEmpty();
    assertThat(containerd.failure())
        .get()
        .extracting(ConfigSelection.Failure::error)
        .isEqualTo(
            "failed to load CNI config list file /etc/cni/net.d/10-calico.conflist: error parsing configuration"
                + " list: invalid character '_' looking for beginning of value: invalid cni config");
    assertThat(status(containerd, "10-flannel.conflist").status()).isEqualTo(Status.IGNORED);

    ConfigSelection crio = crio(dir);
    assertThat(crio.loaded())
        .extracting(CniConfig::fileName)
        .containsExactly("10-flannel.conflist");
    assertThat(status(crio, "10-calico.conflist").statusText())
        .startsWith("invalid: skipped by CRI-O: error parsing configuration list");
  }

  @Test
  void staleEarlierFileWinsInBoth() {
    DirEntry[] dir = {file("10-calico.conflist", CALICO), file("05-cilium.conflist", CILIUM)};
    for (ConfigSelection selection : List.of(containerd(dir), crio(dir))) {
      assertThat(selection.loaded())
          .extracting(CniConfig::fileName)
          .containsExactly("05-cilium.conflist");
      assertThat(status(selection, "10-calico.conflist").reason())
          .startsWith("stale: a calico config beside the loaded cilium-cni one");
      assertThat(selection.files())
          .extracting(FileStatus::fileName)
          .containsExactly("05-cilium.conflist", "10-calico.conflist");
    }
  }

  @Test
  void renamedFilesAreSeenByNoRuntime() {
    DirEntry[] dir = {
      file("10-calico.conflist.cilium_bak", CALICO),
      file("05-cilium.conf.cilium_bak", Fixtures.config("cilium-05-cilium-cni.conf")),
      file("10-flannel.conflist.bak", FLANNEL)
    };
    for (ConfigSelection selection : List.of(containerd(dir), crio(dir))) {
      assertThat(selection.loaded()).isEmpty();
      assertThat(selection.failure()).isEmpty();
      assertThat(selection.files()).allMatch(f -> f.status() == Status.IGNORED);
      assertThat(status(selection, "10-calico.conflist.cilium_bak").reason())
          .contains("cni.exclusive");
      assertThat(status(selection, "05-cilium.conf.cilium_bak").reason())
          .contains("legacy 05-cilium.conf");
      assertThat(status(selection, "10-flannel.conflist.bak").reason())
          .isEqualTo("extension .bak is not .conf, .conflist or .json");
      // parsed for show: the table still says what the renamed file was
      assertThat(status(selection, "10-calico.conflist.cilium_bak").config().types())
          .containsExactly("calico", "portmap");
    }
  }

  @Test
  void extensionsAreCaseSensitiveAndUppercaseSortsFirst() {
    DirEntry[] dir = {
      file("10-a.conflist", FLANNEL), file("10-B.conflist", CALICO), file("05-x.CONF", CILIUM)
    };
    for (ConfigSelection selection : List.of(containerd(dir), crio(dir))) {
      assertThat(selection.loaded())
          .extracting(CniConfig::fileName)
          .containsExactly("10-B.conflist");
      assertThat(status(selection, "05-x.CONF").reason())
          .startsWith("extension .CONF: runtimes match");
      assertThat(selection.files())
          .extracting(FileStatus::fileName)
          .containsExactly("05-x.CONF", "10-B.conflist", "10-a.conflist");
    }
  }

  @Test
  void multusSortsFirstAndWrapsTheNetworkItCopied() {
    String copied = MULTUS.replace("cnitesttype", "flannel");
    ConfigSelection same =
        containerd(file("00-multus.conf", copied), file("10-flannel.conflist", FLANNEL));
    assertThat(same.loaded()).extracting(CniConfig::fileName).containsExactly("00-multus.conf");
    assertThat(status(same, "10-flannel.conflist").reason()).startsWith("wrapped by Multus");

    ConfigSelection stale =
        containerd(file("00-multus.conf", MULTUS), file("10-flannel.conflist", FLANNEL));
    assertThat(status(stale, "10-flannel.conflist").reason())
        .startsWith("stale: a flannel config beside the loaded cnitesttype one");
  }

  @Test
  void typelessConfFirst() {
    DirEntry[] dir = {
      file("00-typeless.conf", "{\"cniVersion\":\"0.3.1\",\"name\":\"t\"}"),
      file("10-flannel.conflist", FLANNEL)
    };
    assertThat(containerd(dir).failure())
        .get()
        .extracting(ConfigSelection.Failure::error)
        .isEqualTo("network type not found in /etc/cni/net.d/00-typeless.conf: invalid cni config");
    ConfigSelection crio = crio(dir);
    assertThat(crio.loaded())
        .extracting(CniConfig::fileName)
        .containsExactly("10-flannel.conflist");
    assertThat(status(crio, "00-typeless.conf").reason()).isEqualTo("skipped by CRI-O: no 'type'");
  }

  @Test
  void conflistWithoutPluginsFirst() {
    DirEntry[] dir = {
      file("00-empty.conflist", "{\"name\":\"e\",\"cniVersion\":\"1.0.0\"}"),
      file("10-calico.conflist", CALICO)
    };
    assertThat(containerd(dir).failure())
        .get()
        .extracting(ConfigSelection.Failure::error)
        .isEqualTo(
            "failed to load CNI config list file /etc/cni/net.d/00-empty.conflist: error parsing configuration list:"
                + " no plugins in list: invalid cni config");
    assertThat(crio(dir).loaded())
        .extracting(CniConfig::fileName)
        .containsExactly("10-calico.conflist");
  }

  @Test
  void containerdStopsBeforeFilesItDoesNotNeed() {
    // the invalid file sorts after the first one: containerd (max_conf_num 1) never reads it
    ConfigSelection selection =
        containerd(file("10-calico.conflist", CALICO), file("20-broken.conflist", "{"));
    assertThat(selection.loaded())
        .extracting(CniConfig::fileName)
        .containsExactly("10-calico.conflist");
    assertThat(status(selection, "20-broken.conflist").reason()).contains("also invalid");
  }

  @Test
  void maxConfNumTwoLoadsTwoAndFailsOnTheSecondIfInvalid() {
    List<DirEntry> dir =
        List.of(file("10-calico.conflist", CALICO), file("20-broken.conflist", "{"));
    ConfigSelection selection =
        ConfigSelection.select(dir, Runtime.CONTAINERD, 2, c -> Optional.empty());
    assertThat(selection.loaded()).isEmpty();
    assertThat(selection.failure())
        .get()
        .extracting(f -> f.file().fileName())
        .isEqualTo("20-broken.conflist");
    assertThat(status(selection, "10-calico.conflist").reason())
        .startsWith("would load, but containerd's load failed");
  }

  @Test
  void crioIgnoresADuplicateNetworkName() {
    ConfigSelection selection =
        crio(file("10-flannel.conflist", FLANNEL), file("20-flannel-copy.conflist", FLANNEL));
    assertThat(status(selection, "20-flannel-copy.conflist").reason())
        .isEqualTo("network name \"cbr0\" already loaded from 10-flannel.conflist");
  }

  @Test
  void crioSkipsAConfigWhosePluginIsMissing() {
    List<DirEntry> dir =
        List.of(file("05-cilium.conflist", CILIUM), file("10-calico.conflist", CALICO));
    ConfigSelection selection =
        ConfigSelection.select(
            dir,
            Runtime.CRIO,
            1,
            c -> c.types().contains("cilium-cni") ? Optional.of("cilium-cni") : Optional.empty());
    assertThat(selection.loaded())
        .extracting(CniConfig::fileName)
        .containsExactly("10-calico.conflist");
    assertThat(status(selection, "05-cilium.conflist").reason())
        .isEqualTo("skipped by CRI-O: failed to find plugin \"cilium-cni\" in path [/opt/cni/bin]");
  }

  @Test
  void subdirectoriesAreSkipped() {
    ConfigSelection selection =
        containerd(
            new DirEntry("00-dir.conflist", true, null), file("10-flannel.conflist", FLANNEL));
    assertThat(status(selection, "00-dir.conflist").reason()).startsWith("directory");
    assertThat(selection.loaded())
        .extracting(CniConfig::fileName)
        .containsExactly("10-flannel.conflist");
  }

  @Test
  void theFixturesSortAsTheReferenceSays() {
    DirEntry[] dir = {
      file(
          "10-weave.conflist",
          Fixtures.config("weave-10-weave.conflist.template").replace("$2", "true")),
      file("10-flannel.conflist", FLANNEL),
      file("10-calico.conflist", CALICO),
      file("10-aws.conflist", Fixtures.config("aws-vpc-cni-10-aws.conflist")),
      file("05-cilium.conflist", CILIUM),
      file("00-multus.conf", MULTUS)
    };
    ConfigSelection selection = containerd(dir);
    assertThat(selection.files())
        .extracting(FileStatus::fileName)
        .containsExactly(
            "00-multus.conf",
            "05-cilium.conflist",
            "10-aws.conflist",
            "10-calico.conflist",
            "10-flannel.conflist",
            "10-weave.conflist");
    assertThat(selection.loaded())
        .extracting(CniConfig::fileName)
        .containsExactly("00-multus.conf");
  }
}
