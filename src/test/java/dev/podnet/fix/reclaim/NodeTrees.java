package dev.podnet.fix.reclaim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Copies of example node roots, and what a directory holds, byte for byte, for comparisons. */
final class NodeTrees {
  static final Path EXAMPLE = Path.of("examples/host-local-leak");

  /** When the example's reservations were made, and when its sandbox list was saved. */
  static final Instant RESERVED = Instant.parse("2026-11-20T09:20:00Z");

  static final Instant SANDBOXES_SAVED = Instant.parse("2026-11-20T09:58:30Z");

  private NodeTrees() {}

  /**
   * Copies {@code examples/host-local-leak} into {@code target}, with host-local's modes (0600
   * files) and times: reservations made before the sandbox list was saved, as on a real node.
   */
  static Path copyExample(Path target) throws IOException {
    try (Stream<Path> paths = Files.walk(EXAMPLE)) {
      for (Path path : paths.sorted().toList()) {
        Path copy = target.resolve(EXAMPLE.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(path, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Path networks = target.resolve("nodes/worker-1/var/lib/cni/networks/lab-bridge");
    try (Stream<Path> files = Files.list(networks)) {
      for (Path file : files.toList()) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.setLastModifiedTime(file, FileTime.from(RESERVED));
      }
    }
    Files.setLastModifiedTime(
        target.resolve("nodes/worker-1/sandboxes.json"), FileTime.from(SANDBOXES_SAVED));
    return target;
  }

  /** Every file below the directory: relative path to size, hex bytes, permissions, mtime. */
  static Map<String, String> contents(Path directory) throws IOException {
    Map<String, String> contents = new TreeMap<>();
    if (!Files.exists(directory)) {
      return contents;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted().toList()) {
        String relative = directory.relativize(path).toString();
        String mode =
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
        if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
          contents.put(
              relative,
              java.util.HexFormat.of().formatHex(Files.readAllBytes(path))
                  + " "
                  + mode
                  + " "
                  + Files.getLastModifiedTime(path).toInstant());
        } else {
          contents.put(relative + "/", mode);
        }
      }
    }
    return contents;
  }

  static List<String> names(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
