package dev.podnet.fix.reclaim;

import static dev.podnet.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cli.Main;
import dev.podnet.testing.CliRun;
import dev.podnet.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code podnet fix reclaim-ips} through {@link Main#run}: the dry run on a copy of {@code
 * examples/host-local-leak} (golden, with the run's own time and the temporary directory replaced
 * by placeholders), apply and restore, the vendor commands of {@code
 * examples/calico-leaked-handles}, and the one-line errors.
 */
class FixReclaimIpsCommandTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden/reclaim");
  static final Pattern INSTANT =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z");

  /** Replaces times of this run with {@code <now>} / {@code <now+10m>}, and the temp path. */
  static String normalised(String text, Instant before, Instant after, Path temp) {
    Matcher matcher = INSTANT.matcher(text.replace(temp.toString(), "<tmp>"));
    StringBuilder result = new StringBuilder();
    Instant from = before.minusSeconds(1);
    Instant to = after.plusSeconds(1);
    Duration cooldown = Duration.ofMinutes(10);
    while (matcher.find()) {
      Instant instant = Instant.parse(matcher.group());
      String replacement = matcher.group();
      if (!instant.isBefore(from) && !instant.isAfter(to)) {
        replacement = "<now>";
      } else if (!instant.isBefore(from.plus(cooldown)) && !instant.isAfter(to.plus(cooldown))) {
        replacement = "<now+10m>";
      }
      matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  @Test
  void theFirstDryRunRecordsAndReleasesNothing(@TempDir Path temp) throws Exception {
    Path snapshot = NodeTrees.copyExample(temp.resolve("host-local-leak"));
    Path root = snapshot.resolve("nodes/worker-1");
    Map<String, String> before = NodeTrees.contents(root.resolve("var/lib/cni/networks"));
    Instant start = Instant.now();
    CliRun table =
        run("fix", "reclaim-ips", "--root", root.toString(), "--snapshot", snapshot.toString());
    CliRun json =
        run(
            "fix",
            "reclaim-ips",
            "--root",
            root.toString(),
            "--snapshot",
            snapshot.toString(),
            "-o",
            "json");
    Instant end = Instant.now();
    assertThat(table.err()).isEmpty();
    assertThat(table.exitCode()).isEqualTo(1);
    Golden.assertMatches(
        GOLDEN.resolve("host-local-leak-first-run.txt"),
        normalised(table.out(), start, end, temp) + "[exit code " + table.exitCode() + "]\n");
    assertThat(json.exitCode()).isEqualTo(1);
    Golden.assertMatches(
        GOLDEN.resolve("host-local-leak-first-runs.json"),
        normalised(json.out(), start, end, temp));
    assertThat(NodeTrees.contents(root.resolve("var/lib/cni/networks"))).isEqualTo(before);
    assertThat(root.resolve("var/lib/podnet/reclaim/observations.json")).exists();
  }

  @Test
  void applyAfterTheCooldownThenRestoreGivesBackTheDirectory(@TempDir Path temp) throws Exception {
    Path snapshot = NodeTrees.copyExample(temp.resolve("host-local-leak"));
    Path root = snapshot.resolve("nodes/worker-1");
    Path networks = root.resolve("var/lib/cni/networks");
    Map<String, String> before = NodeTrees.contents(networks);
    String[] args = {
      "fix", "reclaim-ips", "--root", root.toString(), "--snapshot", snapshot.toString()
    };
    assertThat(run(args).exitCode()).isEqualTo(1);
    // the first observation, moved 11 minutes into the past as if the run had been then
    ObservationStore store = new ObservationStore(root.resolve("var/lib/podnet/reclaim"));
    ObservationLog log = store.load("worker-1");
    Map<String, Sighting> earlier = new java.util.TreeMap<>();
    log.sightings()
        .forEach(
            (path, s) ->
                earlier.put(
                    path,
                    new Sighting(
                        path,
                        s.containerId(),
                        s.firstSeen().minus(Duration.ofMinutes(11)),
                        s.lastSeen().minus(Duration.ofMinutes(11)),
                        1)));
    store.save(new ObservationLog("worker-1", log.lastObservation(), earlier));

    String[] apply = java.util.Arrays.copyOf(args, args.length + 1);
    apply[args.length] = "--apply";
    CliRun applied = run(apply);
    assertThat(applied.err()).isEmpty();
    assertThat(applied.exitCode()).isZero();
    assertThat(applied.out()).contains("13 reservations: 12 released, 1 in use.");
    assertThat(NodeTrees.names(networks.resolve("lab-bridge")))
        .containsExactly("10.244.1.2", "last_reserved_ip.0", "lock");
    Matcher backup = Pattern.compile("--restore (\\S+) --apply").matcher(applied.out());
    assertThat(backup.find()).isTrue();

    CliRun restored =
        run(
            "fix",
            "reclaim-ips",
            "--root",
            root.toString(),
            "--restore",
            backup.group(1),
            "--apply");
    assertThat(restored.err()).isEmpty();
    assertThat(restored.exitCode()).isZero();
    assertThat(NodeTrees.contents(networks)).isEqualTo(before);
  }

  @Test
  void calicoLeaksGetCalicoctlCommands() {
    CliRun table = run("fix", "reclaim-ips", "--snapshot", "examples/calico-leaked-handles");
    assertThat(table.err()).isEmpty();
    assertThat(table.exitCode()).isZero();
    assertThat(table.out())
        .contains(
            "calicoctl ipam release --ip=192.168.226.69",
            "calicoctl ipam release --ip=192.168.226.72",
            "calicoctl ipam check --show-problem-ips",
            "(192.168.226.67,")
        .doesNotContain("--ip=192.168.226.65", "--ip=192.168.171.7");
    Golden.assertMatches(GOLDEN.resolve("calico-leaked-handles.txt"), table.out());
  }

  @Test
  void errorsAreOneLine(@TempDir Path temp) throws Exception {
    CliRun noRoot =
        run("fix", "reclaim-ips", "--root", temp.resolve("absent").toString(), "--node", "n");
    assertThat(noRoot.exitCode()).isEqualTo(Main.SOURCE_UNREADABLE);
    assertThat(noRoot.err())
        .isEqualTo("podnet: " + temp.resolve("absent") + ": no such directory\n");

    CliRun noNode =
        run("fix", "reclaim-ips", "--root", temp.toString(), "--snapshot", temp.toString());
    assertThat(noNode.exitCode()).isEqualTo(Main.USAGE);
    assertThat(noNode.err()).startsWith("podnet: --node NAME is needed").doesNotContain("\tat ");

    Path snapshot = NodeTrees.copyExample(temp.resolve("copy"));
    Path root = snapshot.resolve("nodes/worker-1");
    CliRun cooldown =
        run(
            "fix",
            "reclaim-ips",
            "--root",
            root.toString(),
            "--snapshot",
            snapshot.toString(),
            "--cooldown",
            "ten");
    assertThat(cooldown.exitCode()).isEqualTo(Main.USAGE);
    assertThat(cooldown.err())
        .isEqualTo("podnet: --cooldown: 'ten' is not a duration like 10m, 90s or 1h30m\n");

    Files.delete(root.resolve("sandboxes.json"));
    CliRun noSandboxes =
        run("fix", "reclaim-ips", "--root", root.toString(), "--snapshot", snapshot.toString());
    assertThat(noSandboxes.exitCode()).isEqualTo(Main.SOURCE_UNREADABLE);
    assertThat(noSandboxes.out())
        .contains("Nothing can be released: the sandbox list was not read")
        .contains("13 reservations: 13 unknown.");

    CliRun badBackup =
        run("fix", "reclaim-ips", "--root", root.toString(), "--restore", "20990101-000000");
    assertThat(badBackup.exitCode()).isEqualTo(Main.SOURCE_UNREADABLE);
    assertThat(badBackup.err())
        .startsWith("podnet: 20990101-000000: no such backup folder")
        .hasLineCount(1);

    CliRun applyWithoutRoot =
        run("fix", "reclaim-ips", "--snapshot", snapshot.toString(), "--apply");
    assertThat(applyWithoutRoot.exitCode()).isEqualTo(Main.USAGE);
  }
}
