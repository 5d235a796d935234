package dev.podnet.source;

import dev.podnet.model.Resource;
import dev.podnet.model.SourceInfo;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/** A snapshot laid out as a directory (DESIGN.md section 3). */
public final class SnapshotDirectorySource implements ClusterSource {
  private static final int BUFFER = 1 << 16;
  private final Path root;
  private String collectedAt;

  public SnapshotDirectorySource(Path root) throws SourceException {
    if (!Files.isDirectory(root)) {
      throw new SourceException(root + ": not a snapshot directory (no such directory)");
    }
    this.root = root;
  }

  @Override
  public Map<Resource, String> read(Collection<ListQuery> queries, ItemSink sink)
      throws SourceException {
    collectedAt = readManifest();
    Map<Resource, String> missing = new EnumMap<>(Resource.class);
    for (ListQuery query : queries) {
      Resource resource = query.resource();
      Path file = root.resolve(resource.path());
      if (!Files.isRegularFile(file)) {
        missing.put(resource, "not in the snapshot");
        continue;
      }
      String name = root.relativize(file).toString();
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
        KubeListReader.read(
            in, name, resource.kind(), query.selection(), item -> sink.accept(resource, item));
      } catch (IOException e) {
        throw new SourceException(name + ": cannot be read: " + e.getMessage(), e);
      }
    }
    return missing;
  }

  private String readManifest() throws SourceException {
    Path manifest = root.resolve(Manifest.PATH);
    if (!Files.isRegularFile(manifest)) {
      return null;
    }
    try (InputStream in = Files.newInputStream(manifest)) {
      return Manifest.collectedAt(in, Manifest.PATH);
    } catch (IOException e) {
      throw new SourceException(Manifest.PATH + ": cannot be read: " + e.getMessage(), e);
    }
  }

  @Override
  public SourceInfo info() {
    return new SourceInfo("snapshot-dir", root.toString(), null, collectedAt);
  }
}
