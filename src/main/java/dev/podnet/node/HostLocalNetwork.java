package dev.podnet.node;

import dev.podnet.cidr.Cidr;
import dev.podnet.cidr.HostLocalRange;
import dev.podnet.cidr.HostLocalRangeSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A network of the loaded config that allocates through host-local, with where its state lives and
 * the range sets it allocates from ({@code ipam.ranges}, the legacy {@code ipam.subnet}, {@code
 * usePodCidr}, or flannel's lease from {@code subnet.env}).
 *
 * @param name the network name: the state directory's name
 * @param dataDir host-local's {@code dataDir}, default {@code /var/lib/cni/networks}
 * @param rangeSets the range sets, or empty when {@code rangeError} says why there are none
 * @param rangeError why the ranges could not be built (host-local's own text where it has one)
 */
record HostLocalNetwork(
    String name, String dataDir, List<HostLocalRangeSet> rangeSets, String rangeError) {
  static final String DEFAULT_DATA_DIR = "/var/lib/cni/networks";

  /** The placeholder Calico (and others) put where the node's podCIDR belongs. */
  static final String USE_POD_CIDR = "usePodCidr";

  HostLocalNetwork {
    rangeSets = List.copyOf(rangeSets);
  }

  /** The state directory relative to the node root, e.g. {@code var/lib/cni/networks/cbr0}. */
  String stateDirectory() {
    return dataDir.replaceAll("^/+", "").replaceAll("/+$", "") + "/" + name;
  }

  /** The host-local networks of the loaded configs, first mention of a name wins. */
  static List<HostLocalNetwork> of(
      List<CniConfig> loaded, String podCidr, Optional<SubnetEnv> subnetEnv) {
    List<HostLocalNetwork> networks = new ArrayList<>();
    for (CniConfig config : loaded) {
      String listName = config.networkName() == null ? config.fileName() : config.networkName();
      for (CniPlugin plugin : config.plugins()) {
        add(networks, listName, plugin, podCidr, false, Optional.empty());
        for (CniPlugin delegate : plugin.delegatedPlugins()) {
          boolean flannel = plugin.type().equals("flannel");
          String name = flannel ? listName : Json.string(delegate.raw(), "name").orElse(listName);
          add(networks, name, delegate, podCidr, flannel, subnetEnv);
        }
      }
    }
    return networks;
  }

  private static void add(
      List<HostLocalNetwork> networks,
      String name,
      CniPlugin plugin,
      String podCidr,
      boolean flannel,
      Optional<SubnetEnv> subnetEnv) {
    if (!plugin.ipamType().orElse("").equals("host-local")
        || networks.stream().anyMatch(n -> n.name().equals(name))) {
      return;
    }
    Map<String, Object> ipam = plugin.ipam();
    String dataDir =
        Json.string(ipam, "dataDir").filter(d -> !d.isEmpty()).orElse(DEFAULT_DATA_DIR);
    try {
      networks.add(
          new HostLocalNetwork(name, dataDir, rangeSets(ipam, podCidr, flannel, subnetEnv), null));
    } catch (IllegalArgumentException e) {
      networks.add(new HostLocalNetwork(name, dataDir, List.of(), e.getMessage()));
    }
  }

  /**
   * host-local's range sets: the legacy {@code subnet} form first as set 0, then {@code ranges}
   * ({@code allocator/config.go}); flannel builds {@code ranges} from its lease when the delegate
   * names none.
   */
  static List<HostLocalRangeSet> rangeSets(
      Map<String, Object> ipam, String podCidr, boolean flannel, Optional<SubnetEnv> subnetEnv) {
    List<HostLocalRangeSet> sets = new ArrayList<>();
    Optional<String> subnet = Json.string(ipam, "subnet").filter(s -> !s.isEmpty());
    if (subnet.isPresent()) {
      sets.add(
          HostLocalRangeSet.of(
              List.of(
                  HostLocalRange.of(
                      resolve(subnet.get(), podCidr),
                      Json.string(ipam, "rangeStart").orElse(null),
                      Json.string(ipam, "rangeEnd").orElse(null),
                      Json.string(ipam, "gateway").orElse(null)))));
    }
    for (Object set : Json.array(ipam.get("ranges"))) {
      List<HostLocalRange> ranges = new ArrayList<>();
      for (Object range : Json.array(set)) {
        Map<String, Object> object = Json.object(range);
        ranges.add(
            HostLocalRange.of(
                resolve(Json.string(object, "subnet").orElse(""), podCidr),
                Json.string(object, "rangeStart").orElse(null),
                Json.string(object, "rangeEnd").orElse(null),
                Json.string(object, "gateway").orElse(null)));
      }
      sets.add(HostLocalRangeSet.of(ranges));
    }
    if (sets.isEmpty() && flannel) {
      String lease =
          subnetEnv
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "flannel takes the range from /run/flannel/subnet.env, which is missing"))
              .subnet()
              .orElseThrow(() -> new IllegalArgumentException("subnet.env has no FLANNEL_SUBNET"));
      Cidr cidr = Cidr.parse(lease);
      sets.add(HostLocalRangeSet.ofSubnets(cidr.networkAddress() + "/" + cidr.prefixLength()));
    }
    if (sets.isEmpty()) {
      throw new IllegalArgumentException(
          ipam.isEmpty() ? "IPAM config missing 'ipam' key" : "no IP ranges specified");
    }
    return sets;
  }

  private static String resolve(String subnet, String podCidr) {
    if (!subnet.equals(USE_POD_CIDR)) {
      return subnet;
    }
    if (podCidr == null) {
      throw new IllegalArgumentException(
          "usePodCidr, and the node's podCIDR is not known (pass --pod-cidr)");
    }
    return podCidr;
  }
}
