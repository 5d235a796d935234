package dev.podnet.cli;

import dev.podnet.source.ClusterSource;
import dev.podnet.source.LiveSource;
import dev.podnet.source.SnapshotArchiveSource;
import dev.podnet.source.SnapshotDirectorySource;
import dev.podnet.source.SourceException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the cluster data comes from: a snapshot, or the live cluster as kubectl would reach it. */
final class SourceOptions {
  @Option(
      names = "--snapshot",
      paramLabel = "DIR|FILE.tar.gz",
      description =
          "Read a snapshot (a directory or a .tar.gz of kubectl -o json files) instead of a cluster.")
  Path snapshot;

  @Mixin ClusterOptions cluster = new ClusterOptions();

  @Option(
      names = "--page-size",
      paramLabel = "N",
      description = "Items per API list page (default: ${DEFAULT-VALUE}).")
  int pageSize = LiveSource.DEFAULT_PAGE_SIZE;

  /** Opens the chosen source; a problem with it is a one-line error with exit code 4. */
  ClusterSource open() {
    try {
      if (snapshot != null) {
        if (cluster.named()) {
          throw new UserError(
              "--snapshot cannot be combined with --kubeconfig or --context", Main.USAGE);
        }
        if (Files.isDirectory(snapshot)) {
          return new SnapshotDirectorySource(snapshot);
        }
        if (Files.isRegularFile(snapshot)) {
          return new SnapshotArchiveSource(snapshot);
        }
        throw new SourceException(snapshot + ": no such snapshot directory or archive");
      }
      return LiveSource.connect(
          cluster.kubeconfig, cluster.context, pageSize, cluster.requestTimeout);
    } catch (SourceException e) {
      throw new UserError(e.getMessage(), Main.SOURCE_UNREADABLE);
    }
  }
}
