package dev.podnet.cidr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The node-IPAM controller's start-up checks ({@code node_ipam_controller_test.tsv}) and the mask
 * flag decision table ({@code node_cidr_mask_sizes.tsv}).
 */
class NodeIpamVectorsTest {

  static Stream<Arguments> controllerVectors() {
    return VectorFile.arguments("node_ipam_controller_test.tsv", "line", "desc");
  }

  static Stream<Arguments> maskVectors() {
    return VectorFile.arguments("node_cidr_mask_sizes.tsv", "source", "clusterCidr");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("controllerVectors")
  void newNodeIpamControllerWithCidrMasks(VectorFile.Row row) {
    NodeIpamConfig config =
        new NodeIpamConfig(
            clusterCidrsLikeTheUpstreamTest(row.get("clusterCIDR")),
            parseOrUnset(row.get("serviceCIDR")),
            parseOrUnset(row.get("secondaryServiceCIDR")),
            Arrays.stream(row.get("maskSizes").split(",")).map(Integer::valueOf).toList(),
            CidrAllocatorType.fromFlag(row.get("allocatorType")));
    String expected = row.get("expectedError");
    assertThat(config.startupError())
        .as(row.toString())
        .isEqualTo(expected.equals("-") ? Optional.empty() : Optional.of(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("maskVectors")
  void nodeCidrMaskSizes(VectorFile.Row row) {
    NodeIpamFlags flags =
        new NodeIpamFlags(
            row.get("clusterCidr"),
            Integer.parseInt(row.get("nodeCidrMaskSize")),
            Integer.parseInt(row.get("nodeCidrMaskSizeIpv4")),
            Integer.parseInt(row.get("nodeCidrMaskSizeIpv6")));
    String expected = row.get("expected");
    if (expected.startsWith("! ")) {
      assertThatThrownBy(flags::nodeCidrMaskSizes)
          .as(row.toString())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(expected.substring(2));
    } else {
      assertThat(flags.nodeCidrMaskSizes())
          .as(row.toString())
          .containsExactlyElementsOf(
              Arrays.stream(expected.split(",")).map(Integer::valueOf).toList());
    }
  }

  @Test
  void rangeAllocatorPoolsLeaveOutTheServiceRange() {
    NodeIpamConfig config =
        NodeIpamConfig.fromFlags(
            NodeIpamFlags.of("10.96.0.0/11"), "10.96.0.0/12", CidrAllocatorType.RANGE_ALLOCATOR);

    NodeCidrPool pool = config.newPools().get(0);

    assertThat(pool.maxNodeCidrs()).isEqualTo(8192);
    assertThat(pool.freeCount()).isEqualTo(4096);
    assertThat(pool.allocateNext().toString()).isEqualTo("10.112.0.0/24");
  }

  @Test
  void rangeAllocatorStartsEvenWhenTheServiceRangeCoversEverything() {
    // Unlike the legacy controllers, the RangeAllocator only logs the overlap; nodes then wait.
    NodeIpamConfig config =
        NodeIpamConfig.fromFlags(
            NodeIpamFlags.of("10.0.0.0/16"), "10.0.0.0/8", CidrAllocatorType.RANGE_ALLOCATOR);

    assertThat(config.startupError()).isEmpty();
    assertThat(config.newPools().get(0).freeCount()).isZero();
  }

  @Test
  void fromFlagsRefusesWhatKubeControllerManagerRefuses() {
    assertThatThrownBy(
            () ->
                NodeIpamConfig.fromFlags(
                    NodeIpamFlags.of("10.0.0.0/16"), null, CidrAllocatorType.CLOUD_ALLOCATOR))
        .hasMessage(
            "--cidr-allocator-type is set to 'CloudAllocator' but cloud provider is not"
                + " configured");
    assertThatThrownBy(
            () ->
                NodeIpamConfig.fromFlags(
                    NodeIpamFlags.of("10.0.0.0/16"),
                    "10.96.0.0/12,10.97.0.0/16",
                    CidrAllocatorType.RANGE_ALLOCATOR))
        .hasMessage(NodeIpamConfig.SERVICE_CIDRS_NOT_DUAL_STACK);
    assertThatThrownBy(
            () ->
                NodeIpamConfig.fromFlags(
                    NodeIpamFlags.of("10.0.0.0/16"),
                    "10.96.0.0/12,fd00::/108,10.97.0.0/16",
                    CidrAllocatorType.RANGE_ALLOCATOR))
        .hasMessage("--service-cluster-ip-range can not contain more than two entries");
  }

  @Test
  void ipv6ClusterTooWideForTheDefaultNodeMaskFailsAtStartUp() {
    NodeIpamConfig config =
        NodeIpamConfig.fromFlags(
            NodeIpamFlags.of("10.244.0.0/16,fd00:10:244::/47"),
            "10.96.0.0/12",
            CidrAllocatorType.RANGE_ALLOCATOR);

    assertThat(config.nodeCidrMaskSizes()).containsExactly(24, 64);
    assertThat(config.startupError()).contains(NodeCidrPool.NODE_CIDR_TOO_BIG);
  }

  /** {@code netutils.ParseCIDRs(strings.Split(clusterCIDR, ","))}, nil on any error. */
  private static List<Cidr> clusterCidrsLikeTheUpstreamTest(String list) {
    List<Cidr> cidrs = new ArrayList<>();
    for (String value : list.split(",", -1)) {
      try {
        cidrs.add(Cidr.parse(value));
      } catch (IllegalArgumentException e) {
        return List.of();
      }
    }
    return cidrs;
  }

  private static Optional<Cidr> parseOrUnset(String value) {
    try {
      return Optional.of(Cidr.parse(value));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
