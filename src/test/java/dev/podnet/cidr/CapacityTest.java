package dev.podnet.cidr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Capacity rules of node IPAM, Calico, Cilium cluster-pool, Flannel and the AWS VPC CNI. */
class CapacityTest {

  @ParameterizedTest(name = "{0} with /{1} gives {2} node CIDRs")
  @CsvSource({
    // ipam-semantics.md 1.3
    "10.244.0.0/16, 24, 256",
    "10.244.0.0/16, 25, 512",
    "10.244.0.0/16, 26, 1024",
    "10.0.0.0/14, 24, 1024",
    "10.96.0.0/12, 24, 4096",
    "10.0.0.0/8, 24, 65536",
    "10.0.0.0/21, 24, 8",
    "127.0.0.0/8, 32, 16777216",
    "2001:db8::/48, 64, 65536",
    "2001:db8::/56, 64, 256",
    "2001:db8::/60, 64, 16"
  })
  void nodeCidrsPerClusterCidr(String cluster, int nodeMask, long expected) {
    assertThat(NodeCidrPool.nodeCidrCount(Cidr.parse(cluster), nodeMask)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} with /{1} is refused")
  @CsvSource({
    "beef:1234::/32, 49, New CIDR set failed; the node CIDR size is too big",
    "fd00::/47, 64, New CIDR set failed; the node CIDR size is too big",
    "10.0.0.0/26, 24, '" + NodeCidrPool.CLUSTER_MASK_TOO_LONG + "'"
  })
  void nodeCidrLimits(String cluster, int nodeMask, String error) {
    assertThatThrownBy(() -> new NodeCidrPool(Cidr.parse(cluster), nodeMask))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(error);
  }

  @Test
  void ipv4HasNoDifferenceLimitButTheDefaultsHoldForIpv6() {
    assertThat(NodeCidrPool.nodeCidrCount(Cidr.parse("0.0.0.0/0"), 32)).isEqualTo(1L << 32);
    assertThat(NodeIpamFlags.DEFAULT_NODE_CIDR_MASK_SIZE_IPV4).isEqualTo(24);
    assertThat(NodeIpamFlags.DEFAULT_NODE_CIDR_MASK_SIZE_IPV6).isEqualTo(64);
    assertThat(NodeIpamFlags.of("fd00::/48").nodeCidrMaskSizes()).containsExactly(64);
  }

  @Test
  void releasedNodeCidrsAreReusedOnlyAfterTheScanWraps() {
    NodeCidrPool pool = new NodeCidrPool(Cidr.parse("10.244.0.0/22"), 24);
    Cidr first = pool.allocateNext();
    pool.allocateNext();
    pool.release(first);

    // A node deleted and re-registered gets the next CIDR, not its old one.
    assertThat(pool.allocateNext().toString()).isEqualTo("10.244.2.0/24");
    assertThat(pool.allocateNext().toString()).isEqualTo("10.244.3.0/24");
    assertThat(pool.allocateNext().toString()).isEqualTo("10.244.0.0/24");
    assertThat(pool.isUsed(Cidr.parse("10.244.0.0/24"))).isTrue();
  }

  @Test
  void occupyingOutsideTheClusterCidrIsRefusedWithUpstreamText() {
    NodeCidrPool pool = new NodeCidrPool(Cidr.parse("10.244.0.0/16"), 24);

    assertThatThrownBy(() -> pool.occupy(Cidr.parse("10.245.3.0/24")))
        .isInstanceOf(IpamException.class)
        .hasMessage("cidr 10.245.3.0/24 is out the range of cluster cidr 10.244.0.0/16");
    assertThatThrownBy(() -> pool.release(Cidr.parse("fd00::/64")))
        .hasMessage("cidr fd00::/64 is out the range of cluster cidr 10.244.0.0/16");
  }

  @ParameterizedTest(name = "Calico {0} /{1}: {2} blocks of {3}")
  @CsvSource({
    // ipam-semantics.md 3.1
    "10.244.0.0/16, 26, 1024, 64, 60",
    "10.244.0.0/18, 26, 256, 64, 60",
    "fd00:10:244::/108, 122, 16384, 64, 60",
    "192.168.0.0/16, 24, 256, 256, 252",
    "10.0.0.0/30, 32, 4, 1, 0"
  })
  void calicoBlocks(String pool, int blockSize, long blocks, long perBlock, long windows) {
    CalicoPool calico = new CalicoPool(Cidr.parse(pool), blockSize);

    assertThat(calico.blockCount()).isEqualTo(BigInteger.valueOf(blocks));
    assertThat(calico.addressesPerBlock()).isEqualTo(BigInteger.valueOf(perBlock));
    assertThat(calico.podAddressesPerBlock(false)).isEqualTo(BigInteger.valueOf(perBlock));
    assertThat(calico.podAddressesPerBlock(true)).isEqualTo(BigInteger.valueOf(windows));
  }

  @Test
  void calicoDefaultsAndLimits() {
    assertThat(CalicoPool.withDefaultBlockSize(Cidr.parse("10.244.0.0/16")).blockSize())
        .isEqualTo(26);
    assertThat(CalicoPool.withDefaultBlockSize(Cidr.parse("fd00::/48")).blockSize()).isEqualTo(122);
    assertThatThrownBy(() -> new CalicoPool(Cidr.parse("10.244.0.0/16"), 15))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blockSize 15");
    assertThatThrownBy(() -> new CalicoPool(Cidr.parse("10.244.0.0/16"), 33))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ciliumClusterPoolDefaults() {
    // ipam-semantics.md 4: 10.0.0.0/8 with /24 gives 65536 nodes of 254 addresses.
    CiliumClusterPool ipv4 = CiliumClusterPool.ipv4Defaults();
    assertThat(ipv4.nodeCidrCount()).isEqualTo(65536);
    assertThat(ipv4.allocatableAddressesPerNode()).isEqualTo(254);
    assertThat(ipv4.podAddressesPerNode(true)).isEqualTo(252);
    assertThat(ipv4.podAddressesPerNode(false)).isEqualTo(253);

    CiliumClusterPool ipv6 = CiliumClusterPool.ipv6Defaults();
    assertThat(ipv6.nodeCidrCount()).isEqualTo(65536);
    assertThat(ipv6.allocatableAddressesPerNode()).isEqualTo(254);
  }

  @Test
  void ciliumClusterPoolLimits() {
    CiliumClusterPool twoCidrs =
        new CiliumClusterPool(List.of(Cidr.parse("10.0.0.0/16"), Cidr.parse("10.1.0.0/20")), 24);
    assertThat(twoCidrs.nodeCidrCount()).isEqualTo(256 + 16);

    CiliumClusterPool tooLong = new CiliumClusterPool(List.of(Cidr.parse("10.0.0.0/26")), 24);
    assertThat(tooLong.nodeCidrCount()).isZero();

    CiliumClusterPool wideIpv6 = new CiliumClusterPool(List.of(Cidr.parse("fd00::/48")), 64);
    assertThat(wideIpv6.allocatableAddressesPerNode()).isEqualTo(65534);

    assertThatThrownBy(() -> new CiliumClusterPool(List.of(Cidr.parse("fd00::/103")), 120))
        .hasMessage(NodeCidrPool.NODE_CIDR_TOO_BIG);
    assertThatThrownBy(() -> new CiliumClusterPool(List.of(Cidr.parse("10.0.0.0/8")), 33))
        .hasMessage(CiliumClusterPool.MASK_SIZE_INVALID);
    assertThatThrownBy(
            () ->
                new CiliumClusterPool(
                    List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/104")), 24))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "flannel {0} SubnetLen={1} -> /{4} {5}..{6}")
  @CsvSource(
      nullValues = "-",
      value = {
        // flannel-io/flannel pkg/subnet/config_test.go @ de8b1f05: TestConfigDefaults,
        // TestIPv6ConfigDefaults, TestConfigOverrides, TestIPv6ConfigOverrides
        "10.3.0.0/16, 0, -, -, 24, 10.3.1.0, 10.3.255.0, 255",
        "fc00::/48, 0, -, -, 64, fc00:0:0:1::, fc00:0:0:ffff::, 65535",
        "10.3.0.0/16, 28, 10.3.5.0, 10.3.8.0, 28, 10.3.5.0, 10.3.8.0, 49",
        "fc00::/48, 124, fc00:0:0:1::, fc00:0:0:f::, 124, fc00:0:0:1::, fc00:0:0:f::,"
            + " 16140901064495857665",
        // fixture net-conf.json-udp-subnetlen-flannel-docs.json
        "10.0.0.0/8, 20, 10.10.0.0, 10.99.0.0, 20, 10.10.0.0, 10.99.0.0, 1425",
        // config.go defaults (derived): /22 and wider get a /24, longer networks prefix + 2
        "10.244.0.0/16, 0, -, -, 24, 10.244.1.0, 10.244.255.0, 255",
        "10.244.0.0/22, 0, -, -, 24, 10.244.1.0, 10.244.3.0, 3",
        "10.244.0.0/23, 0, -, -, 25, 10.244.0.128, 10.244.1.128, 3",
        "10.244.0.0/28, 0, -, -, 30, 10.244.0.4, 10.244.0.12, 3",
        "fd00::/100, 0, -, -, 102, fd00::400:0, fd00::c00:0, 3"
      })
  void flannelSubnets(
      String network,
      int subnetLen,
      String min,
      String max,
      int expectedLen,
      String expectedMin,
      String expectedMax,
      String leases) {
    FlannelSubnets subnets = FlannelSubnets.of(Cidr.parse(network), subnetLen, min, max);

    assertThat(subnets.subnetLen()).isEqualTo(expectedLen);
    assertThat(subnets.subnetMin()).isEqualTo(expectedMin);
    assertThat(subnets.subnetMax()).isEqualTo(expectedMax);
    assertThat(subnets.leaseCount()).isEqualTo(new BigInteger(leases));
  }

  @ParameterizedTest(name = "flannel {0} SubnetLen={1} is refused")
  @CsvSource(
      nullValues = "-",
      value = {
        "10.244.0.0/29, 0, -, network is too small. Minimum useful network prefix is /28",
        "fd00::/125, 0, -, IPv6Network is too small. Minimum useful network prefix is /124",
        "10.244.0.0/16, 31, -, SubnetLen must be less than /31",
        "fd00::/48, 127, -, SubnetLen must be less than /127",
        "10.244.0.0/16, 17, -, network must be able to accommodate at least four subnets",
        "10.244.0.0/16, 24, 10.244.5.1, SubnetMin is not on a SubnetLen boundary: 10.244.5.1",
        "10.244.0.0/16, 24, 10.245.5.0, SubnetMin is not in the range of the Network",
        "fd00::/48, 64, fd01::, IPv6SubnetMin is not in the range of the IPv6Network"
      })
  void flannelRefusals(String network, int subnetLen, String min, String error) {
    assertThatThrownBy(() -> FlannelSubnets.of(Cidr.parse(network), subnetLen, min, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(error);
  }

  @ParameterizedTest(name = "{0}: {5} pods")
  @CsvSource({
    // ipam-semantics.md 6, eni-max-pods.txt values; ENI and address counts are AWS's
    // published limits for these types.
    "t3.nano, 2, 2, 2, true, 4",
    "t3.micro, 2, 2, 2, true, 4",
    "t3.small, 3, 4, 2, true, 11",
    "t3.medium, 3, 6, 2, true, 17",
    "m5.large, 3, 10, 2, true, 29",
    "c5.large, 3, 10, 2, true, 29",
    "m6i.large, 3, 10, 2, true, 29",
    "m5.xlarge, 4, 15, 4, true, 58",
    "m5.4xlarge, 8, 30, 16, true, 234"
  })
  void awsEniMaxPods(String type, int enis, int ips, int vcpus, boolean nitro, int expected) {
    AwsVpcCniMaxPods instance = new AwsVpcCniMaxPods(enis, ips, vcpus, nitro);

    assertThat(instance.eniMaxPods()).as(type).isEqualTo(expected);
    assertThat(instance.maxAllowedPods(false, false)).as(type).isEqualTo(expected);
  }

  @Test
  void awsCalculatorCapsAndModes() {
    AwsVpcCniMaxPods m5Large = new AwsVpcCniMaxPods(3, 10, 2, true);
    assertThat(m5Large.maxAllowedPods(false, true)).isEqualTo(434);
    assertThat(m5Large.recommendedMaxPods(false, true)).isEqualTo(110);
    assertThat(m5Large.recommendedMaxPods(false, false)).isEqualTo(29);
    assertThat(m5Large.maxAllowedPods(true, false)).isEqualTo(20);

    AwsVpcCniMaxPods m5FourXlarge = new AwsVpcCniMaxPods(8, 30, 16, true);
    assertThat(m5FourXlarge.recommendedMaxPods(false, false)).isEqualTo(110);

    AwsVpcCniMaxPods bigNitro = new AwsVpcCniMaxPods(8, 30, 32, true);
    assertThat(bigNitro.recommendedMaxPods(false, true)).isEqualTo(250);
    assertThat(bigNitro.recommendedMaxPods(false, false)).isEqualTo(234);

    AwsVpcCniMaxPods xen = new AwsVpcCniMaxPods(3, 10, 2, false);
    assertThat(xen.maxAllowedPods(false, true)).as("no prefix delegation off Nitro").isEqualTo(29);
  }
}
