package dev.podnet.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One plugin entry of a CNI network config: its {@code type} (the binary name) and the raw object,
 * for the fields the node checks read ({@code ipam}, {@code mtu}, {@code delegate}, {@code
 * delegates}, {@code bridge}).
 */
record CniPlugin(String type, Map<String, Object> raw) {

  CniPlugin {
    raw = Map.copyOf(withoutNulls(raw));
  }

  /** The IPAM plugin's type ({@code ipam.type}), when the plugin has one. */
  Optional<String> ipamType() {
    return Json.string(ipam(), "type").filter(t -> !t.isEmpty());
  }

  /** The {@code ipam} object, or an empty map. */
  Map<String, Object> ipam() {
    return Json.object(raw.get("ipam"));
  }

  /** The {@code mtu} field when it is a number. */
  Optional<Long> mtu() {
    return Json.number(raw, "mtu");
  }

  /**
   * The networks this plugin runs in turn: Multus's {@code delegates} (each a conf or a conflist),
   * and flannel's {@code delegate}, which defaults to {@code bridge} with {@code host-local} IPAM
   * (flannel-io/cni-plugin).
   */
  List<CniPlugin> delegatedPlugins() {
    List<CniPlugin> plugins = new ArrayList<>();
    if (type.equals("flannel")) {
      Map<String, Object> delegate =
          new java.util.LinkedHashMap<>(Json.object(raw.get("delegate")));
      delegate.putIfAbsent("type", "bridge");
      Map<String, Object> ipam = new java.util.LinkedHashMap<>(Json.object(delegate.get("ipam")));
      ipam.putIfAbsent("type", "host-local");
      delegate.put("ipam", ipam);
      delegate.putIfAbsent("bridge", "cni0");
      plugins.add(new CniPlugin(String.valueOf(delegate.get("type")), delegate));
    }
    for (Object delegate : Json.array(raw.get("delegates"))) {
      Map<String, Object> object = Json.object(delegate);
      List<Object> inner = Json.array(object.get("plugins"));
      if (inner.isEmpty()) {
        Json.string(object, "type").ifPresent(t -> plugins.add(new CniPlugin(t, object)));
      }
      for (Object plugin : inner) {
        Map<String, Object> pluginObject = Json.object(plugin);
        Json.string(pluginObject, "type")
            .ifPresent(t -> plugins.add(new CniPlugin(t, pluginObject)));
      }
    }
    return plugins;
  }

  private static Map<String, Object> withoutNulls(Map<String, Object> map) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>();
    map.forEach(
        (key, value) -> {
          if (value != null) {
            copy.put(key, value);
          }
        });
    return copy;
  }
}
