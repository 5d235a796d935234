package dev.podnet.node;

/**
 * What {@link NodeInspector} needs to know beyond the node's files.
 *
 * @param runtime whose config-selection rules apply
 * @param podCidr the node's {@code spec.podCIDR} when known (for {@code usePodCidr} ranges and the
 *     flannel check), or null
 * @param nodeName the node's name for the commands in next steps, or null to take it from the
 *     files' location (or {@code $(hostname)} on a live node)
 * @param maxConfNum containerd's {@code max_conf_num}, or 0 to read it from {@code
 *     etc/containerd/config.toml} (default 1 when absent)
 */
public record NodeOptions(Runtime runtime, String podCidr, String nodeName, int maxConfNum) {

  /** The container runtime whose rules decide which CNI config is loaded. */
  public enum Runtime {
    /**
     * containerd's CRI plugin through go-cni: the first {@code max_conf_num} files, no skipping.
     */
    CONTAINERD,
    /** CRI-O through ocicni: the first valid file is the default network. */
    CRIO,
    /** containerd, unless only CRI-O's config is found on the node. */
    AUTO;

    /** The name shown in reports. */
    public String displayName() {
      return this == CRIO ? "CRI-O" : name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public NodeOptions {
    if (runtime == null) {
      runtime = Runtime.AUTO;
    }
    if (maxConfNum < 0) {
      throw new IllegalArgumentException("max_conf_num must not be negative");
    }
  }

  /** Defaults: runtime detected, no pod CIDR, node name from the location. */
  public static NodeOptions defaults() {
    return new NodeOptions(Runtime.AUTO, null, null, 0);
  }
}
