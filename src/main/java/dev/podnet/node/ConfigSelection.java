package dev.podnet.node;

import dev.podnet.node.NodeOptions.Runtime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Which file of the CNI conf dir a runtime loads, and what becomes of every other file, by the
 * upstream rules (shared/reference/cni-config-and-messages.md section 1):
 *
 * <ul>
 *   <li>Both runtimes consider regular files whose last extension is exactly {@code .conf}, {@code
 *       .conflist} or {@code .json} (case-sensitive; libcni {@code ConfFiles}), in raw-byte order
 *       (Go {@code sort.Strings}); subdirectories are skipped.
 *   <li>containerd (go-cni {@code loadFromConfDir}) takes the first {@code max_conf_num} files
 *       (default 1; 0 means all) and the whole load fails at the first invalid one.
 *   <li>CRI-O (ocicni {@code loadNetworks}) skips invalid files and files whose plugins fail
 *       validation (a binary missing), ignores a network name already seen, and uses the first
 *       valid file as the default network.
 * </ul>
 *
 * @param runtime the runtime whose rules were applied
 * @param files every entry of the conf dir, in raw-byte order
 * @param loaded the configs the runtime uses, in order (empty when the load fails or finds none)
 * @param failure go-cni's error when containerd's whole load fails, with the file it stopped at
 */
record ConfigSelection(
    Runtime runtime, List<FileStatus> files, List<CniConfig> loaded, Optional<Failure> failure) {

  static final Set<String> EXTENSIONS = Set.of(".conf", ".conflist", ".json");

  ConfigSelection {
    files = List.copyOf(files);
    loaded = List.copyOf(loaded);
  }

  /** What the runtime does with one file. */
  enum Status {
    LOADED,
    IGNORED,
    INVALID
  }

  /**
   * One file of the conf dir and its fate.
   *
   * @param config the parsed config, or null for a file no runtime reads (and could not be parsed
   *     as one)
   * @param reason why it is ignored or invalid; null when loaded
   */
  record FileStatus(String fileName, CniConfig config, Status status, String reason) {
    /**
     * Whether a runtime reads the file at all (a renamed {@code .bak} copy is parsed for show
     * only).
     */
    boolean considered() {
      return config != null && EXTENSIONS.contains(extension(fileName));
    }

    /** The STATUS cell: {@code loaded}, {@code ignored: <why>}, {@code invalid: <error>}. */
    String statusText() {
      return status == Status.LOADED
          ? "loaded"
          : status.name().toLowerCase(java.util.Locale.ROOT) + ": " + reason;
    }
  }

  /** containerd's load stopped at an invalid file. */
  record Failure(CniConfig file, String error) {}

  /** An entry of the conf dir: a name, whether it is a directory, and its content when a file. */
  record DirEntry(String name, boolean directory, String content) {}

  /**
   * Applies a runtime's rules.
   *
   * @param entries the conf dir's entries, in any order
   * @param maxConfNum containerd's {@code max_conf_num} (0 = no limit)
   * @param missingBinary for CRI-O's validation: the first plugin type of a config whose binary is
   *     missing, or empty; returns empty for every config when the binaries are unknown
   */
  static ConfigSelection select(
      List<DirEntry> entries,
      Runtime runtime,
      int maxConfNum,
      Function<CniConfig, Optional<String>> missingBinary) {
    List<DirEntry> sorted = new ArrayList<>(entries);
    sorted.sort(java.util.Comparator.comparing(DirEntry::name, RawBytes.ORDER));
    List<FileStatus> statuses = new ArrayList<>();
    List<CniConfig> considered = new ArrayList<>();
    for (DirEntry entry : sorted) {
      Optional<String> ignored = notConsidered(entry);
      if (ignored.isPresent()) {
        CniConfig renamed = parseRenamed(entry);
        statuses.add(new FileStatus(entry.name(), renamed, Status.IGNORED, ignored.get()));
      } else {
        CniConfig config = CniConfigParser.parse(entry.name(), entry.content());
        considered.add(config);
        statuses.add(null);
      }
    }
    Decision decision =
        runtime == Runtime.CRIO
            ? crio(considered, missingBinary)
            : containerd(considered, maxConfNum == 0 ? Integer.MAX_VALUE : maxConfNum);
    int next = 0;
    for (int i = 0; i < statuses.size(); i++) {
      if (statuses.get(i) == null) {
        statuses.set(i, decision.statuses().get(next++));
      }
    }
    return new ConfigSelection(runtime, statuses, decision.loaded(), decision.failure());
  }

  private record Decision(
      List<FileStatus> statuses, List<CniConfig> loaded, Optional<Failure> failure) {}

  private static Decision containerd(List<CniConfig> considered, int max) {
    List<FileStatus> statuses = new ArrayList<>();
    List<CniConfig> loaded = new ArrayList<>();
    Failure failure = null;
    for (CniConfig config : considered) {
      if (failure != null) {
        statuses.add(
            ignored(
                config, "not reached: containerd's load failed at " + failure.file().fileName()));
      } else if (loaded.size() >= max) {
        statuses.add(ignored(config, notUsedReason(config, loaded, "containerd")));
      } else if (!config.loads()) {
        failure = new Failure(config, config.loadError());
        statuses.add(new FileStatus(config.fileName(), config, Status.INVALID, config.loadError()));
      } else {
        loaded.add(config);
        statuses.add(new FileStatus(config.fileName(), config, Status.LOADED, null));
      }
    }
    if (failure != null) {
      // go-cni returns the error: nothing from the conf dir is used, not even earlier files.
      List<FileStatus> rewritten = new ArrayList<>();
      for (FileStatus status : statuses) {
        rewritten.add(
            status.status() == Status.LOADED
                ? ignored(
                    status.config(),
                    "would load, but containerd's load failed at " + failure.file().fileName())
                : status);
      }
      return new Decision(rewritten, List.of(), Optional.of(failure));
    }
    return new Decision(statuses, loaded, Optional.empty());
  }

  private static Decision crio(
      List<CniConfig> considered, Function<CniConfig, Optional<String>> missingBinary) {
    List<FileStatus> statuses = new ArrayList<>();
    List<CniConfig> loaded = new ArrayList<>();
    Map<String, String> networks = new HashMap<>();
    for (CniConfig config : considered) {
      if (!config.loads()) {
        statuses.add(
            new FileStatus(
                config.fileName(),
                config,
                Status.INVALID,
                "skipped by CRI-O: " + config.skipReason()));
        continue;
      }
      Optional<String> missing = missingBinary.apply(config);
      if (missing.isPresent()) {
        statuses.add(
            new FileStatus(
                config.fileName(),
                config,
                Status.INVALID,
                "skipped by CRI-O: failed to find plugin \""
                    + missing.get()
                    + "\" in path ["
                    + PluginBinaries.BIN_DIR
                    + "]"));
        continue;
      }
      String network =
          config.networkName() == null || config.networkName().isEmpty()
              ? config.fileName()
              : config.networkName();
      String earlier = networks.putIfAbsent(network, config.fileName());
      if (earlier != null) {
        statuses.add(
            ignored(config, "network name \"" + network + "\" already loaded from " + earlier));
      } else if (loaded.isEmpty()) {
        loaded.add(config);
        statuses.add(new FileStatus(config.fileName(), config, Status.LOADED, null));
      } else {
        statuses.add(ignored(config, notUsedReason(config, loaded, "CRI-O")));
      }
    }
    return new Decision(statuses, loaded, Optional.empty());
  }

  /** Why a config after the loaded one is not used, naming a CNI swap when its CNI differs. */
  private static String notUsedReason(CniConfig config, List<CniConfig> loaded, String runtime) {
    CniConfig first = loaded.get(0);
    String base =
        runtime.equals("CRI-O")
            ? "CRI-O uses the first valid file, " + first.fileName()
            : "sorts after " + first.fileName() + " (max_conf_num = " + loaded.size() + ")";
    String validity = config.loads() ? "" : "; also invalid: " + config.loadError();
    if (conflicts(first, config)) {
      return "stale: a "
          + config.effectiveType().orElse("?")
          + " config beside the loaded "
          + first.effectiveType().orElse("?")
          + " one (leftover of a CNI swap?); "
          + base
          + validity;
    }
    if (first.primaryType().orElse("").equals("multus")
        && first.effectiveType().equals(config.effectiveType())) {
      return "wrapped by Multus: "
          + first.fileName()
          + " delegates to a copy of this "
          + config.effectiveType().orElse("?")
          + " network; "
          + base;
    }
    return base + validity;
  }

  /**
   * Whether two loadable configs belong to different CNIs (loopback-only files do not count: the
   * runtimes add loopback themselves).
   */
  static boolean conflicts(CniConfig loaded, CniConfig other) {
    if (!other.loads()) {
      return false;
    }
    String a = loaded.effectiveType().orElse("");
    String b = other.effectiveType().orElse("");
    return !a.isEmpty()
        && !b.isEmpty()
        && !a.equals(b)
        && !a.equals("loopback")
        && !b.equals("loopback");
  }

  private static FileStatus ignored(CniConfig config, String reason) {
    return new FileStatus(config.fileName(), config, Status.IGNORED, reason);
  }

  /** Why libcni's {@code ConfFiles} does not return an entry, or empty when it does. */
  static Optional<String> notConsidered(DirEntry entry) {
    if (entry.directory()) {
      return Optional.of("directory (runtimes skip subdirectories)");
    }
    String name = entry.name();
    String extension = extension(name);
    if (EXTENSIONS.contains(extension)) {
      return Optional.empty();
    }
    if (extension.equals(".cilium_bak")) {
      return Optional.of(
          name.equals("05-cilium.conf.cilium_bak")
              ? "renamed by the Cilium agent, which always moves its legacy 05-cilium.conf aside"
              : "renamed by the Cilium agent (cni.exclusive moves other CNIs' configs aside); no runtime reads it");
    }
    if (EXTENSIONS.contains(extension.toLowerCase(java.util.Locale.ROOT))) {
      return Optional.of(
          "extension " + extension + ": runtimes match .conf, .conflist, .json case-sensitively");
    }
    if (extension.isEmpty()) {
      return Optional.of("not a CNI config (no .conf, .conflist or .json extension)");
    }
    return Optional.of("extension " + extension + " is not .conf, .conflist or .json");
  }

  /** A renamed config ({@code x.conflist.bak}, {@code x.conf.cilium_bak}) parsed for its type. */
  private static CniConfig parseRenamed(DirEntry entry) {
    if (entry.directory() || entry.content() == null) {
      return null;
    }
    String stem =
        entry.name().substring(0, entry.name().length() - extension(entry.name()).length());
    if (!EXTENSIONS.contains(extension(stem))) {
      return null;
    }
    CniConfig config = CniConfigParser.parse(stem, entry.content());
    return config.loads() ? config : null;
  }

  /** Go's {@code filepath.Ext}: from the last dot of the base name, or empty. */
  static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot);
  }
}
