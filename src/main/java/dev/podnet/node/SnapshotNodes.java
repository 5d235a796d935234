package dev.podnet.node;

import dev.podnet.check.Finding;
import dev.podnet.source.ArchiveLimits;
import dev.podnet.source.ArchiveReader;
import dev.podnet.source.UnsafeArchiveException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The node folders of a snapshot ({@code nodes/<node>/}), inspected like {@code podnet node} so
 * that {@code podnet diagnose} can join the node-level causes (the stale config the runtime picks
 * first, the missing binary, the leak that filled the range) to the cluster-level ones.
 */
public final class SnapshotNodes {
  private SnapshotNodes() {}

  /**
   * The findings of every node folder of a snapshot directory or archive.
   *
   * @param podCidrOf the node's pod CIDR by node name, or null when unknown
   */
  public static List<Finding> findings(Path snapshot, UnaryOperator<String> podCidrOf)
      throws NodeFilesException {
    List<Finding> findings = new ArrayList<>();
    for (String node : nodes(snapshot)) {
      NodeFiles files =
          Files.isDirectory(snapshot)
              ? NodeFiles.directory(snapshot.resolve("nodes").resolve(node))
              : NodeFiles.archive(snapshot, node);
      NodeOptions options =
          new NodeOptions(NodeOptions.Runtime.AUTO, podCidrOf.apply(node), node, 0);
      findings.addAll(NodeInspector.inspect(files, options).findings());
    }
    return findings;
  }

  /** The node names that have a folder in the snapshot, sorted. */
  static List<String> nodes(Path snapshot) throws NodeFilesException {
    TreeSet<String> names = new TreeSet<>();
    try {
      if (Files.isDirectory(snapshot)) {
        Path nodes = snapshot.resolve("nodes");
        if (Files.isDirectory(nodes)) {
          try (Stream<Path> children = Files.list(nodes)) {
            children.filter(Files::isDirectory).forEach(p -> names.add(p.getFileName().toString()));
          }
        }
      } else if (Files.isRegularFile(snapshot)) {
        try (ArchiveReader reader = ArchiveReader.open(snapshot, ArchiveLimits.DEFAULT)) {
          ArchiveReader.Entry entry;
          while ((entry = reader.next()) != null) {
            String path = ArchiveNodeFiles.snapshotPath(entry.path());
            if (path.startsWith("nodes/")) {
              String rest = path.substring("nodes/".length());
              int slash = rest.indexOf('/');
              if (slash > 0) {
                names.add(rest.substring(0, slash));
              }
            }
          }
        }
      }
    } catch (UnsafeArchiveException e) {
      throw new NodeFilesException(e.getMessage(), e);
    } catch (IOException e) {
      throw new NodeFilesException(snapshot + ": cannot list node folders: " + e.getMessage(), e);
    }
    return List.copyOf(names);
  }
}
