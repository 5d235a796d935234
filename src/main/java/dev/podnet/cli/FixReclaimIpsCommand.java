package dev.podnet.cli;

import dev.podnet.fix.reclaim.HostLocalDisk;
import dev.podnet.fix.reclaim.NodePods;
import dev.podnet.fix.reclaim.ObservationStore;
import dev.podnet.fix.reclaim.PodHolders;
import dev.podnet.fix.reclaim.ReclaimException;
import dev.podnet.fix.reclaim.ReclaimIps;
import dev.podnet.fix.reclaim.ReclaimReport;
import dev.podnet.fix.reclaim.RestoreReport;
import dev.podnet.fix.reclaim.VendorAdvice;
import dev.podnet.fix.reclaim.VendorCommands;
import dev.podnet.model.ClusterModel;
import dev.podnet.report.Format;
import dev.podnet.report.ReclaimRenderer;
import dev.podnet.source.ClusterSource;
import dev.podnet.source.ModelBuilder;
import dev.podnet.source.SourceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code podnet fix reclaim-ips}: releases leaked host-local reservations, guarded and undoable.
 */
@Command(
    name = "reclaim-ips",
    mixinStandardHelpOptions = true,
    description = {
      "Releases host-local reservations whose sandbox is gone, on one node. A file",
      "<dataDir>/<network>/<ip> is released only when ALL of these hold:",
      "  - the runtime's sandbox list (saved 'crictl pods -o json', see --sandboxes)",
      "    was read and has no sandbox with the file's container id, and the file is",
      "    older than that list;",
      "  - two runs at least --cooldown apart both saw it so, with the same container",
      "    id (the first run only records: runs keep observations in --state-dir);",
      "  - no pod of the node in the API holds the address (--snapshot, or the live",
      "    cluster as kubectl reaches it; if the API cannot be read, nothing is released).",
      "A dry run by default. --apply moves the files (never deletes them) to",
      "<backup-root>/<yyyyMMdd-HHmmss>/<network>/<ip>, manifest first;",
      "--restore BACKUP --apply puts them back exactly. podnet runs no command on the",
      "node and takes no lock: it checks each file's bytes before and after a move.",
      "",
      "Without --root, with a cluster source: the calicoctl commands that release",
      "leaked Calico addresses (podnet never edits Calico's or Cilium's datastore),",
      "and how to check Cilium.",
      "",
      "Exit codes: 0 nothing to release, or released; 1 reservations wait for the",
      "cooldown or are releasable without --apply; 3 usage; 4 unreadable root, sandbox",
      "list, API or backup."
    })
final class FixReclaimIpsCommand implements Callable<Integer> {
  static final String DEFAULT_STATE_DIR = "var/lib/podnet/reclaim";

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description =
          "The node's root: / on the node, /host in 'kubectl debug node/NAME'. Its files are changed only with --apply.")
  Path root;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description =
          "The node's name, for its pods in the API (default: <snapshot>/nodes/NAME of the root).")
  String node;

  @Option(
      names = "--sandboxes",
      paramLabel = "FILE",
      description =
          "The runtime's sandboxes, saved just before: crictl pods -o json > FILE (default: <root>/sandboxes.json).")
  Path sandboxes;

  @Option(
      names = "--cooldown",
      paramLabel = "DURATION",
      description = "Least time between the two agreeing observations (default: ${DEFAULT-VALUE}).")
  String cooldown = "10m";

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Where observations are kept (default: <root>/" + DEFAULT_STATE_DIR + ").")
  Path stateDir;

  @Option(
      names = "--backup-root",
      paramLabel = "DIR",
      description =
          "Where dated backup folders are made (default: <root>/"
              + DEFAULT_STATE_DIR
              + "/backups).")
  Path backupRoot;

  @Option(
      names = "--apply",
      description = "Move the releasable files (or, with --restore, put them back).")
  boolean apply;

  @Option(
      names = "--restore",
      paramLabel = "BACKUP",
      description =
          "Put back the files of a backup folder (a path, or a folder name under --backup-root); refused when an address was reserved again since.")
  Path restore;

  @Mixin SourceOptions source;
  @Mixin OutputOptions output;
  @Spec CommandSpec spec;

  /** The time of observations and backup folders; the wall clock, like every run on a node. */
  Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofSeconds(1));

  @Override
  public Integer call() throws IOException {
    Format format = output.format();
    if (format == Format.MARKDOWN) {
      throw new UserError("reclaim-ips prints -o table, json or yaml", Main.USAGE);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (root == null) {
      return vendorCommands(format, out);
    }
    Path backups =
        backupRoot != null ? backupRoot : root.resolve(DEFAULT_STATE_DIR).resolve("backups");
    try {
      HostLocalDisk disk = new HostLocalDisk(root);
      if (restore != null) {
        return restore(disk, backups, format, out);
      }
      String nodeName = nodeName();
      Duration wait;
      try {
        wait = ReclaimIps.parseDuration(cooldown);
      } catch (IllegalArgumentException e) {
        throw new UserError("--cooldown: " + e.getMessage(), Main.USAGE);
      }
      PodHolders pods = pods(nodeName);
      ReclaimReport report =
          ReclaimIps.run(
              disk,
              nodeName,
              sandboxes != null ? sandboxes : root.resolve("sandboxes.json"),
              pods,
              new ObservationStore(stateDir != null ? stateDir : root.resolve(DEFAULT_STATE_DIR)),
              wait,
              apply,
              backups,
              clock);
      ReclaimRenderer.render(report, format, out);
      out.flush();
      return report.exitCode();
    } catch (ReclaimException e) {
      throw new UserError(e.getMessage(), Main.SOURCE_UNREADABLE);
    }
  }

  private int restore(HostLocalDisk disk, Path backups, Format format, PrintWriter out)
      throws ReclaimException, IOException {
    Path backup = Files.isDirectory(restore) ? restore : backups.resolve(restore);
    if (!Files.isDirectory(backup)) {
      throw new ReclaimException(restore + ": no such backup folder (nor under " + backups + ")");
    }
    var plan = disk.planRestore(backup);
    if (node != null && !node.equals(plan.node())) {
      throw new UserError(
          backup + " is a backup of node " + plan.node() + ", not " + node, Main.USAGE);
    }
    if (apply) {
      disk.restore(plan);
    }
    ReclaimRenderer.render(new RestoreReport(root.toString(), plan, apply), format, out);
    out.flush();
    return 0;
  }

  private String nodeName() {
    if (node != null) {
      return node;
    }
    Path absolute = root.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    if (parent != null
        && parent.getFileName() != null
        && parent.getFileName().toString().equals("nodes")) {
      return absolute.getFileName().toString();
    }
    throw new UserError(
        "--node NAME is needed: the pods of that node in the API are checked before an address is released",
        Main.USAGE);
  }

  /** The pods' addresses; an unreachable API is reported in the output, not as an error. */
  private PodHolders pods(String nodeName) {
    ClusterSource clusterSource;
    try {
      clusterSource = source.open();
    } catch (UserError e) {
      if (e.exitCode() != Main.SOURCE_UNREADABLE) {
        throw e;
      }
      return PodHolders.unreadable("the API", e.getMessage());
    }
    try (ClusterSource open = clusterSource) {
      return NodePods.read(open, nodeName);
    }
  }

  private int vendorCommands(Format format, PrintWriter out) throws IOException {
    if (apply || restore != null) {
      throw new UserError(
          "--apply and --restore need --root DIR: podnet changes only host-local files; for Calico"
              + " and Cilium it prints the vendor's commands",
          Main.USAGE);
    }
    List<VendorAdvice> advice;
    ClusterModel model;
    try (ClusterSource clusterSource = source.open()) {
      model = ModelBuilder.build(clusterSource);
      advice = VendorCommands.of(model);
    } catch (SourceException e) {
      throw new UserError(e.getMessage(), Main.SOURCE_UNREADABLE);
    }
    ReclaimRenderer.render(advice, model.source(), format, out);
    out.flush();
    return 0;
  }
}
