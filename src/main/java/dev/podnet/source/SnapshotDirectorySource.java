package dev.podnet.source;

import dev.podnet.model.Resource;
import dev.podnet.model.SourceInfo;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

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

  /**
   * Reads the files in parallel, one thread per file up to the number of processors: the pods and
   * events files dominate and are independent, so two cores read them in about the time of the
   * larger one.
   */
  @Override
  public Map<Resource, String> read(Collection<ListQuery> queries, ItemSink sink)
      throws SourceException {
    collectedAt = readManifest();
    Map<Resource, String> missing = new EnumMap<>(Resource.class);
    List<ListQuery> present = new ArrayList<>();
    for (ListQuery query : queries) {
      if (Files.isRegularFile(root.resolve(query.resource().path()))) {
        present.add(query);
      } else {
        missing.put(query.resource(), "not in the snapshot");
      }
    }
    // Largest first, so the longest read starts at once.
    present.sort(Comparator.comparingLong((ListQuery q) -> size(q)).reversed());
    int threads = Math.max(1, Math.min(present.size(), Runtime.getRuntime().availableProcessors()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
    try {
      Map<Resource, Future<?>> reads = new EnumMap<>(Resource.class);
      for (ListQuery query : present) {
        reads.put(
            query.resource(),
            pool.submit(
                () -> {
                  readOne(query, sink);
                  return null;
                }));
      }
      for (ListQuery query : queries) {
        Future<?> read = reads.get(query.resource());
        if (read != null) {
          await(read);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return missing;
  }

  private void readOne(ListQuery query, ItemSink sink) throws SourceException {
    Resource resource = query.resource();
    Path file = root.resolve(resource.path());
    String name = root.relativize(file).toString();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
      KubeListReader.read(
          in, name, resource.kind(), query.selection(), item -> sink.accept(resource, item));
    } catch (IOException e) {
      throw new SourceException(name + ": cannot be read: " + e.getMessage(), e);
    }
  }

  private static void await(Future<?> read) throws SourceException {
    try {
      read.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException("interrupted while reading the snapshot", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SourceException sourceException) {
        throw sourceException;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(cause);
    }
  }

  private long size(ListQuery query) {
    try {
      return Files.size(root.resolve(query.resource().path()));
    } catch (IOException e) {
      return 0;
    }
  }

  private static ThreadFactory daemonThreads() {
    return runnable -> {
      Thread thread = new Thread(runnable, "podnet-snapshot-reader");
      thread.setDaemon(true);
      return thread;
    };
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
