package dev.podnet.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The real CNI configs copied into test resources (see SOURCES.md beside them). */
final class Fixtures {
  private Fixtures() {}

  static String config(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("cni-configs/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Calico's ConfigMap template as calico-node's install-cni renders it. */
  static String calicoRendered() {
    return config("calico-10-calico.conflist.template")
        .replace("__KUBERNETES_NODE_NAME__", "worker-1")
        .replace("__CNI_MTU__", "1450")
        .replace("__KUBECONFIG_FILEPATH__", "/etc/cni/net.d/calico-kubeconfig");
  }

  /** Cilium's conflist as the agent renders it. */
  static String ciliumRendered() {
    return config("cilium-05-cilium.conflist.gotmpl")
        .replace("{{.Debug | js }}", "false")
        .replace("{{.LogFile | js }}", "/var/run/cilium/cilium-cni.log");
  }
}
