package dev.podnet.node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The node's interfaces from {@code ip -j addr}: {@code [{"ifindex", "ifname", "flags": [...],
 * "mtu", "operstate", "link_type", "addr_info": [{"family": "inet"|"inet6", "local", "prefixlen",
 * "scope"}]}]}.
 */
record NetInterfaces(List<NetInterface> interfaces) {

  /**
   * Names of interfaces that CNIs, runtimes and kube-proxy create; the rest are the node's own
   * uplinks.
   */
  private static final Pattern VIRTUAL =
      Pattern.compile(
          "lo|cni\\d*|flannel.*|veth.*|cali.*|cilium.*|lxc.*|docker\\d*|vxlan.*|tunl\\d*|tun\\d*"
              + "|kube-.*|weave|datapath|vethwe.*|nodelocaldns|genev.*|br-.*|virbr.*|dummy.*|nerdctl\\d*"
              + "|cbr\\d*|antrea-.*|ovs-.*|eni.*|azv.*|gke.*");

  NetInterfaces {
    interfaces = List.copyOf(interfaces);
  }

  /** One interface. */
  record NetInterface(String name, long mtu, List<String> flags, List<InterfaceAddress> addresses) {
    NetInterface {
      flags = List.copyOf(flags);
      addresses = List.copyOf(addresses);
    }

    /** IPv4 addresses as {@code ip/len}. */
    List<String> ipv4() {
      return addresses.stream()
          .filter(a -> a.family().equals("inet"))
          .map(a -> a.local() + "/" + a.prefixLength())
          .toList();
    }
  }

  /** One {@code addr_info} entry. */
  record InterfaceAddress(String family, String local, int prefixLength, String scope) {}

  /** Parses {@code ip -j addr}; throws with a one-line reason when it is not that shape. */
  static NetInterfaces parse(String json) throws IOException {
    Object document = Json.parse(json);
    if (!(document instanceof List<?>)) {
      throw new IOException("not the output of ip -j addr (not a JSON array)");
    }
    List<NetInterface> interfaces = new ArrayList<>();
    for (Object item : Json.array(document)) {
      Map<String, Object> link = Json.object(item);
      List<InterfaceAddress> addresses = new ArrayList<>();
      for (Object address : Json.array(link.get("addr_info"))) {
        Map<String, Object> info = Json.object(address);
        Optional<String> local = Json.string(info, "local");
        if (local.isPresent()) {
          addresses.add(
              new InterfaceAddress(
                  Json.string(info, "family").orElse(""),
                  local.get(),
                  Json.number(info, "prefixlen").orElse(0L).intValue(),
                  Json.string(info, "scope").orElse("")));
        }
      }
      List<String> flags = Json.array(link.get("flags")).stream().map(String::valueOf).toList();
      Json.string(link, "ifname")
          .ifPresent(
              name ->
                  interfaces.add(
                      new NetInterface(
                          name, Json.number(link, "mtu").orElse(0L), flags, addresses)));
    }
    return new NetInterfaces(interfaces);
  }

  Optional<NetInterface> named(String name) {
    return interfaces.stream().filter(i -> i.name().equals(name)).findFirst();
  }

  /**
   * The node's main interface: the first one, in {@code ip} order, that is up, carries a global
   * IPv4 address and is not created by a CNI, a runtime or kube-proxy.
   */
  Optional<NetInterface> main() {
    return interfaces.stream()
        .filter(i -> !VIRTUAL.matcher(i.name()).matches())
        .filter(i -> i.flags().contains("UP"))
        .filter(
            i ->
                i.addresses().stream()
                    .anyMatch(a -> a.family().equals("inet") && a.scope().equals("global")))
        .findFirst();
  }
}
