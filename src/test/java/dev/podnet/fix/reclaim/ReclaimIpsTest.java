package dev.podnet.fix.reclaim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReclaimIps} on the real host-local layout of {@code examples/host-local-leak}: 13
 * reservations of network {@code lab-bridge}, 12 of sandboxes containerd no longer knows.
 */
class ReclaimIpsTest {
  static final Instant FIRST = Instant.parse("2026-11-20T10:00:00Z");
  static final Duration COOLDOWN = Duration.ofMinutes(10);
  static final String NETWORK_DIR = "var/lib/cni/networks/lab-bridge";

  /** The pod list of the example: only web-5c7b85cd99-pm8r4 holds a pod-network address. */
  static final PodHolders PODS =
      new PodHolders(Map.of("10.244.1.2", "demo/web-5c7b85cd99-pm8r4"), "snapshot-dir", 12, null);

  static ReclaimReport run(Path root, Instant now, boolean apply) throws ReclaimException {
    return ReclaimIps.run(
        new HostLocalDisk(root),
        "worker-1",
        root.resolve("sandboxes.json"),
        PODS,
        new ObservationStore(root.resolve("var/lib/podnet/reclaim")),
        COOLDOWN,
        apply,
        root.resolve("var/lib/podnet/reclaim/backups"),
        Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void readsTheReservationsAsHostLocalWroteThem(@TempDir Path temp) throws Exception {
    Path root = NodeTrees.copyExample(temp).resolve("nodes/worker-1");
    List<ReservationFile> files = new HostLocalDisk(root).reservations();
    assertThat(files).hasSize(13);
    assertThat(files.get(0).ip()).isEqualTo("10.244.1.2");
    assertThat(files.get(12).ip()).isEqualTo("10.244.1.14");
    assertThat(files.get(0).containerId())
        .isEqualTo("53430a9b6b688d635f07fcb1a8c379b32d357dd7df81754df7931d4e46027e7b");
    assertThat(files).allSatisfy(f -> assertThat(f.ifname()).isEqualTo("eth0"));
    assertThat(files)
        .extracting(ReservationFile::fileName)
        .doesNotContain("lock", "last_reserved_ip.0");
  }

  @Test
  void firstRunRecordsSecondRunReleasesRestorePutsBackExactly(@TempDir Path temp) throws Exception {
    Path root = NodeTrees.copyExample(temp).resolve("nodes/worker-1");
    Map<String, String> before = NodeTrees.contents(root.resolve(NETWORK_DIR));

    ReclaimReport first = run(root, FIRST, true);
    assertThat(first.count(Verdict.IN_USE)).isEqualTo(1);
    assertThat(first.count(Verdict.WAITING)).isEqualTo(12);
    assertThat(first.backup()).isNull();
    assertThat(first.exitCode()).isEqualTo(1);
    assertThat(first.plan().nextRelease()).contains(FIRST.plus(COOLDOWN));
    assertThat(NodeTrees.contents(root.resolve(NETWORK_DIR))).isEqualTo(before);

    ReclaimReport dryRun = run(root, FIRST.plus(COOLDOWN), false);
    assertThat(dryRun.count(Verdict.RELEASABLE)).isEqualTo(12);
    assertThat(dryRun.exitCode()).isEqualTo(1);
    assertThat(NodeTrees.contents(root.resolve(NETWORK_DIR))).isEqualTo(before);

    ReclaimReport applied = run(root, FIRST.plus(COOLDOWN).plusSeconds(30), true);
    assertThat(applied.count(Verdict.RELEASED)).isEqualTo(12);
    assertThat(applied.exitCode()).isZero();
    assertThat(NodeTrees.names(root.resolve(NETWORK_DIR)))
        .containsExactly("10.244.1.2", "last_reserved_ip.0", "lock");
    Path backup = Path.of(applied.backup());
    assertThat(backup.getFileName().toString()).isEqualTo("20261120-101030");
    assertThat(NodeTrees.names(backup.resolve("lab-bridge"))).hasSize(12);
    String manifest = Files.readString(backup.resolve("manifest.json"), StandardCharsets.UTF_8);
    assertThat(manifest)
        .contains(
            "\"node\" : \"worker-1\"",
            "d22ac101d964ab07579806161d16f965877a7d1205602ec8d80d300f1a0b1a75");
    assertThat(
            new ObservationStore(root.resolve("var/lib/podnet/reclaim"))
                .load("worker-1")
                .sightings())
        .isEmpty();

    HostLocalDisk disk = new HostLocalDisk(root);
    HostLocalDisk.RestorePlan plan = disk.planRestore(backup);
    assertThat(plan.toRestore()).hasSize(12);
    disk.restore(plan);
    assertThat(NodeTrees.contents(root.resolve(NETWORK_DIR))).isEqualTo(before);
    assertThat(Files.exists(backup)).isFalse();
  }

  @Test
  void restoreIsRefusedWhenAnAddressWasReservedAgain(@TempDir Path temp) throws Exception {
    Path root = NodeTrees.copyExample(temp).resolve("nodes/worker-1");
    run(root, FIRST, true);
    ReclaimReport applied = run(root, FIRST.plus(COOLDOWN), true);
    Path backup = Path.of(applied.backup());
    Path again = root.resolve(NETWORK_DIR).resolve("10.244.1.7");
    Files.writeString(again, "f".repeat(64) + "\r\neth0");
    Map<String, String> afterReuse = NodeTrees.contents(root.resolve(NETWORK_DIR));
    Map<String, String> backupBefore = NodeTrees.contents(backup);

    HostLocalDisk disk = new HostLocalDisk(root);
    assertThatThrownBy(() -> disk.planRestore(backup))
        .isInstanceOf(ReclaimException.class)
        .hasMessageContaining("10.244.1.7 of network lab-bridge has been reserved again since")
        .hasMessageContaining("held by container ffffffffffff")
        .hasMessageEndingWith("nothing was restored")
        .message()
        .doesNotContain("\n");
    assertThat(NodeTrees.contents(root.resolve(NETWORK_DIR))).isEqualTo(afterReuse);
    assertThat(NodeTrees.contents(backup)).isEqualTo(backupBefore);
  }

  @Test
  void aFileWhoseContentChangedAfterReadingIsNotMoved(@TempDir Path temp) throws Exception {
    Path root = NodeTrees.copyExample(temp).resolve("nodes/worker-1");
    run(root, FIRST, true);
    HostLocalDisk disk = new HostLocalDisk(root);
    List<ReservationFile> files =
        disk.reservations().stream().filter(f -> !f.ip().equals("10.244.1.2")).toList();
    Path changed = root.resolve(NETWORK_DIR).resolve("10.244.1.9");
    Files.writeString(changed, "a".repeat(64) + "\r\neth0");
    HostLocalDisk.Released released =
        disk.release(files, root.resolve("backups"), "worker-1", FIRST.plus(COOLDOWN));
    assertThat(released.released()).hasSize(11);
    assertThat(released.changed()).containsOnlyKeys(NETWORK_DIR + "/10.244.1.9");
    assertThat(Files.readString(changed)).startsWith("aaaa");
    assertThat(disk.planRestore(released.backup()).toRestore()).hasSize(11);
  }

  @Test
  void aMoveThatFailsMidwayPutsBackWhatWasMoved(@TempDir Path temp) throws Exception {
    Path root = NodeTrees.copyExample(temp).resolve("nodes/worker-1");
    Map<String, String> before = NodeTrees.contents(root.resolve(NETWORK_DIR));
    int[] moves = {0};
    HostLocalDisk disk =
        new HostLocalDisk(
            root,
            (from, to) -> {
              if (++moves[0] == 6) {
                throw new IOException("No space left on device");
              }
              Files.move(from, to);
            });
    List<ReservationFile> files =
        disk.reservations().stream().filter(f -> !f.ip().equals("10.244.1.2")).toList();
    Path backups = root.resolve("backups");
    assertThatThrownBy(
            () -> disk.release(files, backups, "worker-1", Instant.parse("2026-11-20T10:10:00Z")))
        .isInstanceOf(ReclaimException.class)
        .hasMessageContaining("cannot be moved")
        .hasMessageContaining("No space left on device")
        .hasMessageContaining("the 5 file(s) moved before were put back");
    assertThat(NodeTrees.contents(root.resolve(NETWORK_DIR))).isEqualTo(before);
    assertThat(NodeTrees.contents(backups)).containsOnlyKeys("/");
  }
}
