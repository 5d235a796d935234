package dev.podnet.node;

import dev.podnet.check.Evidence;
import dev.podnet.check.Finding;
import dev.podnet.check.NextStep;
import dev.podnet.check.Table;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every plugin binary the loaded configs need (plugin types, IPAM types, delegates, and the
 * runtime's own loopback network) against {@code /opt/cni/bin}.
 */
final class BinaryCheck {
  static final String ID = "node-plugin-binaries";

  /** The plugins of containernetworking/plugins: installed from its release, not by a CNI agent. */
  static final Set<String> STANDARD_PLUGINS =
      Set.of(
          "bandwidth",
          "bridge",
          "dhcp",
          "dummy",
          "firewall",
          "host-device",
          "host-local",
          "ipvlan",
          "loopback",
          "macvlan",
          "portmap",
          "ptp",
          "sbr",
          "static",
          "tap",
          "tuning",
          "vlan",
          "vrf");

  private BinaryCheck() {}

  /**
   * A binary a config needs, with who needs it and the plugin whose ADD fails without it.
   *
   * @param failingPlugin the type libcni names in {@code plugin type="..." failed (add)}
   */
  record Need(String type, String neededBy, String failingPlugin) {}

  /** The binaries the loaded configs need, first need per type, in config order. */
  static List<Need> needs(List<CniConfig> loaded, NodeOptions.Runtime runtime) {
    Map<String, Need> needs = new LinkedHashMap<>();
    for (CniConfig config : loaded) {
      for (int i = 0; i < config.plugins().size(); i++) {
        CniPlugin plugin = config.plugins().get(i);
        String where = config.fileName() + " plugins[" + i + "]";
        if (!config.list()) {
          where = config.fileName();
        }
        needs.putIfAbsent(plugin.type(), new Need(plugin.type(), where, plugin.type()));
        String owner = plugin.type();
        plugin
            .ipamType()
            .ifPresent(
                t ->
                    needs.putIfAbsent(
                        t, new Need(t, "ipam of " + owner + " in " + config.fileName(), owner)));
        for (CniPlugin delegate : plugin.delegatedPlugins()) {
          needs.putIfAbsent(
              delegate.type(),
              new Need(
                  delegate.type(), "delegate of " + owner + " in " + config.fileName(), owner));
          delegate
              .ipamType()
              .ifPresent(
                  t ->
                      needs.putIfAbsent(
                          t,
                          new Need(
                              t, "ipam of " + owner + "'s delegate " + delegate.type(), owner)));
        }
      }
    }
    needs.putIfAbsent(
        "loopback",
        new Need("loopback", runtime.displayName() + "'s built-in loopback network", "loopback"));
    return new ArrayList<>(needs.values());
  }

  static Table table(List<Need> needs, Optional<PluginBinaries> binaries) {
    List<List<String>> rows = new ArrayList<>();
    for (Need need : needs) {
      rows.add(
          List.of(
              need.type(),
              need.neededBy(),
              binaries.map(b -> b.status(need.type())).orElse("not collected")));
    }
    return new Table(
        "plugin-binaries",
        "Plugin binaries in " + PluginBinaries.BIN_DIR + " for the loaded config",
        List.of("TYPE", "NEEDED BY", "STATUS"),
        rows);
  }

  static List<Finding> findings(List<Need> needs, PluginBinaries binaries, NodeContext context) {
    List<Evidence> evidence = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> notExecutable = new ArrayList<>();
    for (Need need : needs) {
      Optional<String> problem = binaries.problem(need.type());
      if (problem.isEmpty()) {
        continue;
      }
      (problem.get().startsWith("fork/exec") ? notExecutable : missing).add(need.type());
      evidence.add(
          new Evidence(
              "plugin-binary",
              "file " + PluginBinaries.BIN_DIR + "/" + need.type() + " (" + need.neededBy() + ")",
              problem.get()));
      evidence.add(
          new Evidence(
              "prediction",
              "pod sandbox event",
              "plugin type=\"" + need.failingPlugin() + "\" failed (add): " + problem.get()));
    }
    if (evidence.isEmpty()) {
      return List.of();
    }
    List<String> all = new ArrayList<>(missing);
    all.addAll(notExecutable);
    List<NextStep> steps = new ArrayList<>();
    steps.add(new NextStep("See what is installed", "ls -l " + PluginBinaries.BIN_DIR + "/"));
    List<String> standard = missing.stream().filter(STANDARD_PLUGINS::contains).toList();
    if (!standard.isEmpty()) {
      steps.add(
          new NextStep(
              "Install "
                  + String.join(", ", standard)
                  + " from the containernetworking/plugins release"
                  + " the other plugins come from (run one without arguments to see its version;"
                  + " adjust version and architecture)",
              "curl -fsSL https://github.com/containernetworking/plugins/releases/download/v1.6.2/"
                  + "cni-plugins-linux-amd64-v1.6.2.tgz | tar -xz -C "
                  + PluginBinaries.BIN_DIR
                  + " "
                  + String.join(" ", standard.stream().map(t -> "./" + t).toList())));
    }
    List<String> own = missing.stream().filter(t -> !STANDARD_PLUGINS.contains(t)).toList();
    if (!own.isEmpty()) {
      steps.add(
          new NextStep(
              "Restart the CNI agent pod on this node: its installer copies "
                  + String.join(", ", own)
                  + " into "
                  + PluginBinaries.BIN_DIR,
              context.podsOnNodeCommand()));
    }
    for (String type : notExecutable) {
      steps.add(
          new NextStep(
              "Make " + type + " executable", "chmod 0755 " + PluginBinaries.BIN_DIR + "/" + type));
    }
    return List.of(
        context.finding(
            ID,
            RootCause.CNI_BINARY_MISSING,
            Severity.CRITICAL,
            "CNI plugin binar"
                + (all.size() == 1 ? "y" : "ies")
                + " missing or not executable in "
                + PluginBinaries.BIN_DIR
                + ": "
                + String.join(", ", all),
            "The loaded config needs "
                + String.join(", ", all)
                + ", but "
                + PluginBinaries.BIN_DIR
                + (all.size() == 1
                    ? " does not hold it as an executable file"
                    : " does not hold them as executable files")
                + ", so every pod sandbox on this node fails at ADD.",
            evidence,
            steps));
  }
}
