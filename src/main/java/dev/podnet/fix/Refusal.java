package dev.podnet.fix;

/**
 * Why podnet will not roll a node (or anything at all), and what would change that.
 *
 * @param scope the node name, or {@code cluster}
 * @param id a stable id: {@code managed-node}, {@code no-spare-capacity}, {@code pool-exhausted},
 *     {@code not-node-ipam}, {@code node-ipam-off}, {@code cluster-cidr-unknown}, {@code
 *     layers-disagree}, {@code unreplicated-pods}, {@code multiple-pdbs}, {@code node-not-found},
 *     {@code nothing-to-fix}, {@code missing-permission}, {@code run-in-progress}
 * @param override the flag that lifts the refusal, or empty when none does
 */
public record Refusal(String scope, String id, String message, String override) {
  public static final String CLUSTER = "cluster";
}
