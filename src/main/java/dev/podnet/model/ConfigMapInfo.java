package dev.podnet.model;

import java.util.Map;

/** A ConfigMap that carries network settings (kubeadm-config, kube-proxy, CNI configs). */
public record ConfigMapInfo(String namespace, String name, Map<String, String> data) {
  public ConfigMapInfo {
    data = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(data));
  }

  public String key() {
    return namespace + "/" + name;
  }
}
