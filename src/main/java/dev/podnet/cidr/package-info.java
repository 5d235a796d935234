/**
 * Address math behind {@code podnet cidr}, {@code podnet ipam} and {@code podnet plan}: CIDR
 * parsing, kube-controller-manager node IPAM ({@code cidrset}), host-local IPAM, the capacity rules
 * of Calico, Cilium cluster-pool, Flannel and the AWS VPC CNI, capacity planning and overlap
 * detection.
 *
 * <p>Everything here is pure: no I/O, no clock, no Kubernetes client. Where upstream has an error
 * text, the same text is used, so a message podnet predicts can be matched against the message a
 * cluster printed. The upstream sources and test vectors are listed in {@code
 * shared/reference/ipam-semantics.md}; the ported vectors live in {@code
 * src/test/resources/dev/podnet/cidr/}.
 */
package dev.podnet.cidr;
