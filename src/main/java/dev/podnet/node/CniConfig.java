package dev.podnet.node;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One file of the CNI conf dir as libcni and go-cni read it: a {@code .conf}/{@code .json} single
 * plugin or a {@code .conflist}, with the exact error containerd reports when it cannot load it.
 *
 * @param fileName the name in {@code /etc/cni/net.d}
 * @param list whether it is read as a {@code .conflist}
 * @param networkName the network's {@code name}, or null
 * @param cniVersion the {@code cniVersion} as written, or null
 * @param plugins the plugin entries in order (one for a single-plugin conf)
 * @param loadError go-cni's error for this file ({@code failed to load CNI config list file ...:
 *     invalid cni config}), or null when it loads
 * @param skipReason why CRI-O (ocicni) skips it, the libcni error without go-cni's wrapping, or
 *     null
 * @param problems what breaks later although the file loads: an unsupported {@code cniVersion}, a
 *     template placeholder left unrendered
 */
record CniConfig(
    String fileName,
    boolean list,
    String networkName,
    String cniVersion,
    List<CniPlugin> plugins,
    String loadError,
    String skipReason,
    List<String> problems) {

  /** The directory every runtime reads by default; paths in messages are written with it. */
  static final String CONF_DIR = "/etc/cni/net.d";

  /** The versions current libcni accepts ({@code pkg/version}). */
  static final List<String> SUPPORTED_VERSIONS =
      List.of("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");

  CniConfig {
    plugins = List.copyOf(plugins);
    problems = List.copyOf(problems);
  }

  /** Whether the runtime can load the file at all. */
  boolean loads() {
    return loadError == null;
  }

  /** The path the runtime names in its messages, e.g. {@code /etc/cni/net.d/10-calico.conflist}. */
  String runtimePath() {
    return CONF_DIR + "/" + fileName;
  }

  /** The type that identifies the CNI: the first plugin's, e.g. {@code calico}; or empty. */
  Optional<String> primaryType() {
    return plugins.isEmpty() ? Optional.empty() : Optional.of(plugins.get(0).type());
  }

  /**
   * The CNI behind a meta plugin: for Multus, the primary type of its first delegate; otherwise the
   * primary type.
   */
  Optional<String> effectiveType() {
    Optional<String> primary = primaryType();
    if (primary.isPresent() && primary.get().equals("multus")) {
      List<CniPlugin> delegates = plugins.get(0).delegatedPlugins();
      return delegates.isEmpty() ? primary : Optional.of(delegates.get(0).type());
    }
    return primary;
  }

  /** The plugin types in order, without repeats, e.g. {@code calico, portmap}. */
  List<String> types() {
    Set<String> types = new LinkedHashSet<>();
    plugins.forEach(p -> types.add(p.type()));
    return new ArrayList<>(types);
  }
}
