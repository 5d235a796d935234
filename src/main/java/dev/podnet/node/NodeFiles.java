package dev.podnet.node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Read-only access to one node's files by path relative to its root: the node itself ({@code --root
 * /}), a node folder of a snapshot directory ({@code <snapshot>/nodes/<node>}), or the same folder
 * inside a snapshot archive. Paths use {@code /} and never start with one: {@code etc/cni/net.d},
 * {@code opt/cni/bin.txt}.
 */
public interface NodeFiles {

  /** Where the files are, as shown in the report: a directory, or {@code archive!nodes/<node>}. */
  String location();

  /**
   * Whether this is a running node's own root rather than a collected copy: a missing directory
   * then means the node lacks it, not that nobody collected it.
   */
  boolean live();

  /** The node's name when the location tells it (a snapshot's {@code nodes/<node>} folder). */
  Optional<String> nodeName();

  /**
   * The content of a regular file as UTF-8, or empty when there is no such file.
   *
   * @throws IOException when the file exists but cannot be read
   */
  Optional<String> read(String path) throws IOException;

  /**
   * The entries of a directory, sorted by name as raw bytes, or empty when there is no such
   * directory.
   *
   * @throws IOException when the directory exists but cannot be listed
   */
  Optional<List<Entry>> list(String directory) throws IOException;

  /**
   * One directory entry.
   *
   * @param name the file name, without the directory
   * @param directory whether it is a directory (runtimes skip those in the CNI conf dir)
   * @param mode the permission string as {@code ls -l} prints it, e.g. {@code -rwxr-xr-x}
   * @param size the size in bytes
   */
  record Entry(String name, boolean directory, String mode, long size) {}

  /**
   * A node root on disk. It counts as a collected copy when its parent folder is a snapshot's
   * {@code nodes/}, and as a live node otherwise.
   *
   * @throws NodeFilesException when the directory does not exist or cannot be read
   */
  static NodeFiles directory(Path root) throws NodeFilesException {
    return DirectoryNodeFiles.open(root);
  }

  /**
   * The {@code nodes/<node>/} folder of a snapshot archive ({@code .tar.gz} or {@code .tar}), read
   * in one pass without unpacking.
   *
   * @throws NodeFilesException when the archive cannot be read, holds an unsafe entry (absolute
   *     path, {@code ..}, a link), or has no folder for the node
   */
  static NodeFiles archive(Path archive, String node) throws NodeFilesException {
    return ArchiveNodeFiles.load(archive, node);
  }
}
