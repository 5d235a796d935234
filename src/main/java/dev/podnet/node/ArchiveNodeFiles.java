package dev.podnet.node;

import dev.podnet.source.ArchiveLimits;
import dev.podnet.source.ArchiveReader;
import dev.podnet.source.UnsafeArchiveException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One node's folder of a snapshot archive, read in a single pass into memory. Only the entries
 * under {@code nodes/<node>/} are kept (optionally below one top-level folder, as {@code tar czf
 * x.tar.gz snapshot/} makes them); files larger than {@link #MAX_FILE_BYTES} (long logs) are listed
 * but not held.
 */
final class ArchiveNodeFiles implements NodeFiles {
  static final long MAX_FILE_BYTES = 16L << 20;
  private static final int BUFFER = 1 << 16;

  private final String location;
  private final String nodeName;

  /** Relative path to content; null content for a file too large to hold. */
  private final Map<String, byte[]> files;

  /** Relative path to the file's entry (mode, size). */
  private final Map<String, NodeFiles.Entry> entries;

  private ArchiveNodeFiles(
      String location, String nodeName, Map<String, byte[]> files, Map<String, Entry> entries) {
    this.location = location;
    this.nodeName = nodeName;
    this.files = files;
    this.entries = entries;
  }

  static ArchiveNodeFiles load(Path archive, String node) throws NodeFilesException {
    String name = archive.getFileName().toString();
    if (!Files.isRegularFile(archive)) {
      throw new NodeFilesException(archive + ": no such snapshot archive");
    }
    if (node.isEmpty() || node.contains("/") || node.equals("..") || node.equals(".")) {
      throw new NodeFilesException("--node " + node + ": not a node name");
    }
    String prefix = "nodes/" + node + "/";
    Map<String, byte[]> files = new TreeMap<>();
    Map<String, Entry> entries = new TreeMap<>();
    TreeSet<String> nodesSeen = new TreeSet<>();
    try (ArchiveReader reader = ArchiveReader.open(archive, ArchiveLimits.DEFAULT)) {
      ArchiveReader.Entry entry;
      boolean any = false;
      while ((entry = reader.next()) != null) {
        any = true;
        String path = snapshotPath(entry.path());
        if (path.startsWith("nodes/")) {
          String rest = path.substring("nodes/".length());
          int slash = rest.indexOf('/');
          nodesSeen.add(slash < 0 ? rest : rest.substring(0, slash));
        }
        if (!path.startsWith(prefix) || path.length() == prefix.length()) {
          continue;
        }
        String relative = path.substring(prefix.length());
        String mode = (entry.directory() ? "d" : "-") + permissions(entry.mode());
        entries.put(relative, new Entry(baseName(relative), entry.directory(), mode, entry.size()));
        if (!entry.directory()) {
          files.put(
              relative, entry.size() <= MAX_FILE_BYTES ? reader.content().readAllBytes() : null);
        }
      }
      if (!any) {
        throw new NodeFilesException(name + ": not a tar archive, or an empty one");
      }
    } catch (UnsafeArchiveException e) {
      throw new NodeFilesException(e.getMessage(), e);
    } catch (IOException e) {
      throw new NodeFilesException(
          name + ": cannot be read as a snapshot archive: " + e.getMessage(), e);
    }
    nodesSeen.remove("");
    if (entries.isEmpty()) {
      throw new NodeFilesException(
          name
              + ": has no nodes/"
              + node
              + "/ folder"
              + (nodesSeen.isEmpty()
                  ? " (it holds no node files at all)"
                  : " (nodes present: " + String.join(", ", nodesSeen) + ")"));
    }
    return new ArchiveNodeFiles(
        archive + "!" + prefix.substring(0, prefix.length() - 1), node, files, entries);
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public boolean live() {
    return false;
  }

  @Override
  public Optional<String> nodeName() {
    return Optional.of(nodeName);
  }

  @Override
  public Optional<String> read(String path) throws IOException {
    if (!files.containsKey(path)) {
      return Optional.empty();
    }
    byte[] content = files.get(path);
    if (content == null) {
      throw new IOException(
          path + " is larger than " + MAX_FILE_BYTES + " bytes; not held from the archive");
    }
    return Optional.of(new String(content, StandardCharsets.UTF_8));
  }

  @Override
  public Optional<List<Entry>> list(String directory) {
    String prefix = directory.isEmpty() ? "" : directory + "/";
    List<Entry> children = new ArrayList<>();
    TreeSet<String> implicitDirectories = new TreeSet<>();
    boolean exists = entries.containsKey(directory) && entries.get(directory).directory();
    for (Map.Entry<String, Entry> candidate : entries.entrySet()) {
      String path = candidate.getKey();
      if (!path.startsWith(prefix) || path.equals(directory)) {
        continue;
      }
      exists = true;
      String rest = path.substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash < 0) {
        children.add(candidate.getValue());
      } else {
        implicitDirectories.add(rest.substring(0, slash));
      }
    }
    for (String name : implicitDirectories) {
      if (children.stream().noneMatch(c -> c.name().equals(name))) {
        children.add(new Entry(name, true, "drwxr-xr-x", 0));
      }
    }
    if (!exists) {
      return Optional.empty();
    }
    children.sort(Comparator.comparing(Entry::name, RawBytes.ORDER));
    return Optional.of(children);
  }

  /**
   * The path inside the snapshot of an entry {@link ArchiveReader} has checked and normalised,
   * without a single top-level folder (as {@code tar czf x.tar.gz snapshot/} makes it).
   */
  static String snapshotPath(String path) {
    if (path.startsWith("nodes/") || path.startsWith("cluster/") || path.indexOf('/') < 0) {
      return path;
    }
    return path.substring(path.indexOf('/') + 1);
  }

  private static String permissions(int mode) {
    String letters = "rwxrwxrwx";
    StringBuilder text = new StringBuilder();
    for (int bit = 8; bit >= 0; bit--) {
      text.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
    }
    return text.toString();
  }

  private static String baseName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
