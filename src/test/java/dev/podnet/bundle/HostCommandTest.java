package dev.podnet.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The host commands are the snapshot layout's command outputs, run with the host's binaries through
 * nsenter as argument lists, and every way one can fail becomes a one-line reason.
 */
class HostCommandTest {
  private static HostCommand command(String file) {
    return HostCommand.ALL.stream().filter(c -> c.file().equals(file)).findFirst().orElseThrow();
  }

  @Test
  void theyProduceTheNodeFilesPodnetNodeReads() {
    // DESIGN.md section 3 and 'podnet node --help'
    assertThat(HostCommand.ALL)
        .extracting(HostCommand::file, HostCommand::commandLine)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("sandboxes.json", "crictl pods -o json"),
            org.assertj.core.groups.Tuple.tuple("ip-addr.json", "ip -j addr"),
            org.assertj.core.groups.Tuple.tuple("iptables-legacy-save.txt", "iptables-legacy-save"),
            org.assertj.core.groups.Tuple.tuple("iptables-nft-save.txt", "iptables-nft-save"));
  }

  @Test
  void eachRunsBoundedInTimeInTheHostsNamespaces() {
    assertThat(command("sandboxes.json").podArgv())
        .containsExactly(
            "timeout", "20", "nsenter", "-t", "1", "-m", "-u", "-i", "-n", "-p", "--", "crictl",
            "pods", "-o", "json");
    for (HostCommand command : HostCommand.ALL) {
      List<String> argv = command.podArgv();
      int separator = argv.indexOf("--");
      assertThat(argv.subList(separator + 1, argv.size())).isEqualTo(command.argv());
      assertThat(command.argv())
          .as("read-only: no option that changes state")
          .noneMatch(word -> word.matches("-[A-Z]|--(flush|delete|restore|append)|rm|stop|del"));
    }
  }

  @Test
  void aCommandNeedsAPlainFileNameAndWords() {
    assertThatThrownBy(() -> new HostCommand("../x", List.of("ls")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HostCommand("x.txt", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aZeroStatusMeansCollected() {
    assertThat(command("ip-addr.json").notCollectedReason("0\n")).isNull();
    assertThat(
            command("sandboxes.json")
                .notCollectedReason(
                    "0\nWARN[0000] runtime connect using default endpoints: [unix:///run/containerd/containerd.sock]"))
        .isNull();
  }

  @Test
  void anAbsentBinaryIsNamedWithWhatNsenterSaid() {
    assertThat(
            command("iptables-legacy-save.txt")
                .notCollectedReason(
                    "127\nnsenter: can't execute 'iptables-legacy-save': No such file or directory\n"))
        .isEqualTo(
            "iptables-legacy-save: not found on the host (exit 127) (nsenter: can't execute 'iptables-legacy-save': No such file or directory)");
    assertThat(command("sandboxes.json").notCollectedReason("126\n"))
        .isEqualTo("crictl: not executable on the host (exit 126)");
  }

  @Test
  void failuresTimeoutsAndOversizedOutputAreOneLine() {
    assertThat(
            command("sandboxes.json")
                .notCollectedReason(
                    "1\nE1120 09:58:30 remote_runtime.go:277] ListPodSandbox with filter nil from runtime service failed\n"
                        + "FATA[0002] listing pod sandboxes: rpc error: code = Unavailable desc = connection error\n"))
        .isEqualTo(
            "crictl pods -o json: failed on the host (exit 1) (E1120 09:58:30 remote_runtime.go:277] ListPodSandbox with filter nil from runtime service failed; FATA[0002] listing pod sandboxes: rpc error: code = Unavailable desc = connection error)");
    assertThat(command("iptables-nft-save.txt").notCollectedReason("143\n"))
        .isEqualTo("iptables-nft-save: did not finish within 20 s (exit 143)");
    assertThat(command("iptables-nft-save.txt").notCollectedReason("124\n"))
        .startsWith("iptables-nft-save: did not finish within 20 s");
    assertThat(command("ip-addr.json").notCollectedReason("over\n"))
        .isEqualTo(
            "ip -j addr: output beyond 15728640 bytes, not kept (podnet node reads node files up to 16 MiB)");
    assertThat(command("ip-addr.json").notCollectedReason(null))
        .isEqualTo("ip -j addr: no result from the node-file pod");
    assertThat(command("ip-addr.json").notCollectedReason("<html>\n"))
        .isEqualTo("ip -j addr: unreadable status from the node-file pod");
    String longError = "1\n" + "e".repeat(5000);
    assertThat(command("ip-addr.json").notCollectedReason(longError))
        .hasSizeLessThan(400)
        .doesNotContain("\n");
  }
}
