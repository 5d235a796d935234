package dev.podnet.bundle;

import java.util.List;

/**
 * A read-only command that the node-file pod runs with the host's own binaries, its standard output
 * saved as one node file (DESIGN.md section 3): the runtime's sandboxes, the interfaces, both
 * iptables back ends. Each is optional: a host without the binary, or where it fails, gets the file
 * listed in the manifest as not collected with the reason, never a failed bundle.
 *
 * <p>The pod's image (busybox) has none of these binaries, and the host's are the ones that match
 * its runtime and kernel, so each runs through {@code nsenter -t 1 -m -u -i -n -p}: in the mount,
 * UTS, IPC, network and PID namespaces of the host's init (the pod has {@code hostPID}), exactly as
 * on the host. Every command only lists; none changes state ({@code iptables-legacy-save} without
 * {@code -t} reads {@code /proc/net/ip_tables_names} and loads no kernel module).
 *
 * @param file the node file the output becomes, relative to {@code nodes/<node>/}
 * @param argv the command on the host, as an argument list
 */
public record HostCommand(String file, List<String> argv) {
  /** What is collected, in order. */
  public static final List<HostCommand> ALL =
      List.of(
          new HostCommand("sandboxes.json", List.of("crictl", "pods", "-o", "json")),
          new HostCommand("ip-addr.json", List.of("ip", "-j", "addr")),
          new HostCommand("iptables-legacy-save.txt", List.of("iptables-legacy-save")),
          new HostCommand("iptables-nft-save.txt", List.of("iptables-nft-save")));

  /** Enters the host's namespaces; {@code --} ends nsenter's options. */
  static final List<String> NSENTER =
      List.of("nsenter", "-t", "1", "-m", "-u", "-i", "-n", "-p", "--");

  /** A command still running after this long is killed (a hung runtime socket, a locked table). */
  static final int TIMEOUT_SECONDS = 20;

  /**
   * Output bytes kept. {@code podnet node} holds node files up to 16 MiB; the margin leaves room
   * for redaction markers, which may be longer than what they replace.
   */
  static final long MAX_OUTPUT_BYTES = 15L << 20;

  /** Bytes of a command's stderr kept for the manifest's reason. */
  static final int MAX_STDERR_BYTES = 300;

  public HostCommand {
    argv = List.copyOf(argv);
    if (argv.isEmpty() || file.isEmpty() || file.contains("/")) {
      throw new IllegalArgumentException("a host command needs a file name and an argument list");
    }
  }

  /** The full argument list the pod runs: the timeout, nsenter, then the command. */
  public List<String> podArgv() {
    List<String> all = new java.util.ArrayList<>();
    all.addAll(List.of("timeout", Integer.toString(TIMEOUT_SECONDS)));
    all.addAll(NSENTER);
    all.addAll(argv);
    return List.copyOf(all);
  }

  /** The command as a person would type it on the host. */
  public String commandLine() {
    return String.join(" ", argv);
  }

  /**
   * Why the output was not collected, from the status the pod wrote: its first line is the exit
   * status, or {@code over} when the output passed {@link #MAX_OUTPUT_BYTES}; the rest is the start
   * of the command's stderr. Null when the output was collected.
   *
   * @param status the status text, or null when the pod wrote none
   */
  public String notCollectedReason(String status) {
    if (status == null) {
      return commandLine() + ": no result from the node-file pod";
    }
    String[] lines = status.strip().split("\n", 2);
    String code = lines[0].strip();
    String stderr = lines.length > 1 ? oneLine(lines[1]) : "";
    String detail = stderr.isEmpty() ? "" : " (" + stderr + ")";
    return switch (code) {
      case "0" -> null;
      case "over" ->
          commandLine()
              + ": output beyond "
              + MAX_OUTPUT_BYTES
              + " bytes, not kept (podnet node reads node files up to 16 MiB)";
      case "127" -> argv.get(0) + ": not found on the host (exit 127)" + detail;
      case "126" -> argv.get(0) + ": not executable on the host (exit 126)" + detail;
      case "124", "143", "137" ->
          commandLine()
              + ": did not finish within "
              + TIMEOUT_SECONDS
              + " s (exit "
              + code
              + ")"
              + detail;
      default ->
          code.matches("[0-9]{1,3}")
              ? commandLine() + ": failed on the host (exit " + code + ")" + detail
              : commandLine() + ": unreadable status from the node-file pod";
    };
  }

  private static String oneLine(String text) {
    StringBuilder out = new StringBuilder();
    for (String line : text.strip().split("\n")) {
      if (!line.isBlank()) {
        out.append(out.length() == 0 ? "" : "; ").append(line.strip());
      }
    }
    String joined = out.toString().replaceAll("\\p{Cntrl}", "?");
    return joined.length() > MAX_STDERR_BYTES
        ? joined.substring(0, MAX_STDERR_BYTES) + "..."
        : joined;
  }
}
