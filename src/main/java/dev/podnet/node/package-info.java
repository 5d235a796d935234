/**
 * Node-side inspection behind {@code podnet node}: which CNI config the container runtime will
 * actually load from {@code /etc/cni/net.d}, stale and invalid configs beside it, plugin binaries
 * in {@code /opt/cni/bin}, host-local reservations and leaks, flannel's {@code subnet.env} against
 * the pod CIDR and the bridge, MTU, and iptables legacy/nft conflicts.
 *
 * <p>The entry point is {@link dev.podnet.node.NodeInspector#inspect}. Files are read only through
 * {@link dev.podnet.node.NodeFiles}, a read-only view of a node's root or of a node folder in a
 * snapshot; everything after reading is pure. Where upstream has an error text, podnet uses the
 * same text (sources in {@code shared/reference/cni-config-and-messages.md} and {@code
 * ipam-semantics.md}).
 */
package dev.podnet.node;
