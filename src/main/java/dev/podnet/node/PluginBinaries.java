package dev.podnet.node;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The content of {@code /opt/cni/bin}: from the directory itself on a live node, or from a
 * snapshot's {@code opt/cni/bin.txt}.
 *
 * <p>{@code bin.txt} holds one line per file, {@code <name> <size> <mode>}, separated by
 * whitespace, with the mode as {@code ls -l} prints it, e.g. {@code bridge 4099024 -rwxr-xr-x}.
 * {@code find /opt/cni/bin -mindepth 1 -maxdepth 1 -printf '%f %s %M\n'} writes exactly that. Blank
 * lines and lines starting with {@code #} are skipped; a line that does not fit is reported, not
 * guessed at.
 *
 * @param files name to entry
 * @param unreadableLines lines of {@code bin.txt} that are not {@code name size mode}
 */
record PluginBinaries(Map<String, NodeFiles.Entry> files, List<String> unreadableLines) {

  /** The runtimes' default plugin directory, as they print it in {@code [...]}. */
  static final String BIN_DIR = "/opt/cni/bin";

  PluginBinaries {
    files = Map.copyOf(files);
    unreadableLines = List.copyOf(unreadableLines);
  }

  /** Parses {@code bin.txt}. */
  static PluginBinaries parse(String listing) {
    Map<String, NodeFiles.Entry> files = new LinkedHashMap<>();
    List<String> unreadable = new java.util.ArrayList<>();
    for (String line : listing.split("\r?\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] fields = trimmed.split("\\s+");
      if (fields.length != 3
          || !fields[1].matches("[0-9]+")
          || !fields[2].matches("[-dlcbps][-rwxsStT]{9}")) {
        unreadable.add(line);
        continue;
      }
      files.put(
          fields[0],
          new NodeFiles.Entry(
              fields[0], fields[2].charAt(0) == 'd', fields[2], Long.parseLong(fields[1])));
    }
    return new PluginBinaries(files, unreadable);
  }

  /** From a directory listing. */
  static PluginBinaries of(List<NodeFiles.Entry> entries) {
    Map<String, NodeFiles.Entry> files = new LinkedHashMap<>();
    entries.forEach(e -> files.put(e.name(), e));
    return new PluginBinaries(files, List.of());
  }

  /**
   * What the runtime will say when it runs plugin {@code type}, or empty when the binary is there.
   * {@code invoke.FindInPath} wants a regular file ({@code failed to find plugin "<type>" in path
   * [/opt/cni/bin]}); a file without an execute bit is found but fails to start ({@code fork/exec
   * /opt/cni/bin/<type>: permission denied}).
   */
  Optional<String> problem(String type) {
    NodeFiles.Entry entry = files.get(type);
    if (entry == null || entry.directory() || entry.mode().startsWith("l?")) {
      return Optional.of(notFound(type));
    }
    if (!executable(entry.mode())) {
      return Optional.of("fork/exec " + BIN_DIR + "/" + type + ": permission denied");
    }
    if (entry.size() == 0 && entry.mode().charAt(0) == '-') {
      return Optional.of("fork/exec " + BIN_DIR + "/" + type + ": exec format error");
    }
    return Optional.empty();
  }

  /** The STATUS cell for a plugin type. */
  String status(String type) {
    NodeFiles.Entry entry = files.get(type);
    if (entry == null) {
      return "missing";
    }
    if (entry.directory() || entry.mode().startsWith("l?")) {
      return "missing (" + (entry.directory() ? "a directory" : "a dangling link") + ")";
    }
    if (!executable(entry.mode())) {
      return "not executable (" + entry.mode() + ")";
    }
    if (entry.size() == 0 && entry.mode().charAt(0) == '-') {
      return "empty file";
    }
    return "present (" + entry.mode() + ")";
  }

  /** libcni's {@code FindInPath} error. */
  static String notFound(String type) {
    return "failed to find plugin \"" + type + "\" in path [" + BIN_DIR + "]";
  }

  private static boolean executable(String mode) {
    if (mode.length() < 10 || mode.contains("?")) {
      return true; // unknown permissions: do not claim a problem that cannot be seen
    }
    return "xs".indexOf(mode.charAt(3)) >= 0
        || "xs".indexOf(mode.charAt(6)) >= 0
        || "xt".indexOf(mode.charAt(9)) >= 0;
  }
}
