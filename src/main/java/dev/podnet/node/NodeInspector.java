package dev.podnet.node;

import dev.podnet.check.Diagnosis;
import dev.podnet.check.Finding;
import dev.podnet.check.Table;
import dev.podnet.cidr.HostLocalState;
import dev.podnet.model.SourceInfo;
import dev.podnet.node.ConfigSelection.DirEntry;
import dev.podnet.node.NodeOptions.Runtime;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code podnet node}: reads one node's CNI files through {@link NodeFiles} and says which config
 * the runtime loads, what is stale or invalid beside it, which plugin binaries are missing, which
 * host-local reservations leaked, whether flannel's lease, the bridge and the pod CIDR agree, the
 * MTU, and iptables legacy/nft conflicts.
 *
 * <p>Files read, relative to the root: {@code etc/cni/net.d/*}, {@code opt/cni/bin.txt} (else the
 * {@code opt/cni/bin} directory), {@code var/lib/cni/networks/<network>/*} (and a config's own
 * {@code dataDir}), {@code run/flannel/subnet.env}, {@code sandboxes.json} ({@code crictl pods -o
 * json}), {@code ip-addr.json} ({@code ip -j addr}), {@code iptables-legacy-save.txt} and {@code
 * iptables-nft-save.txt}, {@code etc/containerd/config.toml} (for {@code max_conf_num} and runtime
 * detection) and {@code etc/crio/} (runtime detection). Nothing is executed.
 */
public final class NodeInspector {
  static final String NET_D = "etc/cni/net.d";
  static final String BIN_LISTING = "opt/cni/bin.txt";
  static final String BIN_DIR = "opt/cni/bin";
  static final String SUBNET_ENV = "run/flannel/subnet.env";
  static final String SANDBOXES = "sandboxes.json";
  static final String IP_ADDR = "ip-addr.json";
  static final String CONTAINERD_CONFIG = "etc/containerd/config.toml";

  private static final Pattern MAX_CONF_NUM =
      Pattern.compile("(?m)^\\s*max_conf_num\\s*=\\s*([0-9]+)\\s*(#.*)?$");

  private static final Comparator<Finding> ORDER =
      Comparator.comparing(Finding::severity)
          .thenComparing(Finding::cause)
          .thenComparing(Finding::scope)
          .thenComparing(Finding::title);

  private NodeInspector() {}

  /**
   * Inspects one node.
   *
   * @throws NodeFilesException when the root holds none of the files podnet reads (probably not a
   *     node root), or a file exists but cannot be read
   */
  public static Diagnosis inspect(NodeFiles files, NodeOptions options) throws NodeFilesException {
    try {
      return new NodeInspector().run(files, options);
    } catch (IOException e) {
      throw new NodeFilesException(files.location() + ": " + e.getMessage(), e);
    }
  }

  private final List<Diagnosis.NotCollected> notCollected = new ArrayList<>();

  private Diagnosis run(NodeFiles files, NodeOptions options)
      throws IOException, NodeFilesException {
    Optional<List<NodeFiles.Entry>> netD = files.list(NET_D);
    Optional<String> binListing = files.read(BIN_LISTING);
    Optional<List<NodeFiles.Entry>> binDir =
        binListing.isPresent() ? Optional.empty() : files.list(BIN_DIR);
    Optional<String> containerdConfig = files.read(CONTAINERD_CONFIG);
    if (netD.isEmpty()
        && binListing.isEmpty()
        && binDir.isEmpty()
        && files.list("var/lib/cni").isEmpty()
        && files.read(SANDBOXES).isEmpty()
        && files.list("run/flannel").isEmpty()) {
      String hint =
          files.list("nodes").isPresent()
              ? " (this looks like a snapshot: use --snapshot DIR --node NAME, or --root DIR/nodes/NAME)"
              : "";
      throw new NodeFilesException(
          files.location()
              + ": holds none of etc/cni/net.d, opt/cni/bin, var/lib/cni, run/flannel, sandboxes.json; not a node root"
              + hint);
    }

    Runtime runtime = runtime(files, options.runtime(), containerdConfig);
    int maxConfNum = options.maxConfNum() > 0 ? options.maxConfNum() : maxConfNum(containerdConfig);
    String nodeName =
        options.nodeName() != null ? options.nodeName() : files.nodeName().orElse(null);
    NodeContext context = new NodeContext(nodeName, runtime, files.live());

    Optional<PluginBinaries> binaries =
        binListing.map(PluginBinaries::parse).or(() -> binDir.map(PluginBinaries::of));
    if (binaries.isEmpty()) {
      missing(
          BIN_LISTING,
          "neither " + BIN_LISTING + " nor the " + BIN_DIR + " directory is under the root",
          "node-plugin-binaries");
    }
    Optional<SubnetEnv> subnetEnv = files.read(SUBNET_ENV).map(SubnetEnv::parse);
    Optional<Sandboxes> sandboxes =
        parsed(
            files, SANDBOXES, "crictl pods -o json", Sandboxes::parse, "node-host-local (leaks)");
    Optional<NetInterfaces> interfaces =
        parsed(
            files,
            IP_ADDR,
            "ip -j addr",
            NetInterfaces::parse,
            "node-flannel (bridge address)",
            "node-mtu");

    List<Table> tables = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    List<CniConfig> loaded = List.of();
    if (netD.isPresent() || files.live()) {
      List<DirEntry> entries = new ArrayList<>();
      for (NodeFiles.Entry entry : netD.orElse(List.of())) {
        String content =
            entry.directory() ? null : files.read(NET_D + "/" + entry.name()).orElse("");
        entries.add(new DirEntry(entry.name(), entry.directory(), content));
      }
      ConfigSelection selection =
          ConfigSelection.select(
              entries, runtime, maxConfNum, config -> missingBinary(config, runtime, binaries));
      loaded = selection.loaded();
      if (!selection.files().isEmpty()) {
        tables.add(ConfigCheck.table(selection));
      }
      findings.addAll(ConfigCheck.findings(selection, context));
      List<BinaryCheck.Need> needs = BinaryCheck.needs(loaded, runtime);
      if (!loaded.isEmpty()) {
        tables.add(BinaryCheck.table(needs, binaries));
        binaries.ifPresent(b -> findings.addAll(BinaryCheck.findings(needs, b, context)));
      }
    } else {
      missing(
          NET_D,
          "not under the root",
          "node-cni-config",
          "node-plugin-binaries",
          "node-host-local",
          "node-flannel",
          "node-mtu");
    }

    List<HostLocalNetwork> networks = HostLocalNetwork.of(loaded, options.podCidr(), subnetEnv);
    Map<String, HostLocalState> states = hostLocalStates(files, networks);
    List<HostLocalCheck.Row> rows = HostLocalCheck.rows(networks, states, sandboxes, files.live());
    if (!rows.isEmpty()) {
      tables.add(HostLocalCheck.table(rows));
    }
    findings.addAll(HostLocalCheck.findings(rows, context));

    findings.addAll(
        FlannelCheck.findings(
            FlannelCheck.flannelPlugin(loaded), subnetEnv, interfaces, options.podCidr(), context));
    List<MtuCheck.PodMtu> podMtus = MtuCheck.podMtus(loaded, subnetEnv);
    interfaces.ifPresent(i -> findings.addAll(MtuCheck.findings(podMtus, i, context)));

    Optional<String> legacy = files.read(IptablesCheck.LEGACY_FILE);
    Optional<String> nft = files.read(IptablesCheck.NFT_FILE);
    if (legacy.isPresent() && nft.isPresent()) {
      findings.addAll(
          IptablesCheck.findings(
              IptablesCheck.RuleSet.parse(legacy.get()),
              IptablesCheck.RuleSet.parse(nft.get()),
              context));
    } else {
      missing(
          legacy.isEmpty() && nft.isEmpty()
              ? IptablesCheck.LEGACY_FILE + ", " + IptablesCheck.NFT_FILE
              : legacy.isEmpty() ? IptablesCheck.LEGACY_FILE : IptablesCheck.NFT_FILE,
          "outputs of iptables-legacy-save and iptables-nft-save not saved under the root",
          "node-iptables");
    }

    List<dev.podnet.node.logs.LogSummary> logs = LogCheck.scan(files);
    if (logs.isEmpty()) {
      missing(
          "logs/kubelet.log, logs/containerd.log, logs/crio.log",
          "no saved logs under the root and no journal read",
          "node-logs");
    } else {
      Table logTable = LogCheck.table(logs);
      if (!logTable.rows().isEmpty()) {
        tables.add(logTable);
      }
      findings.addAll(LogCheck.findings(logs, context));
    }

    findings.sort(ORDER);
    return new Diagnosis(
        "node",
        new SourceInfo("node-root", files.location(), null, null),
        summary(findings),
        findings,
        tables,
        notCollected,
        List.of());
  }

  /** The runtime whose rules apply: as asked, or containerd unless only CRI-O's config is there. */
  static Runtime runtime(NodeFiles files, Runtime asked, Optional<String> containerdConfig)
      throws IOException {
    if (asked != Runtime.AUTO) {
      return asked;
    }
    boolean crio =
        files.read("etc/crio/crio.conf").isPresent()
            || files.list("etc/crio/crio.conf.d").isPresent();
    return crio && containerdConfig.isEmpty() ? Runtime.CRIO : Runtime.CONTAINERD;
  }

  /** containerd's {@code max_conf_num} from its config, 1 (the default) when not set there. */
  static int maxConfNum(Optional<String> containerdConfig) {
    if (containerdConfig.isEmpty()) {
      return 1;
    }
    Matcher matcher = MAX_CONF_NUM.matcher(containerdConfig.get());
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : 1;
  }

  /** For CRI-O's {@code ValidateNetworkList}: the first needed binary that is missing. */
  private static Optional<String> missingBinary(
      CniConfig config, Runtime runtime, Optional<PluginBinaries> binaries) {
    if (binaries.isEmpty()) {
      return Optional.empty();
    }
    return BinaryCheck.needs(List.of(config), runtime).stream()
        .map(BinaryCheck.Need::type)
        .filter(type -> !type.equals("loopback") || config.types().contains("loopback"))
        .filter(
            type ->
                binaries
                    .get()
                    .problem(type)
                    .filter(p -> p.startsWith("failed to find"))
                    .isPresent())
        .findFirst();
  }

  /** The state directories: every one under the default data dir, plus each network's own. */
  private Map<String, HostLocalState> hostLocalStates(
      NodeFiles files, List<HostLocalNetwork> networks) throws IOException {
    Map<String, HostLocalState> states = new TreeMap<>();
    String defaultDir = HostLocalNetwork.DEFAULT_DATA_DIR.substring(1);
    Optional<List<NodeFiles.Entry>> defaults = files.list(defaultDir);
    for (NodeFiles.Entry entry : defaults.orElse(List.of())) {
      if (entry.directory()) {
        states.put(
            defaultDir + "/" + entry.name(),
            state(files, defaultDir + "/" + entry.name(), entry.name()));
      }
    }
    for (HostLocalNetwork network : networks) {
      String directory = network.stateDirectory();
      if (!states.containsKey(directory) && files.list(directory).isPresent()) {
        states.put(directory, state(files, directory, network.name()));
      }
    }
    if (defaults.isEmpty() && !networks.isEmpty() && !files.live()) {
      missing(defaultDir, "not under the root", "node-host-local");
    }
    return states;
  }

  private static HostLocalState state(NodeFiles files, String directory, String network)
      throws IOException {
    Map<String, String> content = new LinkedHashMap<>();
    for (NodeFiles.Entry file : files.list(directory).orElse(List.of())) {
      if (!file.directory()) {
        content.put(file.name(), files.read(directory + "/" + file.name()).orElse(""));
      }
    }
    return HostLocalState.parse(network, content);
  }

  /** A parser of one saved command output. */
  @FunctionalInterface
  private interface Parser<T> {
    T parse(String text) throws IOException;
  }

  private <T> Optional<T> parsed(
      NodeFiles files, String path, String command, Parser<T> parser, String... affected)
      throws IOException {
    Optional<String> text = files.read(path);
    if (text.isEmpty()) {
      missing(path + " (" + command + ")", "not under the root", affected);
      return Optional.empty();
    }
    try {
      return Optional.of(parser.parse(text.get()));
    } catch (IOException e) {
      missing(path + " (" + command + ")", "unreadable: " + firstLine(e.getMessage()), affected);
      return Optional.empty();
    }
  }

  private void missing(String source, String reason, String... affected) {
    notCollected.add(new Diagnosis.NotCollected(source, reason, List.of(affected)));
  }

  private static Diagnosis.Summary summary(List<Finding> findings) {
    int critical = 0;
    int warning = 0;
    int info = 0;
    for (Finding finding : findings) {
      switch (finding.severity()) {
        case CRITICAL -> critical++;
        case WARNING -> warning++;
        case INFO -> info++;
      }
    }
    return new Diagnosis.Summary(1, 0, 0, findings.isEmpty() ? 0 : 1, critical, warning, info);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
