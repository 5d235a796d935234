package dev.podnet.source;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads a {@code .tar.gz} (or plain {@code .tar}) that may be hostile, one entry at a time in one
 * sequential pass, writing nothing anywhere. It is the one place podnet's archive rules live: the
 * snapshot source ({@code --snapshot x.tar.gz}) and the bundle's reading of node files and bundles
 * both go through it.
 *
 * <p>Refused, with a one-line {@link UnsafeArchiveException} naming the archive and the entry:
 * absolute paths, {@code ..} components, NUL or control characters in a name, names longer than
 * {@value #MAX_NAME_LENGTH} characters, headers (GNU long names, PAX records) beyond {@value
 * #MAX_HEADER_BYTES} bytes, <b>every</b> symbolic or hard link (a snapshot never needs one, and
 * refusing them all leaves no link-target resolution to get wrong), device files, FIFOs and sparse
 * files, more entries or more uncompressed bytes than the {@link ArchiveLimits} allow (declared in
 * a header or actually read, skipped bytes included), a compression ratio beyond the limit, and
 * truncation: data cut inside an entry, a gzip stream without its trailer, a tar without its
 * end-of-archive record.
 */
public final class ArchiveReader implements Closeable {
  /** Linux's PATH_MAX: no real snapshot file has a longer name. */
  static final int MAX_NAME_LENGTH = 4096;

  /** Bytes one entry's headers may take (a PAX record or GNU long name is held in memory). */
  static final long MAX_HEADER_BYTES = 1 << 20;

  /** Uncompressed bytes read before the ratio is judged: small archives compress well. */
  private static final long RATIO_GRACE_BYTES = 1 << 20;

  private static final int BUFFER = 1 << 16;

  /**
   * One regular file or directory of the archive.
   *
   * @param name the name as stored, for messages
   * @param path the normalised relative path ({@code a/b.json}: no leading {@code ./}, no empty or
   *     {@code .} components); empty for the archive's root directory
   * @param size the bytes the header declares (0 for a directory)
   * @param mode the permission bits
   */
  public record Entry(String name, String path, boolean directory, long size, int mode) {}

  private final String archive;
  private final ArchiveLimits limits;
  private final GzipCompressorInputStream gzip;
  private final Counting uncompressed;
  private final CheckedTar tar;
  private final InputStream content = new Content();
  private long entries;
  private String current;
  private String previous;
  private long headerStart = -1;
  private boolean ended;

  private ArchiveReader(String archive, ArchiveLimits limits, InputStream raw) throws IOException {
    this.archive = archive;
    this.limits = limits;
    InputStream buffered = new BufferedInputStream(raw, BUFFER);
    buffered.mark(2);
    int first = buffered.read();
    int second = buffered.read();
    buffered.reset();
    if (first == 0x1f && second == 0x8b) {
      try {
        gzip = new GzipCompressorInputStream(buffered, true);
      } catch (IOException e) {
        raw.close();
        throw unreadable(e);
      }
    } else {
      gzip = null;
    }
    uncompressed = new Counting(gzip == null ? buffered : gzip);
    tar = new CheckedTar(uncompressed);
  }

  /** Opens an archive on disk; the reader must be closed. */
  public static ArchiveReader open(Path file, ArchiveLimits limits) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new UnsafeArchiveException(file + ": no such archive");
    }
    return new ArchiveReader(file.getFileName().toString(), limits, Files.newInputStream(file));
  }

  /**
   * Reads an archive from a stream, which the reader closes.
   *
   * @param name the archive's name, for messages
   */
  public static ArchiveReader open(InputStream raw, String name, ArchiveLimits limits)
      throws IOException {
    return new ArchiveReader(name, limits, raw);
  }

  /** The archive's name as messages show it. */
  public String name() {
    return archive;
  }

  /**
   * The next regular file or directory, checked, or null after the last one. What the caller left
   * unread of the previous entry is read (and counted) first; after the last entry the rest of the
   * stream is read too, so a cut gzip trailer is noticed.
   */
  public Entry next() throws UnsafeArchiveException {
    if (ended) {
      return null;
    }
    try {
      if (current != null) {
        drain(tar);
        previous = current;
        current = null;
      }
      headerStart = uncompressed.count;
      TarArchiveEntry entry = tar.getNextEntry();
      headerStart = -1;
      if (entry == null) {
        if (tar.cutShort && entries > 0) {
          throw truncated(null);
        }
        drain(uncompressed);
        ended = true;
        return null;
      }
      current = entry.getName();
      if (++entries > limits.maxEntries()) {
        throw refuse("is beyond the limit of " + limits.maxEntries() + " entries");
      }
      return checked(entry);
    } catch (UnsafeArchiveException e) {
      throw e;
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  /**
   * The content of the entry {@link #next()} returned last. It ends with the entry; closing it
   * leaves the archive open; a read error is an {@link UnsafeArchiveException} naming the entry.
   */
  public InputStream content() {
    return content;
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }

  private Entry checked(TarArchiveEntry entry) throws UnsafeArchiveException {
    String name = entry.getName();
    if (name.length() > MAX_NAME_LENGTH) {
      throw refuse(
          "has a name of "
              + name.length()
              + " characters, beyond the limit of "
              + MAX_NAME_LENGTH
              + " (an over-long entry)");
    }
    if (entry.isSymbolicLink() || entry.isLink()) {
      throw refuse(
          "is a "
              + (entry.isSymbolicLink() ? "symbolic" : "hard")
              + " link (to '"
              + printable(entry.getLinkName())
              + "'); archives with links are refused");
    }
    if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
      throw refuse("is a device file or FIFO");
    }
    if (entry.isSparse()) {
      throw refuse("is a sparse file (its holes would expand unchecked)");
    }
    if (!entry.isFile() && !entry.isDirectory()) {
      throw refuse("has an unsupported type '" + (char) entry.getLinkFlag() + "'");
    }
    String normalised = name.replace('\\', '/');
    for (int i = 0; i < normalised.length(); i++) {
      if (normalised.charAt(i) < 0x20) {
        throw refuse("has a NUL or control character in its name");
      }
    }
    if (normalised.startsWith("/") || normalised.matches("^[A-Za-z]:.*")) {
      throw refuse("has an absolute path");
    }
    StringBuilder path = new StringBuilder();
    for (String part : normalised.split("/")) {
      if ("..".equals(part)) {
        throw refuse("leads outside the archive (..)");
      }
      if (part.isEmpty() || ".".equals(part)) {
        continue;
      }
      path.append(path.length() == 0 ? "" : "/").append(part);
    }
    long size = entry.isDirectory() ? 0 : entry.getSize();
    if (size > limits.maxTotalBytes() - uncompressed.count) {
      throw refuse(
          "declares "
              + size
              + " bytes, beyond the limit of "
              + limits.maxTotalBytes()
              + " uncompressed bytes (a decompression bomb?)");
    }
    if (size > limits.maxEntryBytes()) {
      throw refuse(
          "declares "
              + size
              + " bytes, beyond the limit of "
              + limits.maxEntryBytes()
              + " bytes per entry (an over-long entry)");
    }
    return new Entry(name, path.toString(), entry.isDirectory(), size, entry.getMode());
  }

  private static void drain(InputStream in) throws IOException {
    byte[] scratch = new byte[BUFFER];
    while (in.read(scratch) >= 0) {
      // read, not skipped: every byte passes the limits
    }
  }

  /** Checks the limits after every read of decompressed bytes. */
  private void counted(long total) throws UnsafeArchiveException {
    if (total > limits.maxTotalBytes()) {
      throw refuse(
          "expands beyond the limit of "
              + limits.maxTotalBytes()
              + " uncompressed bytes (a decompression bomb?)");
    }
    if (gzip != null && total > RATIO_GRACE_BYTES) {
      long ratio = total / Math.max(1, gzip.getCompressedCount());
      if (ratio > limits.maxRatio()) {
        throw refuse(
            "expands "
                + ratio
                + " times its compressed size, beyond the limit of "
                + limits.maxRatio()
                + " (a decompression bomb?)");
      }
    }
    if (headerStart >= 0 && total - headerStart > MAX_HEADER_BYTES) {
      throw refuse(
          "has headers (long name or PAX records) beyond "
              + MAX_HEADER_BYTES
              + " bytes (an over-long entry)");
    }
  }

  private String place() {
    if (current != null) {
      return "entry '" + printable(current) + "'";
    }
    if (ended || headerStart < 0 && previous != null) {
      return "data after entry '" + printable(previous) + "'";
    }
    return previous == null ? "first entry" : "entry after '" + printable(previous) + "'";
  }

  private UnsafeArchiveException refuse(String why) {
    return new UnsafeArchiveException(archive + ": " + place() + " " + why + "; archive refused");
  }

  private UnsafeArchiveException truncated(IOException cause) {
    String at = current != null ? current : previous;
    return new UnsafeArchiveException(
        archive
            + ": truncated archive"
            + (at == null
                ? ""
                : (current != null ? " at" : " after") + " entry '" + printable(at) + "'")
            + " (unexpected end of data)",
        cause);
  }

  private UnsafeArchiveException unreadable(IOException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnsafeArchiveException unsafe) {
        return unsafe;
      }
    }
    String message = firstLine(String.valueOf(e.getMessage()));
    if (e instanceof EOFException
        || message.contains("runcated")
        || message.contains("nexpected end")
        || message.contains("end of")) {
      return truncated(e);
    }
    if (e instanceof ZipException) {
      return new UnsafeArchiveException(
          archive + ": not a valid gzip archive: " + message + "; archive refused", e);
    }
    return new UnsafeArchiveException(
        archive
            + (current == null ? "" : ": entry '" + printable(current) + "'")
            + ": cannot be read: "
            + message
            + "; archive refused",
        e);
  }

  /** A name as one line of a message: control characters shown as {@code ?}. */
  static String printable(String name) {
    StringBuilder out = new StringBuilder(Math.min(name.length(), 200));
    for (int i = 0; i < name.length() && i < 200; i++) {
      char c = name.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return name.length() > 200 ? out + "..." : out.toString();
  }

  static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Notices a tar that ends without its end-of-archive record: cut at a block boundary. */
  private static final class CheckedTar extends TarArchiveInputStream {
    boolean endRecord;
    boolean cutShort;

    CheckedTar(InputStream in) {
      super(in);
    }

    @Override
    protected boolean isEOFRecord(byte[] record) {
      boolean eof = super.isEOFRecord(record);
      if (record == null && !endRecord) {
        cutShort = true;
      } else if (eof) {
        endRecord = true;
      }
      return eof;
    }
  }

  /** Counts the decompressed bytes and checks the limits after every read. */
  private final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
        counted(count);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count += n;
        counted(count);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // read instead of skip, so skipped bytes are counted and checked too
      byte[] scratch = new byte[(int) Math.min(Math.max(n, 0), BUFFER)];
      int read = read(scratch, 0, scratch.length);
      return Math.max(read, 0);
    }
  }

  /** The current entry's bytes; read errors name the entry; closing leaves the archive open. */
  private final class Content extends InputStream {
    @Override
    public int read() throws IOException {
      try {
        return current == null ? -1 : tar.read();
      } catch (UnsafeArchiveException e) {
        throw e;
      } catch (IOException e) {
        throw unreadable(e);
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        return current == null ? -1 : tar.read(buffer, offset, length);
      } catch (UnsafeArchiveException e) {
        throw e;
      } catch (IOException e) {
        throw unreadable(e);
      }
    }

    @Override
    public void close() {}
  }
}
