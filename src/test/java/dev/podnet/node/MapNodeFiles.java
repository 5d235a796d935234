package dev.podnet.node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** A node root held in a map, path to content; directories are implied by the paths. */
final class MapNodeFiles implements NodeFiles {
  private final Map<String, String> files = new TreeMap<>();
  private final Map<String, String> modes = new TreeMap<>();
  private final boolean live;

  MapNodeFiles(boolean live) {
    this.live = live;
  }

  static MapNodeFiles collected() {
    return new MapNodeFiles(false);
  }

  MapNodeFiles with(String path, String content) {
    files.put(path, content);
    return this;
  }

  MapNodeFiles withMode(String path, String content, String mode) {
    modes.put(path, mode);
    return with(path, content);
  }

  @Override
  public String location() {
    return "test-root";
  }

  @Override
  public boolean live() {
    return live;
  }

  @Override
  public Optional<String> nodeName() {
    return Optional.of("worker-1");
  }

  @Override
  public Optional<String> read(String path) {
    return Optional.ofNullable(files.get(path));
  }

  @Override
  public Optional<List<Entry>> list(String directory) {
    String prefix = directory + "/";
    List<Entry> entries = new ArrayList<>();
    TreeSet<String> directories = new TreeSet<>();
    boolean exists = false;
    for (Map.Entry<String, String> file : files.entrySet()) {
      if (!file.getKey().startsWith(prefix)) {
        continue;
      }
      exists = true;
      String rest = file.getKey().substring(prefix.length());
      if (rest.isEmpty()) {
        continue; // a marker for an empty directory
      }
      int slash = rest.indexOf('/');
      if (slash >= 0) {
        directories.add(rest.substring(0, slash));
      } else {
        entries.add(
            new Entry(
                rest,
                false,
                modes.getOrDefault(file.getKey(), "-rw-r--r--"),
                file.getValue().length()));
      }
    }
    directories.forEach(d -> entries.add(new Entry(d, true, "drwxr-xr-x", 0)));
    entries.sort(Comparator.comparing(Entry::name, RawBytes.ORDER));
    return exists ? Optional.of(entries) : Optional.empty();
  }
}
