package dev.podnet.cidr;

import java.math.BigInteger;

/**
 * Flannel's subnet lease layout for one family, as {@code CheckNetworkConfig} (flannel-io/flannel
 * {@code pkg/subnet/config.go}) completes and checks a {@code net-conf.json}: the per-host {@code
 * SubnetLen} and the {@code [SubnetMin, SubnetMax]} range of lease starts.
 *
 * <p>This applies to flannel's own (etcd) subnet manager. With {@code --kube-subnet-mgr}, the
 * kube-flannel default, each node's lease is its {@code spec.podCIDR} from kube-controller-manager,
 * and these fields are not used.
 *
 * <p>The defaults differ from flannel's documentation ("one less than the network" below a /24):
 * the code gives a /24 (IPv6: /64) when the network is /22 (/62) or wider, otherwise the network's
 * prefix + 2, and refuses networks longer than /28 (/124). The first subnet is skipped by default.
 *
 * @param network {@code Network} or {@code IPv6Network}
 * @param subnetLen {@code SubnetLen} or {@code IPv6SubnetLen}
 * @param subnetMin first lease start
 * @param subnetMax last lease start
 */
public record FlannelSubnets(Cidr network, int subnetLen, String subnetMin, String subnetMax) {

  /**
   * Completes and checks a configuration; 0 for {@code subnetLen} and null for the bounds mean "not
   * set".
   *
   * @throws IllegalArgumentException with flannel's text, e.g. {@code network is too small. Minimum
   *     useful network prefix is /28} or {@code SubnetMin is not on a SubnetLen boundary: 10.3.5.1}
   */
  public static FlannelSubnets of(Cidr network, int subnetLen, String subnetMin, String subnetMax) {
    boolean v6 = network.family() == IpFamily.IPV6;
    int bits = network.family().bits();
    String prefix = v6 ? "IPv6" : "";
    String networkName = v6 ? "IPv6Network" : "Network";
    int length = subnetLen;
    if (length > 0) {
      if (length > bits - 2) {
        throw new IllegalArgumentException("SubnetLen must be less than /" + (bits - 1));
      }
      if (length < network.prefixLength() + 2) {
        throw new IllegalArgumentException(
            "network must be able to accommodate at least four subnets");
      }
    } else if (network.prefixLength() > bits - 4) {
      throw new IllegalArgumentException(
          (v6 ? "IPv6Network" : "network")
              + " is too small. Minimum useful network prefix is /"
              + (bits - 4));
    } else if (network.prefixLength() <= (v6 ? 62 : 22)) {
      length = v6 ? 64 : 24;
    } else {
      length = network.prefixLength() + 2;
    }
    BigInteger subnetSize = BigInteger.ONE.shiftLeft(bits - length);
    Address min =
        bound(
            subnetMin,
            network.network().plus(subnetSize),
            network,
            prefix + "SubnetMin is not in the range of the " + networkName);
    Address max =
        bound(
            subnetMax,
            network.lastAddress().next().plus(subnetSize.negate()),
            network,
            prefix + "SubnetMax is not in the range of the " + networkName);
    if (!min.value().mod(subnetSize).equals(BigInteger.ZERO)) {
      throw new IllegalArgumentException(
          prefix + "SubnetMin is not on a SubnetLen boundary: " + min);
    }
    if (!max.value().mod(subnetSize).equals(BigInteger.ZERO)) {
      throw new IllegalArgumentException(
          prefix + "SubnetMax is not on a SubnetLen boundary: " + max);
    }
    return new FlannelSubnets(network, length, min.toString(), max.toString());
  }

  /** Leases available: subnet starts from SubnetMin to SubnetMax; 255 /24s in a /16. */
  public BigInteger leaseCount() {
    BigInteger size = BigInteger.ONE.shiftLeft(network.family().bits() - subnetLen);
    BigInteger span = Address.parse(subnetMax).value().subtract(Address.parse(subnetMin).value());
    return span.signum() < 0 ? BigInteger.ZERO : span.divide(size).add(BigInteger.ONE);
  }

  private static Address bound(String value, Address fallback, Cidr network, String outside) {
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    Address address = Address.parse(value);
    // flannel treats the zero address as "not set".
    if (address.value().signum() == 0) {
      return fallback;
    }
    if (!network.contains(address)) {
      throw new IllegalArgumentException(outside);
    }
    return address;
  }
}
