package dev.podnet.node;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * flannel's {@code /run/flannel/subnet.env} ({@code pkg/subnet/subnet.go} {@code WriteSubnetFile}):
 * {@code FLANNEL_NETWORK}, {@code FLANNEL_SUBNET} (the node's lease, network address + 1, e.g.
 * {@code 10.244.3.1/24}), {@code FLANNEL_MTU}, {@code FLANNEL_IPMASQ}, and the IPv6 variants.
 *
 * @param values every {@code KEY=value} line, in order
 */
record SubnetEnv(Map<String, String> values) {
  SubnetEnv {
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  static SubnetEnv parse(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : text.split("\r?\n")) {
      int equals = line.indexOf('=');
      if (equals > 0 && !line.startsWith("#")) {
        values.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
      }
    }
    return new SubnetEnv(values);
  }

  Optional<String> network() {
    return first("FLANNEL_NETWORK");
  }

  /** The first IPv4 lease as written, e.g. {@code 10.244.3.1/24}: the bridge's gateway/len. */
  Optional<String> subnet() {
    return first("FLANNEL_SUBNET");
  }

  Optional<Long> mtu() {
    return Optional.ofNullable(values.get("FLANNEL_MTU"))
        .filter(v -> v.matches("[0-9]{1,9}"))
        .map(Long::parseLong);
  }

  private Optional<String> first(String key) {
    return Optional.ofNullable(values.get(key))
        .flatMap(
            v ->
                Arrays.stream(v.split(","))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .findFirst());
  }

  List<String> keys() {
    return List.copyOf(values.keySet());
  }
}
