package dev.podnet.cli;

import dev.podnet.bundle.BundleCollector;
import dev.podnet.bundle.BundleManifest;
import dev.podnet.bundle.Narrowing;
import dev.podnet.bundle.NodeFileFetcher;
import dev.podnet.bundle.PodNodeFileFetcher;
import dev.podnet.bundle.Progress;
import dev.podnet.bundle.Redactor;
import dev.podnet.source.LiveSource;
import dev.podnet.source.RawListCopier;
import dev.podnet.source.SourceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code podnet bundle}: one redacted {@code .tar.gz} of the cluster's network evidence. */
@Command(
    name = "bundle",
    mixinStandardHelpOptions = true,
    description = {
      "Collects the cluster's network evidence into one redacted .tar.gz (the snapshot layout),",
      "which 'podnet diagnose --snapshot FILE' analyses offline. Secrets are never read;",
      "tokens, passwords, keys and certificates in what is written are replaced, and manifest.json lists each."
    })
final class BundleCommand implements Callable<Integer> {
  @Option(
      names = {"-f", "--file"},
      paramLabel = "OUT.tar.gz",
      description = "Where to write (default: ${DEFAULT-VALUE}).")
  Path file = Path.of("podnet-bundle.tar.gz");

  @Option(names = "--force", description = "Replace OUT if it exists.")
  boolean force;

  @Mixin ClusterOptions cluster = new ClusterOptions();

  @Option(
      names = "--page-size",
      paramLabel = "N",
      description = "Items per API list page (default: ${DEFAULT-VALUE}).")
  int pageSize = LiveSource.DEFAULT_PAGE_SIZE;

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      description = "Keep only pods and events of this namespace (repeatable).")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = "--pod",
      paramLabel = "NS/NAME",
      description = "Keep only this pod and its events (repeatable).")
  List<String> pods = new ArrayList<>();

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description = "Keep only this node, its pods and their events (repeatable).")
  List<String> nodes = new ArrayList<>();

  @Option(
      names = "--node-files",
      description = {
        "Also copy each selected node's CNI configs, state and logs, through a short-lived privileged pod on it,",
        "and save the output of crictl pods -o json, ip -j addr, iptables-legacy-save and iptables-nft-save:",
        "the host's own binaries, run read-only through nsenter -t 1 -m -u -i -n -p (the pod has hostPID).",
        "A command the host lacks or that fails is listed in manifest.json as not collected, with the reason."
      })
  boolean nodeFiles;

  @Option(
      names = "--node-files-image",
      paramLabel = "IMAGE",
      description =
          "Image of the node-file pods (default: ${DEFAULT-VALUE}); it needs sh, cp, stat, tail, head, wc, timeout, nsenter, tar, gzip and base64, not crictl, ip or iptables.")
  String nodeFilesImage = PodNodeFileFetcher.DEFAULT_IMAGE;

  @Option(
      names = "--node-files-namespace",
      paramLabel = "NS",
      description = "Namespace of the node-file pods (default: ${DEFAULT-VALUE}).")
  String nodeFilesNamespace = "kube-system";

  @Option(
      names = "--node-files-timeout",
      paramLabel = "SECONDS",
      description =
          "Skip a node whose pod has not started after this long (default: ${DEFAULT-VALUE}).")
  long nodeFilesTimeout = 60;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Narrowing narrowing;
    try {
      narrowing = new Narrowing(namespaces, pods, nodes);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), Main.USAGE);
    }
    if (!nodeFiles
        && (spec.commandLine().getParseResult().hasMatchedOption("--node-files-image"))) {
      throw new UserError("--node-files-image needs --node-files", Main.USAGE);
    }
    Progress progress = System.console() != null ? Progress.line(err) : Progress.silent();
    byte[] random = new byte[4];
    new SecureRandom().nextBytes(random);
    String runId = HexFormat.of().formatHex(random);
    try (RawListCopier lists =
            RawListCopier.connect(
                cluster.kubeconfig, cluster.context, pageSize, cluster.requestTimeout);
        NodeFileFetcher fetcher =
            nodeFiles ? PodNodeFileFetcher.forCluster(lists, settings(runId)) : null) {
      BundleCollector collector =
          new BundleCollector(
              lists,
              fetcher,
              Redactor.withRandomKey(),
              Clock.systemUTC(),
              progress,
              note -> err.println("podnet: " + note));
      BundleCollector.Result result =
          collector.collect(
              new BundleCollector.Request(file, force, narrowing, VersionProvider.version()));
      print(out, result);
      return 0;
    } catch (FileAlreadyExistsException e) {
      throw new UserError(e.getMessage(), Main.USAGE);
    } catch (SourceException e) {
      throw new UserError(e.getMessage(), Main.SOURCE_UNREADABLE);
    } catch (IOException e) {
      throw new UserError("cannot write " + file + ": " + e.getMessage(), Main.SOURCE_UNREADABLE);
    }
  }

  private PodNodeFileFetcher.Settings settings(String runId) {
    Duration timeout = Duration.ofSeconds(nodeFilesTimeout);
    return new PodNodeFileFetcher.Settings(
        nodeFilesImage, nodeFilesNamespace, timeout, timeout.multipliedBy(5), runId);
  }

  private static void print(PrintWriter out, BundleCollector.Result result) {
    BundleManifest manifest = result.manifest();
    long items = manifest.collected().stream().mapToLong(BundleManifest.CollectedFile::items).sum();
    out.printf(
        "wrote %s: %d files, %d objects, %d redactions%n",
        result.bundle(), manifest.collected().size(), items, manifest.redactions().size());
    for (BundleManifest.NotCollected missing : manifest.notCollected()) {
      out.printf("  not collected: %s (%s)%n", missing.file(), missing.reason());
    }
    for (BundleManifest.NodeFiles node : manifest.nodeFiles()) {
      out.printf(
          "  node files of %s: %s%n",
          node.node(),
          node.skipped() == null ? node.files().size() + " files" : "skipped: " + node.skipped());
      for (BundleManifest.NotCollected missing : node.notCollected()) {
        out.printf("    not collected: %s (%s)%n", missing.file(), missing.reason());
      }
    }
    out.flush();
  }
}
