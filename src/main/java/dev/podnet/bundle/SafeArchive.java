package dev.podnet.bundle;

import dev.podnet.source.ArchiveLimits;
import dev.podnet.source.ArchiveReader;
import dev.podnet.source.UnsafeArchiveException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Reads {@code .tar.gz} (or plain {@code .tar}) archives that may be hostile: a bundle from someone
 * else, node files from a pod. One sequential pass, streaming each regular file to a handler
 * ({@link #read}) or unpacking into a directory ({@link #unpack}).
 *
 * <p>What is refused and within which limits is decided in one place, {@link ArchiveReader} (in
 * {@code source}, which the snapshot source shares); unpacking adds the refusal of a name that
 * appears twice and never writes outside, or beside, its target.
 */
public final class SafeArchive {
  private SafeArchive() {}

  /**
   * Receives one regular file of an archive; the stream ends with the entry and need not be read.
   */
  @FunctionalInterface
  public interface EntryHandler {
    /**
     * @param path the entry's normalised relative path ({@code a/b.json}, no leading {@code ./})
     */
    void file(String path, InputStream content) throws IOException;
  }

  /** Streams every regular file of an archive on disk to the handler, refusing what is unsafe. */
  public static void read(Path archive, ArchiveLimits limits, EntryHandler handler)
      throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive, limits)) {
      read(reader, handler);
    }
  }

  /**
   * Streams every regular file of an archive to the handler, refusing what is unsafe.
   *
   * @param name the archive's name, for messages
   */
  public static void read(
      InputStream archive, String name, ArchiveLimits limits, EntryHandler handler)
      throws IOException {
    try (ArchiveReader reader = ArchiveReader.open(archive, name, limits)) {
      read(reader, handler);
    }
  }

  private static void read(ArchiveReader reader, EntryHandler handler) throws IOException {
    ArchiveReader.Entry entry;
    while ((entry = reader.next()) != null) {
      if (!entry.directory() && !entry.path().isEmpty()) {
        handler.file(entry.path(), reader.content());
      }
    }
  }

  /**
   * Unpacks an archive into {@code targetDir}, which must not exist yet. Everything is written into
   * a temporary directory beside it and renamed into place only when the whole archive was read; on
   * any refusal or error the temporary directory is removed and nothing is left.
   */
  public static void unpack(Path archive, Path targetDir, ArchiveLimits limits) throws IOException {
    Path target = targetDir.toAbsolutePath().normalize();
    if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new UnsafeArchiveException(target + ": already exists; unpack into a new directory");
    }
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path staging = Files.createTempDirectory(parent, "." + target.getFileName() + ".unpack-");
    String name = archive.getFileName().toString();
    boolean done = false;
    try {
      read(
          archive,
          limits,
          (path, content) -> {
            Path destination = staging.resolve(path).normalize();
            if (!destination.startsWith(staging)) {
              throw new UnsafeArchiveException(
                  name + ": entry '" + path + "' leads outside the target; archive refused");
            }
            try {
              Files.createDirectories(destination.getParent());
              Files.copy(content, destination);
            } catch (FileAlreadyExistsException | java.nio.file.NotDirectoryException e) {
              throw new UnsafeArchiveException(
                  name + ": entry '" + path + "' appears twice; archive refused", e);
            }
          });
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      done = true;
    } finally {
      if (!done) {
        deleteTree(staging);
      }
    }
  }

  static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Deletes {@code root} and everything under it, as far as it can; links are not followed. */
  public static void deleteTree(Path root) {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: the caller is already failing for a better reason
    }
  }
}
