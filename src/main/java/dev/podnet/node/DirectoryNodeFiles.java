package dev.podnet.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A node root on disk: {@code /} on a node, or a snapshot's {@code nodes/<node>} folder. */
final class DirectoryNodeFiles implements NodeFiles {
  /** Files bigger than this are not read into memory (node configs and state are tiny). */
  static final long MAX_FILE_BYTES = 16L << 20;

  private final Path root;
  private final boolean live;
  private final String nodeName;

  private DirectoryNodeFiles(Path root, boolean live, String nodeName) {
    this.root = root;
    this.live = live;
    this.nodeName = nodeName;
  }

  static DirectoryNodeFiles open(Path root) throws NodeFilesException {
    if (!Files.isDirectory(root)) {
      throw new NodeFilesException(root + ": no such directory");
    }
    if (!Files.isReadable(root)) {
      throw new NodeFilesException(root + ": not readable");
    }
    Path absolute = root.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    boolean inSnapshot =
        parent != null
            && parent.getFileName() != null
            && parent.getFileName().toString().equals("nodes");
    String name = inSnapshot ? absolute.getFileName().toString() : null;
    return new DirectoryNodeFiles(root, !inSnapshot, name);
  }

  @Override
  public String location() {
    return root.toString();
  }

  @Override
  public boolean live() {
    return live;
  }

  @Override
  public Optional<String> nodeName() {
    return Optional.ofNullable(nodeName);
  }

  @Override
  public Optional<String> read(String path) throws IOException {
    Path file = resolve(path);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new IOException(path + " is " + size + " bytes, more than a node config holds");
    }
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (java.nio.charset.MalformedInputException e) {
      return Optional.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }
  }

  @Override
  public Optional<List<Entry>> list(String directory) throws IOException {
    Path dir = resolve(directory);
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    List<Entry> entries = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        entries.add(entry(child));
      }
    }
    entries.sort(Comparator.comparing(Entry::name, RawBytes.ORDER));
    return Optional.of(entries);
  }

  /** An entry as {@code os.Stat} sees it: links followed, as the runtimes follow them. */
  private static Entry entry(Path child) throws IOException {
    String name = child.getFileName().toString();
    boolean directory = Files.isDirectory(child);
    long size = Files.isRegularFile(child) ? Files.size(child) : 0;
    String mode;
    try {
      PosixFileAttributes attributes = Files.readAttributes(child, PosixFileAttributes.class);
      char type = attributes.isDirectory() ? 'd' : attributes.isRegularFile() ? '-' : '?';
      mode = type + PosixFilePermissions.toString(attributes.permissions());
    } catch (NoSuchFileException e) {
      mode = "l?????????"; // a dangling symbolic link: os.Stat fails on it too
    } catch (UnsupportedOperationException e) {
      mode = (directory ? "d" : "-") + "?????????";
    }
    return new Entry(name, directory, mode, size);
  }

  /** Resolves a relative path below the root; {@code ..} is refused, so nothing outside is read. */
  private Path resolve(String path) throws IOException {
    if (path.startsWith("/") || List.of(path.split("/")).contains("..")) {
      throw new IOException("path " + path + " leaves the node root");
    }
    return root.resolve(path);
  }
}
