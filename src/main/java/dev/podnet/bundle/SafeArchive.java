package dev.podnet.bundle;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads {@code .tar.gz} (or plain {@code .tar}) archives that may be hostile: a bundle from someone
 * else, node files from a pod. One sequential pass, streaming each regular file to a handler
 * ({@link #read}) or unpacking into a directory ({@link #unpack}).
 *
 * <p>Refused, with a one-line error naming the archive and the entry: absolute paths, {@code ..}
 * components, <b>every</b> symbolic or hard link (a snapshot never needs one, and refusing them all
 * leaves no link-target resolution to get wrong), device files and FIFOs, more entries or more
 * uncompressed bytes than the limits allow (declared in a header or actually read), a compression
 * ratio beyond the limit (a decompression bomb), a name that appears twice, and truncation.
 */
public final class SafeArchive {
  private static final int BUFFER = 1 << 16;

  /**
   * Bytes read before the compression ratio is judged: small archives compress well legitimately.
   */
  private static final long RATIO_GRACE_BYTES = 1 << 20;

  private SafeArchive() {}

  /**
   * Bounds on what an archive may expand to.
   *
   * @param maxTotalBytes uncompressed bytes of all entries together
   * @param maxEntries number of entries
   * @param maxRatio uncompressed bytes per compressed byte, judged after the first MiB
   */
  public record Limits(long maxTotalBytes, long maxEntries, long maxRatio) {
    /** Generous enough for a 5,000-node cluster's kubectl output (about 2 GB of pods), no more. */
    public static final Limits DEFAULT = new Limits(16L << 30, 1_000_000, 1_000);

    public Limits {
      if (maxTotalBytes < 1 || maxEntries < 1 || maxRatio < 1) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }
  }

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
  public static void read(Path archive, Limits limits, EntryHandler handler) throws IOException {
    if (!Files.isRegularFile(archive)) {
      throw new UnsafeArchiveException(archive + ": no such archive");
    }
    try (InputStream in = Files.newInputStream(archive)) {
      read(in, archive.getFileName().toString(), limits, handler);
    }
  }

  /**
   * Streams every regular file of an archive to the handler, refusing what is unsafe.
   *
   * @param name the archive's name, for messages
   */
  public static void read(InputStream archive, String name, Limits limits, EntryHandler handler)
      throws IOException {
    Counting compressed = new Counting(new BufferedInputStream(archive, BUFFER), null, null);
    Guard guard = new Guard(name, limits, compressed);
    String entryName = null;
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(guard.wrap(decompress(compressed)))) {
      TarArchiveEntry entry;
      long entries = 0;
      while ((entry = tar.getNextEntry()) != null) {
        entryName = entry.getName();
        guard.entry = entryName;
        if (++entries > limits.maxEntries()) {
          throw guard.refuse("is beyond the limit of " + limits.maxEntries() + " entries");
        }
        String path = checkedPath(name, entry);
        if (entry.isDirectory() || path.isEmpty()) {
          continue;
        }
        if (entry.getSize() > limits.maxTotalBytes() - guard.uncompressed.count) {
          throw guard.refuse(
              "declares "
                  + entry.getSize()
                  + " bytes, beyond the limit of "
                  + limits.maxTotalBytes()
                  + " uncompressed bytes (a decompression bomb?)");
        }
        handler.file(path, new Unclosable(tar));
      }
    } catch (UnsafeArchiveException e) {
      throw e;
    } catch (EOFException e) {
      throw truncated(name, entryName, e);
    } catch (IOException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("runcated")
          || message.contains("nexpected end")
          || message.contains("end of")) {
        throw truncated(name, entryName, e);
      }
      throw new UnsafeArchiveException(
          name
              + (entryName == null ? "" : ": entry '" + entryName + "'")
              + ": cannot be read: "
              + firstLine(message),
          e);
    }
  }

  /**
   * Unpacks an archive into {@code targetDir}, which must not exist yet. Everything is written into
   * a temporary directory beside it and renamed into place only when the whole archive was read; on
   * any refusal or error the temporary directory is removed and nothing is left.
   */
  public static void unpack(Path archive, Path targetDir, Limits limits) throws IOException {
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
            Files.createDirectories(destination.getParent());
            try {
              Files.copy(content, destination);
            } catch (FileAlreadyExistsException e) {
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

  /** The entry's relative path, or a refusal for names and types a snapshot never has. */
  static String checkedPath(String archiveName, TarArchiveEntry entry)
      throws UnsafeArchiveException {
    String entryName = entry.getName();
    String prefix = archiveName + ": entry '" + entryName + "' ";
    if (entry.isSymbolicLink() || entry.isLink()) {
      throw new UnsafeArchiveException(
          prefix
              + "is a "
              + (entry.isSymbolicLink() ? "symbolic" : "hard")
              + " link (to '"
              + entry.getLinkName()
              + "'); archives with links are refused");
    }
    if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
      throw new UnsafeArchiveException(prefix + "is a device file or FIFO; archive refused");
    }
    if (!entry.isFile() && !entry.isDirectory()) {
      throw new UnsafeArchiveException(
          prefix + "has an unsupported type '" + (char) entry.getLinkFlag() + "'; archive refused");
    }
    String normalised = entryName.replace('\\', '/');
    if (normalised.indexOf('\0') >= 0) {
      throw new UnsafeArchiveException(prefix + "has a NUL in its name; archive refused");
    }
    if (normalised.startsWith("/") || normalised.matches("^[A-Za-z]:.*")) {
      throw new UnsafeArchiveException(prefix + "has an absolute path; archive refused");
    }
    StringBuilder path = new StringBuilder();
    for (String part : normalised.split("/")) {
      if ("..".equals(part)) {
        throw new UnsafeArchiveException(prefix + "leads outside the target (..); archive refused");
      }
      if (part.isEmpty() || ".".equals(part)) {
        continue;
      }
      path.append(path.length() == 0 ? "" : "/").append(part);
    }
    return path.toString();
  }

  private static UnsafeArchiveException truncated(
      String name, String entryName, IOException cause) {
    return new UnsafeArchiveException(
        name
            + ": truncated archive"
            + (entryName == null ? "" : " at entry '" + entryName + "'")
            + " (unexpected end of data)",
        cause);
  }

  private static InputStream decompress(InputStream in) throws IOException {
    in.mark(2);
    int first = in.read();
    int second = in.read();
    in.reset();
    if (first == 0x1f && second == 0x8b) {
      return new GzipCompressorInputStream(in, true);
    }
    return in;
  }

  static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: the caller is already failing for a better reason
    }
  }

  /** Tracks the bytes coming out of the decompressor and refuses when a limit is crossed. */
  private static final class Guard {
    final String archive;
    final Limits limits;
    final Counting compressed;
    Counting uncompressed;
    String entry;

    Guard(String archive, Limits limits, Counting compressed) {
      this.archive = archive;
      this.limits = limits;
      this.compressed = compressed;
    }

    InputStream wrap(InputStream decompressed) {
      uncompressed = new Counting(decompressed, this, compressed);
      return uncompressed;
    }

    void check(long total, long compressedBytes) throws UnsafeArchiveException {
      if (total > limits.maxTotalBytes()) {
        throw refuse(
            "expands beyond the limit of "
                + limits.maxTotalBytes()
                + " uncompressed bytes (a decompression bomb?)");
      }
      if (total > RATIO_GRACE_BYTES && total / Math.max(1, compressedBytes) > limits.maxRatio()) {
        throw refuse(
            "expands "
                + total / Math.max(1, compressedBytes)
                + " times its compressed size, beyond the limit of "
                + limits.maxRatio()
                + " (a decompression bomb?)");
      }
    }

    UnsafeArchiveException refuse(String why) {
      return new UnsafeArchiveException(
          archive
              + ": "
              + (entry == null ? "archive" : "entry '" + entry + "'")
              + " "
              + why
              + "; archive refused");
    }
  }

  /** Counts bytes read; with a guard, checks the limits after every read. */
  private static final class Counting extends FilterInputStream {
    private final Guard guard;
    private final Counting compressed;
    long count;

    Counting(InputStream in, Guard guard, Counting compressed) {
      super(in);
      this.guard = guard;
      this.compressed = compressed;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        counted(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // read instead of skip, so skipped bytes are counted and checked too
      byte[] scratch = new byte[(int) Math.min(n, BUFFER)];
      int read = read(scratch, 0, scratch.length);
      return Math.max(read, 0);
    }

    private void counted(long n) throws UnsafeArchiveException {
      count += n;
      if (guard != null) {
        guard.check(count, compressed.count);
      }
    }
  }

  /** Lets a handler close its stream without closing the archive under it. */
  private static final class Unclosable extends FilterInputStream {
    Unclosable(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
