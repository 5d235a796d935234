package dev.podnet.model;

import java.util.Locale;

/**
 * The root-cause classes every classified failure carries (DESIGN.md section 2); the same ids
 * appear in every output format.
 */
public enum RootCause {
  IPAM_EXHAUSTED("the pool, range, block or ENI has no free address (leaked allocations included)"),
  CNI_CONFIG_MISSING("no usable config in /etc/cni/net.d"),
  CNI_CONFIG_INVALID(
      "stale, multiple, conflicting or malformed CNI config; unsupported cniVersion"),
  CNI_BINARY_MISSING(
      "a plugin binary named by the config is missing or not executable in /opt/cni/bin"),
  AGENT_NOT_READY("the CNI agent on the node is down, not ready, or its socket refuses"),
  DATASTORE_UNREACHABLE("the CNI cannot reach or authenticate to its datastore"),
  NODE_CIDR_MISSING("the node has no pod CIDR"),
  CIDR_CONFLICT("pod CIDRs overlap or disagree between layers"),
  IPTABLES_ERROR("iptables/nftables lock, missing chain, legacy/nft conflict"),
  EBPF_ERROR("BPF filesystem, program load, kernel incompatibility"),
  MTU_OR_INTERFACE("MTU mismatch, veth/bridge/link creation failures, interface name conflicts"),
  RUNTIME_ERROR("the container runtime or netns failed, not the CNI"),
  UNKNOWN("not recognised");

  private final String meaning;

  RootCause(String meaning) {
    this.meaning = meaning;
  }

  /** The stable id used in every output, e.g. {@code ipam_exhausted}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** One line saying what the class means. */
  public String meaning() {
    return meaning;
  }

  /** Parses a stable id; throws {@link IllegalArgumentException} naming the id when unknown. */
  public static RootCause fromId(String id) {
    for (RootCause cause : values()) {
      if (cause.id().equals(id)) {
        return cause;
      }
    }
    throw new IllegalArgumentException("unknown root-cause id '" + id + "'");
  }
}
