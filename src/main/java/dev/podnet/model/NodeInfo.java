package dev.podnet.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A Node reduced to what pod-network analysis needs.
 *
 * @param podCidr {@code spec.podCIDR}, or null when the node has none
 * @param podCidrs {@code spec.podCIDRs}, empty when the node has none
 * @param ready the {@code Ready} condition, or null when not reported
 * @param networkUnavailable the {@code NetworkUnavailable} condition, or null when not reported
 * @param allocatablePods {@code status.allocatable.pods}, or -1 when absent
 * @param addresses {@code status.addresses} values of type InternalIP and ExternalIP
 */
public record NodeInfo(
    String name,
    String uid,
    Instant created,
    Map<String, String> labels,
    String providerId,
    String podCidr,
    List<String> podCidrs,
    boolean unschedulable,
    List<String> taints,
    Condition ready,
    Condition networkUnavailable,
    int allocatablePods,
    List<String> addresses,
    String kubeletVersion,
    String containerRuntime) {

  public NodeInfo {
    labels = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
    podCidrs = List.copyOf(podCidrs);
    taints = List.copyOf(taints);
    addresses = List.copyOf(addresses);
  }

  /** True when neither {@code spec.podCIDR} nor {@code spec.podCIDRs} holds a value. */
  public boolean hasNoPodCidr() {
    return (podCidr == null || podCidr.isEmpty()) && podCidrs.isEmpty();
  }

  /** The pod CIDRs the node holds, preferring {@code podCIDRs} over the legacy field. */
  public List<String> effectivePodCidrs() {
    if (!podCidrs.isEmpty()) {
      return podCidrs;
    }
    return podCidr == null || podCidr.isEmpty() ? List.of() : List.of(podCidr);
  }

  /** True when the Ready condition is reported and not {@code True}. */
  public boolean notReady() {
    return ready != null && !ready.isTrue();
  }
}
