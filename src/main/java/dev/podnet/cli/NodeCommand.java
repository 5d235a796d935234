package dev.podnet.cli;

import dev.podnet.check.Diagnosis;
import dev.podnet.cidr.Cidr;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.NodeInfo;
import dev.podnet.node.NodeFiles;
import dev.podnet.node.NodeFilesException;
import dev.podnet.node.NodeInspector;
import dev.podnet.node.NodeOptions;
import dev.podnet.report.DiagnosisRenderer;
import dev.podnet.source.ClusterSource;
import dev.podnet.source.ModelBuilder;
import dev.podnet.source.SnapshotArchiveSource;
import dev.podnet.source.SnapshotDirectorySource;
import dev.podnet.source.SourceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code podnet node}: one node's CNI config, plugin binaries, host-local state, flannel, MTU. */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = {
      "Inspects one node: the CNI config the runtime will actually load (containerd",
      "or CRI-O rules), stale, conflicting and invalid configs beside it, missing",
      "plugin binaries, leaked host-local reservations, flannel's subnet.env against",
      "the pod CIDR and the cni0 bridge, the pod MTU, iptables legacy/nft conflicts.",
      "",
      "Run it on the node (--root /; in 'kubectl debug node/NAME', --root /host) or",
      "on a snapshot's node folder. It runs no command; it reads only these files",
      "under the root, and names the absent ones under 'Not collected':",
      "  etc/cni/net.d/*               the CNI configs",
      "  opt/cni/bin.txt               /opt/cni/bin listing, 'name size mode' lines:",
      "                                find /opt/cni/bin -mindepth 1 -maxdepth 1",
      "                                  -printf '%%f %%s %%M\\n'",
      "                                (else the opt/cni/bin directory itself)",
      "  var/lib/cni/networks/<net>/*  host-local state (or the config's dataDir)",
      "  run/flannel/subnet.env        flannel's lease",
      "  sandboxes.json                saved output of: crictl pods -o json",
      "  ip-addr.json                  saved output of: ip -j addr",
      "  iptables-legacy-save.txt      saved output of: iptables-legacy-save",
      "  iptables-nft-save.txt         saved output of: iptables-nft-save",
      "  etc/containerd/config.toml    max_conf_num; runtime detection",
      "  etc/crio/crio.conf, etc/crio/crio.conf.d/   runtime detection",
      "With --snapshot it also reads cluster/nodes.json (podCIDR, runtime)."
    })
final class NodeCommand implements Callable<Integer> {
  @Option(
      names = "--root",
      paramLabel = "DIR",
      description = "The node's root: / on the node, or <snapshot>/nodes/<node>.")
  Path root;

  @Option(
      names = "--snapshot",
      paramLabel = "DIR|FILE.tar.gz",
      description =
          "A snapshot directory or archive; with --node, reads nodes/<node>/ from it (an archive in one pass, unpacked nowhere).")
  Path snapshot;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description =
          "The node's name: required with --snapshot; with --root, the name used in commands.")
  String node;

  @Option(
      names = "--runtime",
      paramLabel = "RUNTIME",
      description =
          "containerd, crio or auto (default: auto = containerd unless only CRI-O's config is found).")
  String runtime = "auto";

  @Option(
      names = "--pod-cidr",
      paramLabel = "CIDR",
      description =
          "The node's spec.podCIDR, for usePodCidr ranges and the flannel check (from cluster/nodes.json with --snapshot).")
  String podCidr;

  @Mixin OutputOptions output;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    var format = output.format();
    NodeOptions.Runtime runtimeOption = runtime();
    if ((root == null) == (snapshot == null)) {
      throw new UserError(
          "give either --root DIR or --snapshot DIR|FILE.tar.gz --node NAME", Main.USAGE);
    }
    if (snapshot != null && node == null) {
      throw new UserError("--snapshot needs --node NAME (the folder under nodes/)", Main.USAGE);
    }
    if (podCidr != null) {
      try {
        Cidr.parse(podCidr);
      } catch (IllegalArgumentException e) {
        throw new UserError("--pod-cidr: " + e.getMessage(), Main.USAGE);
      }
    }
    Diagnosis diagnosis;
    try {
      NodeFiles files = open();
      Optional<NodeInfo> nodeInfo = snapshot == null ? Optional.empty() : nodeInfo();
      String cidr = podCidr != null ? podCidr : nodeInfo.map(NodeInfo::podCidr).orElse(null);
      if (runtimeOption == NodeOptions.Runtime.AUTO
          && nodeInfo.map(NodeInfo::containerRuntime).orElse("").startsWith("cri-o")) {
        runtimeOption = NodeOptions.Runtime.CRIO;
      }
      diagnosis = NodeInspector.inspect(files, new NodeOptions(runtimeOption, cidr, node, 0));
    } catch (NodeFilesException e) {
      throw new UserError(e.getMessage(), Main.SOURCE_UNREADABLE);
    }
    PrintWriter out = spec.commandLine().getOut();
    DiagnosisRenderer.render(diagnosis, format, out, output.color());
    out.flush();
    return diagnosis.exitCode();
  }

  private NodeOptions.Runtime runtime() {
    return switch (runtime.toLowerCase(Locale.ROOT)) {
      case "containerd" -> NodeOptions.Runtime.CONTAINERD;
      case "crio", "cri-o" -> NodeOptions.Runtime.CRIO;
      case "auto" -> NodeOptions.Runtime.AUTO;
      default ->
          throw new UserError(
              "--runtime: expected containerd, crio or auto, not '" + runtime + "'", Main.USAGE);
    };
  }

  private NodeFiles open() throws NodeFilesException {
    if (root != null) {
      return NodeFiles.directory(root);
    }
    if (Files.isDirectory(snapshot)) {
      Path folder = snapshot.resolve("nodes").resolve(node);
      if (node.contains("/") || node.equals("..") || !Files.isDirectory(folder)) {
        throw new NodeFilesException(snapshot + ": has no nodes/" + node + "/ folder");
      }
      return NodeFiles.directory(folder);
    }
    if (Files.isRegularFile(snapshot)) {
      return NodeFiles.archive(snapshot, node);
    }
    throw new NodeFilesException(snapshot + ": no such snapshot directory or archive");
  }

  /** The node as cluster/nodes.json describes it; absent when the snapshot has no such file. */
  private Optional<NodeInfo> nodeInfo() throws NodeFilesException {
    try (ClusterSource source =
        Files.isDirectory(snapshot)
            ? new SnapshotDirectorySource(snapshot)
            : new SnapshotArchiveSource(snapshot)) {
      ClusterModel model = ModelBuilder.build(source);
      return model.node(node);
    } catch (SourceException e) {
      throw new NodeFilesException(e.getMessage(), e);
    }
  }
}
