package dev.podnet.bundle;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Writes a bundle {@code .tar.gz} all or nothing: into {@code OUT.partial-<random>} beside the
 * target, renamed onto {@code OUT} by {@link #commit()}; {@link #close()} without a commit removes
 * everything written. An existing {@code OUT} is never replaced unless asked to.
 *
 * <p>A tar header needs the entry's size first, so an entry opened with {@link #newEntry} is staged
 * in a file beside the partial archive (one at a time) and copied in when its stream is closed.
 */
public final class BundleWriter implements Closeable {
  private final Path target;
  private final boolean replace;
  private final Path partial;
  private final Path staging;
  private final TarArchiveOutputStream tar;
  private final Set<String> written = new HashSet<>();
  private long entryTime;
  private boolean committed;
  private boolean entryOpen;

  private BundleWriter(
      Path target, boolean replace, Path partial, Path staging, TarArchiveOutputStream tar) {
    this.target = target;
    this.replace = replace;
    this.partial = partial;
    this.staging = staging;
    this.tar = tar;
  }

  /**
   * Starts a bundle.
   *
   * @param replace true (from {@code --force}) to replace an existing file at {@code target}
   * @throws FileAlreadyExistsException when {@code target} exists and {@code replace} is false
   */
  public static BundleWriter create(Path target, boolean replace) throws IOException {
    Path absolute = target.toAbsolutePath().normalize();
    if (!replace && Files.exists(absolute)) {
      throw new FileAlreadyExistsException(target + ": already exists; pass --force to replace it");
    }
    if (Files.isDirectory(absolute)) {
      throw new FileAlreadyExistsException(target + ": is a directory");
    }
    Path parent = absolute.getParent();
    if (!Files.isDirectory(parent)) {
      throw new java.nio.file.NoSuchFileException(parent + ": no such directory");
    }
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    String suffix = ".partial-" + HexFormat.of().formatHex(random);
    Path partial = parent.resolve(absolute.getFileName() + suffix);
    Path staging = parent.resolve(absolute.getFileName() + suffix + ".entry");
    OutputStream file =
        Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      TarArchiveOutputStream tar =
          new TarArchiveOutputStream(
              new GzipCompressorOutputStream(new BufferedOutputStream(file, 1 << 16)));
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      return new BundleWriter(absolute, replace, partial, staging, tar);
    } catch (IOException | RuntimeException e) {
      file.close();
      Files.deleteIfExists(partial);
      throw e;
    }
  }

  /**
   * The modification time of entries written from now on (the collection time, not the wall clock).
   */
  public void entryTime(java.time.Instant time) {
    this.entryTime = time.toEpochMilli();
  }

  /** Adds a whole entry. */
  public void add(String path, byte[] content) throws IOException {
    try (OutputStream out = newEntry(path)) {
      out.write(content);
    }
  }

  /** Opens an entry; it is added to the archive when the returned stream is closed. */
  public Entry newEntry(String path) throws IOException {
    if (committed) {
      throw new IllegalStateException("bundle already committed");
    }
    if (entryOpen) {
      throw new IllegalStateException(
          "one entry at a time: close the one before " + path + " first");
    }
    if (!written.add(path)) {
      throw new IllegalArgumentException(path + " written twice");
    }
    entryOpen = true;
    return new Entry(path);
  }

  /** One entry being written; {@link #close()} adds it, {@link #discard()} drops it. */
  public final class Entry extends OutputStream {
    private final String path;
    private final OutputStream staged;
    private boolean finished;

    private Entry(String path) throws IOException {
      this.path = path;
      this.staged =
          new BufferedOutputStream(
              Files.newOutputStream(
                  staging,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.TRUNCATE_EXISTING,
                  StandardOpenOption.WRITE),
              1 << 16);
    }

    @Override
    public void write(int b) throws IOException {
      staged.write(b);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
      staged.write(buffer, offset, length);
    }

    @Override
    public void close() throws IOException {
      if (finished) {
        return;
      }
      finished = true;
      staged.close();
      entryOpen = false;
      copyStaged(path);
    }

    /** Drops the entry: nothing of it reaches the archive, and its name may be used again. */
    public void discard() throws IOException {
      if (finished) {
        return;
      }
      finished = true;
      try {
        staged.close();
      } finally {
        entryOpen = false;
        written.remove(path);
        Files.deleteIfExists(staging);
      }
    }
  }

  private void copyStaged(String path) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(path);
    entry.setSize(Files.size(staging));
    entry.setMode(0644);
    entry.setModTime(entryTime);
    tar.putArchiveEntry(entry);
    Files.copy(staging, tar);
    tar.closeArchiveEntry();
    Files.delete(staging);
  }

  /** Finishes the archive, flushes it to disk and renames it onto the target. */
  public void commit() throws IOException {
    if (entryOpen) {
      throw new IllegalStateException("an entry is still open");
    }
    tar.finish();
    tar.close();
    try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    if (replace) {
      Files.move(
          partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } else {
      // rename(2) replaces silently; a hard link fails if the target appeared meanwhile
      boolean linked;
      try {
        Files.createLink(target, partial);
        linked = true;
      } catch (FileAlreadyExistsException e) {
        throw new FileAlreadyExistsException(
            target + ": already exists; pass --force to replace it");
      } catch (IOException | UnsupportedOperationException noHardLinks) {
        linked = false;
      }
      if (linked) {
        committed = true;
        Files.delete(partial);
      } else {
        if (Files.exists(target)) {
          throw new FileAlreadyExistsException(
              target + ": already exists; pass --force to replace it");
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      }
    }
    committed = true;
  }

  /** The file that will become the bundle. */
  public Path target() {
    return target;
  }

  /** Removes the partial archive (unless it became the bundle) and any staged entry. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      try {
        tar.close();
      } catch (IOException | RuntimeException ignored) {
        // it is being thrown away
      }
    }
    // after a commit by hard link, a leftover partial is only a second name of the bundle
    Files.deleteIfExists(partial);
    Files.deleteIfExists(staging);
  }
}
