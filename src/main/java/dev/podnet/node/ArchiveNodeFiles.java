package dev.podnet.node;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

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
    try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), BUFFER);
        TarArchiveInputStream tar = new TarArchiveInputStream(decompress(file))) {
      TarArchiveEntry entry;
      boolean any = false;
      while ((entry = tar.getNextEntry()) != null) {
        any = true;
        String path = snapshotPath(name, entry);
        if (path.startsWith("nodes/")) {
          String rest = path.substring("nodes/".length());
          int slash = rest.indexOf('/');
          nodesSeen.add(slash < 0 ? rest : rest.substring(0, slash));
        }
        if (!path.startsWith(prefix) || path.length() == prefix.length()) {
          continue;
        }
        String relative = path.substring(prefix.length());
        if (relative.endsWith("/")) {
          relative = relative.substring(0, relative.length() - 1);
        }
        String mode = (entry.isDirectory() ? "d" : "-") + permissions(entry.getMode());
        entries.put(
            relative, new Entry(baseName(relative), entry.isDirectory(), mode, entry.getSize()));
        if (entry.isFile()) {
          files.put(relative, entry.getSize() <= MAX_FILE_BYTES ? tar.readAllBytes() : null);
        }
      }
      if (!any) {
        throw new NodeFilesException(name + ": not a tar archive, or an empty one");
      }
    } catch (EOFException e) {
      throw new NodeFilesException(name + ": truncated archive (unexpected end of data)", e);
    } catch (ZipException e) {
      throw new NodeFilesException(name + ": not a valid gzip archive: " + e.getMessage(), e);
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
   * The entry's path inside the snapshot, without a single top-level folder; absolute paths, {@code
   * ..}, links and special files are refused, as for every archive podnet reads.
   */
  static String snapshotPath(String archiveName, TarArchiveEntry entry) throws NodeFilesException {
    String entryName = entry.getName();
    String prefix = archiveName + ": entry '" + entryName + "' ";
    if (entry.isSymbolicLink() || entry.isLink()) {
      throw new NodeFilesException(prefix + "is a link; archives with links are refused");
    }
    if (!entry.isFile() && !entry.isDirectory()) {
      throw new NodeFilesException(prefix + "is not a regular file or directory; archive refused");
    }
    String normalised = entryName.replace('\\', '/');
    if (normalised.startsWith("/") || normalised.matches("^[A-Za-z]:.*")) {
      throw new NodeFilesException(prefix + "has an absolute path; archive refused");
    }
    List<String> parts = new ArrayList<>();
    for (String part : normalised.split("/")) {
      if ("..".equals(part)) {
        throw new NodeFilesException(prefix + "leads outside the snapshot (..); archive refused");
      }
      if (!part.isEmpty() && !".".equals(part)) {
        parts.add(part);
      }
    }
    String path = String.join("/", parts);
    if (path.startsWith("nodes/") || path.startsWith("cluster/") || parts.size() <= 1) {
      return path;
    }
    return String.join("/", parts.subList(1, parts.size()));
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

  static InputStream decompress(InputStream in) throws IOException {
    in.mark(2);
    int first = in.read();
    int second = in.read();
    in.reset();
    if (first == 0x1f && second == 0x8b) {
      return GzipCompressorInputStream.builder()
          .setInputStream(in)
          .setDecompressConcatenated(true)
          .get();
    }
    return in;
  }
}
