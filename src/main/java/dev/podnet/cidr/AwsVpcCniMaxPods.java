package dev.podnet.cidr;

/**
 * The AWS VPC CNI's pod limit of one EC2 instance type: the {@code eni-max-pods.txt} formula and
 * the EKS {@code max-pods-calculator.sh} recommendation built on it.
 *
 * @param maxEnis ENIs of the default network card ({@code MaximumNetworkInterfaces})
 * @param ipv4AddressesPerEni {@code Ipv4AddressesPerInterface}
 * @param vcpus default vCPUs, which decide the calculator's ceiling
 * @param nitro whether the instance is Nitro-based; prefix delegation needs it
 */
public record AwsVpcCniMaxPods(int maxEnis, int ipv4AddressesPerEni, int vcpus, boolean nitro) {

  /** Addresses in a delegated IPv4 /28 prefix. */
  public static final int IPS_PER_PREFIX = 16;

  /** The calculator's ceiling for instances with at most {@link #CPU_THRESHOLD} vCPUs. */
  public static final int MAX_PODS_LOW_CPU = 110;

  /** The calculator's ceiling above {@link #CPU_THRESHOLD} vCPUs. */
  public static final int MAX_PODS_HIGH_CPU = 250;

  public static final int CPU_THRESHOLD = 30;

  public AwsVpcCniMaxPods {
    if (maxEnis < 1 || ipv4AddressesPerEni < 1 || vcpus < 1) {
      throw new IllegalArgumentException(
          "ENIs, addresses per ENI and vCPUs must be positive: "
              + maxEnis
              + ", "
              + ipv4AddressesPerEni
              + ", "
              + vcpus);
    }
  }

  /**
   * {@code eni-max-pods.txt}: {@code ENIs × (IPv4 addresses per ENI − 1) + 2}. Each ENI's primary
   * address is not used for pods; the 2 are host-network pods (aws-node, kube-proxy).
   */
  public int eniMaxPods() {
    return secondaryIpPods(maxEnis);
  }

  /**
   * {@code max-pods-calculator.sh --show-max-allowed}: custom networking leaves the primary ENI to
   * the node (ENIs − 1); prefix delegation, on Nitro only, gives each secondary slot a /28.
   */
  public int maxAllowedPods(boolean customNetworking, boolean prefixDelegation) {
    int enis = customNetworking ? maxEnis - 1 : maxEnis;
    return prefixDelegation && nitro
        ? enis * ((ipv4AddressesPerEni - 1) * IPS_PER_PREFIX) + 2
        : secondaryIpPods(enis);
  }

  /**
   * {@code max-pods-calculator.sh} without {@code --show-max-allowed}: {@link #maxAllowedPods}
   * capped at 110, or at 250 above 30 vCPUs. Assumes a CNI of 1.9.0 or later, the first with prefix
   * delegation.
   */
  public int recommendedMaxPods(boolean customNetworking, boolean prefixDelegation) {
    int ceiling = vcpus > CPU_THRESHOLD ? MAX_PODS_HIGH_CPU : MAX_PODS_LOW_CPU;
    return Math.min(ceiling, maxAllowedPods(customNetworking, prefixDelegation));
  }

  private int secondaryIpPods(int enis) {
    return enis * (ipv4AddressesPerEni - 1) + 2;
  }
}
