package dev.podnet.fix.reclaim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random node states and run schedules (seeded; the seed is printed on failure): reservations of
 * running, stopped and vanished sandboxes, pods in the API holding addresses, stale sandbox lists,
 * an API that cannot be read, cooldowns, runs with and without {@code --apply} at random times.
 * After every run: no address a ready sandbox or an API pod holds was released; nothing was
 * released without an earlier observation, at least the cooldown before, that saw the same
 * container id leaked; no file was lost. At the end, restoring every backup gives back the original
 * directories exactly (names, bytes, permissions, times).
 */
class ReclaimPropertyTest {
  static final int SCENARIOS = 300;
  static final long BASE_SEED = 0x5eed_2026_1120L;
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  static final List<Duration> COOLDOWNS =
      List.of(
          Duration.ZERO,
          Duration.ofMinutes(1),
          Duration.ofMinutes(5),
          Duration.ofMinutes(10),
          Duration.ofMinutes(30));

  int released;
  int restored;
  int runs;

  @Test
  void guardsHoldAndRestoreIsExact(@TempDir Path temp) throws Exception {
    for (int scenario = 0; scenario < SCENARIOS; scenario++) {
      long seed = BASE_SEED + scenario;
      try {
        scenario(new Random(seed), Files.createDirectory(temp.resolve("s" + scenario)));
      } catch (AssertionError | Exception e) {
        throw new AssertionError("scenario with seed " + seed + " failed: " + e.getMessage(), e);
      }
    }
    System.out.printf(
        "reclaim property: %d scenarios, %d runs, %d files released, %d restored%n",
        SCENARIOS, runs, released, restored);
    assertThat(released).as("the schedules must release something").isGreaterThan(100);
    assertThat(restored).isEqualTo(released);
  }

  /** What the test knows about one reservation it created. */
  record Made(String path, String ip, String containerId) {}

  private void scenario(Random random, Path root) throws Exception {
    List<String> networks = random.nextBoolean() ? List.of("cbr0") : List.of("cbr0", "mynet");
    List<Made> made = new ArrayList<>();
    Set<String> usedIps = new HashSet<>();
    for (String network : networks) {
      Path dir = Files.createDirectories(root.resolve("var/lib/cni/networks").resolve(network));
      Files.writeString(dir.resolve("lock"), "");
      int count = 1 + random.nextInt(15);
      String last = null;
      for (int i = 0; i < count; i++) {
        String ip =
            random.nextInt(5) == 0
                ? "2001:db8:1::" + Integer.toHexString(2 + random.nextInt(250))
                : "10.0." + random.nextInt(4) + "." + (2 + random.nextInt(250));
        if (!usedIps.add(network + ip)) {
          continue;
        }
        String id = hex(random, 64);
        String content = random.nextInt(4) == 0 ? id : id + "\r\neth" + random.nextInt(2);
        Path file = dir.resolve(ip);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(
            file,
            PosixFilePermissions.fromString(random.nextBoolean() ? "rw-------" : "rw-r--r--"));
        Files.setLastModifiedTime(
            file, FileTime.from(T0.minusSeconds(3600 + random.nextInt(3600))));
        made.add(new Made("var/lib/cni/networks/" + network + "/" + ip, ip, id));
        last = ip;
      }
      if (last != null) {
        Files.writeString(dir.resolve("last_reserved_ip.0"), last);
      }
    }
    Path networksDir = root.resolve("var/lib/cni/networks");
    Map<String, String> original = NodeTrees.contents(networksDir);
    Map<String, String> originalFiles = fileBytes(networksDir);

    // who holds what: changes between runs
    Map<String, String> sandboxState = new HashMap<>();
    for (Made m : made) {
      int roll = random.nextInt(20);
      if (roll < 6) {
        sandboxState.put(m.containerId(), "SANDBOX_READY");
      } else if (roll < 9) {
        sandboxState.put(m.containerId(), "SANDBOX_NOTREADY");
      }
    }
    Set<String> podIps = new HashSet<>();
    for (Made m : made) {
      if (random.nextInt(6) == 0) {
        podIps.add(m.ip());
      }
    }

    Duration cooldown = COOLDOWNS.get(random.nextInt(COOLDOWNS.size()));
    Path stateDir = root.resolve("var/lib/podnet/reclaim");
    Path backups = stateDir.resolve("backups");
    Instant now = T0;
    // every observation that saw a reservation leaked: path -> (container id, time)
    Map<String, List<Map.Entry<String, Instant>>> leakedSeen = new HashMap<>();
    List<Path> backupFolders = new ArrayList<>();
    int runCount = 2 + random.nextInt(5);
    for (int run = 0; run < runCount; run++) {
      runs++;
      now = now.plusSeconds(random.nextInt(20 * 60 + 1));
      // mutations: a sandbox starts or stops, a pod takes an address
      for (Made m : made) {
        if (random.nextInt(12) == 0) {
          sandboxState.merge(m.containerId(), "SANDBOX_READY", (a, b) -> null);
        }
        if (random.nextInt(15) == 0) {
          podIps.add(m.ip());
        }
      }
      boolean listMissing = random.nextInt(12) == 0;
      Path sandboxes = root.resolve("sandboxes.json");
      Files.deleteIfExists(sandboxes);
      if (!listMissing) {
        Files.writeString(sandboxes, sandboxJson(sandboxState, random));
        Instant saved =
            random.nextInt(6) == 0
                ? T0.minusSeconds(5400)
                : now.minusSeconds(1 + random.nextInt(60));
        Files.setLastModifiedTime(sandboxes, FileTime.from(saved));
      }
      boolean apiDown = random.nextInt(10) == 0;
      Map<String, String> holders = new LinkedHashMap<>();
      podIps.forEach(ip -> holders.put(ip, "ns/pod-" + ip));
      PodHolders pods =
          apiDown
              ? PodHolders.unreadable("live", "dial tcp 10.0.0.1:6443: connect: connection refused")
              : new PodHolders(holders, "live", holders.size(), null);
      boolean apply = random.nextInt(10) < 6;

      ReclaimReport report =
          ReclaimIps.run(
              new HostLocalDisk(root),
              "node-a",
              sandboxes,
              pods,
              new ObservationStore(stateDir),
              cooldown,
              apply,
              backups,
              Clock.fixed(now, ZoneOffset.UTC));

      for (Decision decision : report.decisions()) {
        ReservationFile file = decision.reservation();
        if (decision.verdict() == Verdict.RELEASED || decision.verdict() == Verdict.RELEASABLE) {
          String state = listMissing ? null : sandboxState.get(file.containerId());
          assertThat(listMissing).as("released without a sandbox list: %s", file.path()).isFalse();
          assertThat(state)
              .as("released %s although sandbox %s is %s", file.path(), file.containerId(), state)
              .isNull();
          assertThat(apiDown).as("released %s without the API", file.path()).isFalse();
          assertThat(podIps)
              .as("released %s although a pod holds it", file.path())
              .doesNotContain(file.ip());
          Instant latest = now.minus(cooldown);
          boolean earlier =
              leakedSeen.getOrDefault(file.path(), List.of()).stream()
                  .anyMatch(
                      seen ->
                          seen.getKey().equals(file.containerId())
                              && !seen.getValue().isAfter(latest));
          assertThat(earlier)
              .as(
                  "released %s without an earlier agreeing observation %s before",
                  file.path(), cooldown)
              .isTrue();
        }
        if (decision.verdict() == Verdict.RELEASED) {
          released++;
        }
      }
      if (report.plan().observed()) {
        for (Decision decision : report.decisions()) {
          ReservationFile file = decision.reservation();
          if (file.regularFile() && sandboxState.get(file.containerId()) == null) {
            leakedSeen
                .computeIfAbsent(file.path(), k -> new ArrayList<>())
                .add(Map.entry(file.containerId(), now));
          }
        }
      }
      if (report.backup() != null) {
        backupFolders.add(Path.of(report.backup()));
      }
      // no file is ever lost: every original file is in place or in exactly one backup
      Map<String, String> now1 = fileBytes(networksDir);
      for (Path folder : backupFolders) {
        for (Map.Entry<String, String> entry : backedUp(folder).entrySet()) {
          assertThat(now1.put(entry.getKey(), entry.getValue()))
              .as("%s both in place and in a backup", entry.getKey())
              .isNull();
        }
      }
      assertThat(now1).isEqualTo(originalFiles);
    }

    HostLocalDisk disk = new HostLocalDisk(root);
    for (int i = backupFolders.size() - 1; i >= 0; i--) {
      HostLocalDisk.RestorePlan plan = disk.planRestore(backupFolders.get(i));
      restored += plan.toRestore().size();
      disk.restore(plan);
    }
    assertThat(NodeTrees.contents(networksDir)).isEqualTo(original);
  }

  /** Reservation files of a backup folder, by their original path relative to the root. */
  private static Map<String, String> backedUp(Path folder) throws Exception {
    Map<String, String> files = new TreeMap<>();
    var manifest = JsonFiles.read(folder.resolve(HostLocalDisk.MANIFEST));
    for (var item : manifest.path("files")) {
      Path saved = folder.resolve(item.path("backupPath").asText());
      if (Files.exists(saved)) {
        files.put(
            item.path("directory").asText() + "/" + item.path("file").asText(),
            java.util.HexFormat.of().formatHex(Files.readAllBytes(saved)));
      }
    }
    return files;
  }

  /** Every regular file below the networks directory: path relative to the root to its bytes. */
  private static Map<String, String> fileBytes(Path networksDir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(networksDir)) {
      for (Path path : walk.filter(Files::isRegularFile).toList()) {
        files.put(
            "var/lib/cni/networks/" + networksDir.relativize(path),
            java.util.HexFormat.of().formatHex(Files.readAllBytes(path)));
      }
    }
    return files;
  }

  private static String sandboxJson(Map<String, String> states, Random random) {
    StringBuilder json = new StringBuilder("{\"items\": [");
    List<Map.Entry<String, String>> entries = new ArrayList<>(states.entrySet());
    entries.sort(Map.Entry.comparingByKey());
    for (int i = 0; i < entries.size(); i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"id\": \"")
          .append(entries.get(i).getKey())
          .append("\", \"state\": \"")
          .append(entries.get(i).getValue())
          .append("\", \"metadata\": {\"namespace\": \"ns\", \"name\": \"p")
          .append(i)
          .append("\"}}");
    }
    if (random.nextBoolean()) {
      json.append(entries.isEmpty() ? "" : ",")
          .append("{\"id\": \"")
          .append(hex(random, 64))
          .append(
              "\", \"state\": \"SANDBOX_READY\", \"metadata\": {\"namespace\": \"ns\", \"name\": \"other\"}}");
    }
    return json.append("]}").toString();
  }

  private static String hex(Random random, int length) {
    StringBuilder hex = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      hex.append(Character.forDigit(random.nextInt(16), 16));
    }
    return hex.toString();
  }
}
