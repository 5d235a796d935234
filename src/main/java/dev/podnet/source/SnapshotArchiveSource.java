package dev.podnet.source;

import dev.podnet.model.Resource;
import dev.podnet.model.SourceInfo;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * A snapshot packed as {@code .tar.gz} (or plain {@code .tar}), read in one sequential pass without
 * unpacking anything to disk. Entries may sit under one top-level folder, as {@code tar czf
 * snap.tar.gz snap/} makes them. Entries with absolute paths or {@code ..} make the whole archive
 * refused: a hostile archive is not analysed.
 */
public final class SnapshotArchiveSource implements ClusterSource {
  private static final int BUFFER = 1 << 16;
  private final Path archive;
  private String collectedAt;

  public SnapshotArchiveSource(Path archive) throws SourceException {
    if (!Files.isRegularFile(archive)) {
      throw new SourceException(archive + ": no such snapshot archive");
    }
    this.archive = archive;
  }

  @Override
  public Map<Resource, String> read(Collection<ListQuery> queries, ItemSink sink)
      throws SourceException {
    Map<String, ListQuery> byPath = new HashMap<>();
    for (ListQuery query : queries) {
      byPath.put(query.resource().path(), query);
    }
    Map<Resource, String> missing = new EnumMap<>(Resource.class);
    queries.forEach(q -> missing.put(q.resource(), "not in the archive"));
    String name = archive.getFileName().toString();
    try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), BUFFER);
        TarArchiveInputStream tar = new TarArchiveInputStream(decompress(file))) {
      TarArchiveEntry entry;
      boolean any = false;
      while ((entry = tar.getNextEntry()) != null) {
        any = true;
        String path = snapshotPath(entry.getName(), name);
        if (!entry.isFile()) {
          continue;
        }
        if (Manifest.PATH.equals(path)) {
          collectedAt = Manifest.collectedAt(new Unclosable(tar), name + "!" + entry.getName());
          continue;
        }
        ListQuery query = byPath.get(path);
        if (query == null) {
          continue;
        }
        Resource resource = query.resource();
        if (missing.remove(resource) == null) {
          throw new SourceException(name + ": holds " + path + " twice");
        }
        KubeListReader.read(
            new Unclosable(tar),
            name + "!" + entry.getName(),
            resource.kind(),
            query.selection(),
            item -> sink.accept(resource, item));
      }
      if (!any) {
        throw new SourceException(name + ": not a tar archive, or an empty one");
      }
    } catch (SourceException e) {
      throw truncatedIfSo(e, name);
    } catch (EOFException e) {
      throw new SourceException(name + ": truncated archive (unexpected end of data)", e);
    } catch (ZipException e) {
      throw new SourceException(name + ": not a valid gzip archive: " + e.getMessage(), e);
    } catch (IOException e) {
      String message = KubeListReader.firstLine(e.getMessage());
      if (message.contains("Truncated") || message.contains("end of")) {
        throw new SourceException(name + ": truncated archive (" + message + ")", e);
      }
      throw new SourceException(name + ": cannot be read as a snapshot archive: " + message, e);
    }
    return missing;
  }

  /** A list cut short by a truncated archive reads as truncated JSON; say what really happened. */
  private static SourceException truncatedIfSo(SourceException e, String name) {
    Throwable cause = e.getCause();
    while (cause != null) {
      if (cause instanceof EOFException
          || String.valueOf(cause.getMessage()).contains("Truncated")) {
        return new SourceException(name + ": truncated archive (" + e.getMessage() + ")", e);
      }
      cause = cause.getCause();
    }
    return e;
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

  /**
   * The entry's path inside the snapshot, without a single top-level folder; refuses hostile names.
   */
  static String snapshotPath(String entryName, String archiveName) throws SourceException {
    String normalised = entryName.replace('\\', '/');
    if (normalised.startsWith("/") || normalised.matches("^[A-Za-z]:/.*")) {
      throw new SourceException(
          archiveName + ": entry '" + entryName + "' has an absolute path; archive refused");
    }
    for (String part : normalised.split("/")) {
      if ("..".equals(part)) {
        throw new SourceException(
            archiveName
                + ": entry '"
                + entryName
                + "' leads outside the snapshot; archive refused");
      }
    }
    while (normalised.startsWith("./")) {
      normalised = normalised.substring(2);
    }
    if (normalised.startsWith("cluster/")
        || normalised.startsWith("nodes/")
        || Manifest.PATH.equals(normalised)) {
      return normalised;
    }
    int slash = normalised.indexOf('/');
    return slash < 0 ? normalised : normalised.substring(slash + 1);
  }

  @Override
  public SourceInfo info() {
    return new SourceInfo("snapshot-archive", archive.toString(), null, collectedAt);
  }

  /** Lets a list reader close its parser without closing the archive under it. */
  private static final class Unclosable extends FilterInputStream {
    Unclosable(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
