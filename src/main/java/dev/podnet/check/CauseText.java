package dev.podnet.check;

import dev.podnet.model.RootCause;

/** Titles of findings by root cause, so every check words the same cause the same way. */
final class CauseText {
  private CauseText() {}

  /** A title for a cause at a place: a node name, or {@code N nodes}. */
  static String title(RootCause cause, String where) {
    return switch (cause) {
      case IPAM_EXHAUSTED -> "No free pod IP addresses on " + where;
      case CNI_CONFIG_MISSING -> "No CNI network config loaded on " + where;
      case CNI_CONFIG_INVALID -> "Invalid or stale CNI config on " + where;
      case CNI_BINARY_MISSING -> "CNI plugin binary missing on " + where;
      case AGENT_NOT_READY -> "CNI agent not ready on " + where;
      case DATASTORE_UNREACHABLE -> "CNI cannot reach its datastore from " + where;
      case NODE_CIDR_MISSING -> "No pod CIDR assigned to " + where;
      case CIDR_CONFLICT -> "Pod CIDR conflict on " + where;
      case IPTABLES_ERROR -> "iptables/nftables failure on " + where;
      case EBPF_ERROR -> "eBPF failure on " + where;
      case MTU_OR_INTERFACE -> "Pod interface setup failure on " + where;
      case RUNTIME_ERROR -> "Container runtime failure on " + where;
      case UNKNOWN -> "Unrecognised sandbox failure on " + where;
    };
  }

  static String nodes(int count) {
    return count == 1 ? "1 node" : count + " nodes";
  }

  static String pods(int count) {
    return count == 1 ? "1 pod" : count + " pods";
  }
}
