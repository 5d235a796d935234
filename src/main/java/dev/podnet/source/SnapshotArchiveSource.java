package dev.podnet.source;

import dev.podnet.model.Resource;
import dev.podnet.model.SourceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * A snapshot packed as {@code .tar.gz} (or plain {@code .tar}), read in one sequential pass without
 * unpacking anything to disk. Entries may sit under one top-level folder, as {@code tar czf
 * snap.tar.gz snap/} makes them. The archive is read through {@link ArchiveReader}, so a hostile
 * one (absolute paths, {@code ..}, links, devices, a decompression bomb, too many or over-long
 * entries, truncation) is refused whole with one line naming the archive and the entry, before or
 * while it is analysed, and every entry is read, so none escapes the limits by being skipped.
 */
public final class SnapshotArchiveSource implements ClusterSource {
  private final Path archive;
  private final ArchiveLimits limits;
  private String collectedAt;

  /** A snapshot archive read within {@link ArchiveLimits#DEFAULT}. */
  public SnapshotArchiveSource(Path archive) throws SourceException {
    this(archive, ArchiveLimits.DEFAULT);
  }

  /** A snapshot archive read within the given limits (tests use small ones). */
  public SnapshotArchiveSource(Path archive, ArchiveLimits limits) throws SourceException {
    if (!Files.isRegularFile(archive)) {
      throw new SourceException(archive + ": no such snapshot archive");
    }
    this.archive = archive;
    this.limits = limits;
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
    try (ArchiveReader reader = ArchiveReader.open(archive, limits)) {
      ArchiveReader.Entry entry;
      boolean any = false;
      while ((entry = reader.next()) != null) {
        any = true;
        if (entry.directory()) {
          continue;
        }
        String path = snapshotPath(entry.path());
        if (Manifest.PATH.equals(path)) {
          collectedAt = Manifest.collectedAt(reader.content(), name + "!" + entry.name());
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
            reader.content(),
            name + "!" + entry.name(),
            resource.kind(),
            query.selection(),
            item -> sink.accept(resource, item));
      }
      if (!any) {
        throw new SourceException(name + ": not a tar archive, or an empty one");
      }
    } catch (SourceException e) {
      throw refusedIfSo(e);
    } catch (IOException e) {
      throw new SourceException(ArchiveReader.firstLine(String.valueOf(e.getMessage())), e);
    }
    return missing;
  }

  /**
   * A list cut short by a refused or truncated archive reads as broken JSON; say what really
   * happened, in the archive's own words.
   */
  private static SourceException refusedIfSo(SourceException e) {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof UnsafeArchiveException unsafe) {
        return new SourceException(unsafe.getMessage(), e);
      }
    }
    return e;
  }

  /**
   * The entry's path inside the snapshot: an already normalised relative path without a single
   * top-level folder.
   */
  static String snapshotPath(String path) {
    if (path.startsWith("cluster/") || path.startsWith("nodes/") || Manifest.PATH.equals(path)) {
      return path;
    }
    int slash = path.indexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  @Override
  public SourceInfo info() {
    return new SourceInfo("snapshot-archive", archive.toString(), null, collectedAt);
  }
}
