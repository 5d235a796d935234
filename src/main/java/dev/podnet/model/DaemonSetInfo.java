package dev.podnet.model;

import java.util.Map;

/** A DaemonSet reduced to its rollout status; CNI agents run as DaemonSets. */
public record DaemonSetInfo(
    String namespace,
    String name,
    Map<String, String> nodeSelector,
    int desired,
    int current,
    int ready,
    int available,
    int misscheduled,
    String image) {

  public DaemonSetInfo {
    nodeSelector = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(nodeSelector));
  }

  public String key() {
    return namespace + "/" + name;
  }
}
