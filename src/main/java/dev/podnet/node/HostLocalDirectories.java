package dev.podnet.node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where host-local keeps its reservations on a node: every directory under {@code
 * /var/lib/cni/networks}, and the {@code <dataDir>/<network>} of every host-local network that a
 * config in {@code /etc/cni/net.d} names (whether or not the runtime loads that config, since a
 * stale config's state still holds addresses). {@code podnet fix reclaim-ips} reads these.
 */
public final class HostLocalDirectories {
  private HostLocalDirectories() {}

  /**
   * One state directory.
   *
   * @param network the network name: the directory's name
   * @param path the directory relative to the node root, e.g. {@code var/lib/cni/networks/cbr0}
   */
  public record Directory(String network, String path) {}

  /** The state directories that exist under the root, sorted by path. */
  public static List<Directory> find(NodeFiles files) throws IOException {
    TreeMap<String, Directory> found = new TreeMap<>();
    String defaultDir = HostLocalNetwork.DEFAULT_DATA_DIR.substring(1);
    for (NodeFiles.Entry entry : files.list(defaultDir).orElse(List.of())) {
      if (entry.directory()) {
        String path = defaultDir + "/" + entry.name();
        found.put(path, new Directory(entry.name(), path));
      }
    }
    List<CniConfig> configs = new ArrayList<>();
    for (NodeFiles.Entry entry : files.list(NodeInspector.NET_D).orElse(List.of())) {
      if (!entry.directory()
          && ConfigSelection.EXTENSIONS.contains(ConfigSelection.extension(entry.name()))) {
        Optional<String> content = files.read(NodeInspector.NET_D + "/" + entry.name());
        content.ifPresent(c -> configs.add(CniConfigParser.parse(entry.name(), c)));
      }
    }
    for (HostLocalNetwork network : HostLocalNetwork.of(configs, null, Optional.empty())) {
      String path = network.stateDirectory();
      if (!found.containsKey(path)
          && !List.of(path.split("/")).contains("..")
          && files.list(path).isPresent()) {
        found.put(path, new Directory(network.name(), path));
      }
    }
    return List.copyOf(found.values());
  }
}
