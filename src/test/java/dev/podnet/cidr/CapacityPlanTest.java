package dev.podnet.cidr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityPlanTest {

  @Test
  void kubeadmDefaultsWithTwoHundredNodes() {
    CapacityPlan plan =
        CapacityPlan.of(
            new PlanInput(
                List.of(Cidr.parse("10.244.0.0/16")),
                List.of(24),
                List.of(Cidr.parse("10.96.0.0/12")),
                PlanInput.DEFAULT_MAX_PODS,
                200,
                10,
                300));

    assertThat(plan.nodesThatFit()).isEqualTo(256);
    assertThat(plan.podsPerNode()).isEqualTo(110);
    assertThat(plan.podsThatFit()).isEqualTo(256 * 110);
    assertThat(plan.nodeHeadroom()).isEqualTo(56);
    assertThat(plan.podHeadroom()).isEqualTo(56 * 110);
    assertThat(plan.monthsUntilExhausted().getAsDouble()).isCloseTo(5.6, within(1e-9));

    CapacityPlan.Family family = plan.families().get(0);
    assertThat(family.usableAddressesPerNode()).isEqualTo(BigInteger.valueOf(253));
    assertThat(family.nodeCidrsTakenByServices()).isZero();
    CapacityPlan.MaskAdvice advice = family.advice();
    assertThat(advice.meetsTarget()).isFalse();
    assertThat(advice.nodeMaskChange())
        .contains(
            new CapacityPlan.Layout(Cidr.parse("10.244.0.0/16"), 25, 512, BigInteger.valueOf(125)));
    assertThat(advice.clusterMaskChange())
        .contains(
            new CapacityPlan.Layout(Cidr.parse("10.244.0.0/15"), 24, 512, BigInteger.valueOf(253)));
    assertThat(advice.blockers()).isEmpty();
  }

  @Test
  void serviceRangesInsideTheClusterCidrCostNodes() {
    CapacityPlan plan =
        CapacityPlan.of(
            new PlanInput(
                List.of(Cidr.parse("10.96.0.0/11")),
                List.of(24),
                List.of(Cidr.parse("10.96.0.0/12")),
                110,
                1000,
                0,
                1000));

    CapacityPlan.Family family = plan.families().get(0);
    assertThat(family.nodeCidrs()).isEqualTo(8192);
    assertThat(family.nodeCidrsTakenByServices()).isEqualTo(4096);
    assertThat(plan.nodesThatFit()).isEqualTo(4096);
    assertThat(plan.monthsUntilExhausted()).isEmpty();
    assertThat(family.advice().meetsTarget()).isTrue();
    assertThat(family.advice().nodeMaskChange()).isEmpty();
    assertThat(family.advice().clusterMaskChange()).isEmpty();
  }

  @Test
  void wideningPastTheServiceRangeIsCountedHonestly() {
    CapacityPlan plan =
        CapacityPlan.of(
            new PlanInput(
                List.of(Cidr.parse("10.112.0.0/13")),
                List.of(24),
                List.of(Cidr.parse("10.96.0.0/12")),
                110,
                2000,
                50,
                5000));

    // /12 gives 4096, /11 takes in the service range (8192 - 4096), /10 is the first to fit.
    assertThat(plan.families().get(0).advice().clusterMaskChange())
        .contains(
            new CapacityPlan.Layout(
                Cidr.parse("10.64.0.0/10"), 24, 16384 - 4096, BigInteger.valueOf(253)));
    assertThat(plan.nodeHeadroom()).isEqualTo(48);
    assertThat(plan.monthsUntilExhausted().getAsDouble()).isCloseTo(0.96, within(1e-9));
  }

  @Test
  void ipv6IsBoundBySixteenBitsWithUpstreamText() {
    CapacityPlan plan =
        CapacityPlan.of(
            new PlanInput(
                List.of(Cidr.parse("fd00:10:244::/48")),
                List.of(64),
                List.of(),
                110,
                100,
                0,
                100_000));

    CapacityPlan.MaskAdvice advice = plan.families().get(0).advice();
    assertThat(plan.nodesThatFit()).isEqualTo(65536);
    assertThat(advice.meetsTarget()).isFalse();
    assertThat(advice.nodeMaskChange()).isEmpty();
    assertThat(advice.clusterMaskChange()).isEmpty();
    assertThat(advice.blockers()).containsExactly(NodeCidrPool.NODE_CIDR_TOO_BIG);
  }

  @Test
  void dualStackFitsTheSmallerFamily() {
    CapacityPlan plan =
        CapacityPlan.of(
            PlanInput.of(
                NodeIpamFlags.of("10.244.0.0/16,fd00:10:244::/60"),
                List.of(Cidr.parse("10.96.0.0/12"), Cidr.parse("fd00:10:96::/112")),
                110,
                10,
                2,
                20));

    assertThat(plan.families())
        .extracting(CapacityPlan.Family::nodeCidrs)
        .containsExactly(256L, 16L);
    assertThat(plan.nodesThatFit()).isEqualTo(16);
    assertThat(plan.podsPerNode()).isEqualTo(110);
    assertThat(plan.nodeHeadroom()).isEqualTo(6);
    assertThat(plan.monthsUntilExhausted().getAsDouble()).isCloseTo(3.0, within(1e-9));
    CapacityPlan.MaskAdvice ipv6 = plan.families().get(1).advice();
    assertThat(ipv6.nodeMaskChange())
        .contains(
            new CapacityPlan.Layout(
                Cidr.parse("fd00:10:244::/60"),
                65,
                32,
                BigInteger.ONE.shiftLeft(63).subtract(BigInteger.TWO)));
    assertThat(ipv6.clusterMaskChange().map(layout -> layout.clusterCidr().toString()))
        .contains("fd00:10:244::/59");
  }

  @Test
  void aNodeMaskTooSmallForMaxPodsIsAdvisedAway() {
    CapacityPlan plan =
        CapacityPlan.of(
            new PlanInput(
                List.of(Cidr.parse("10.0.0.0/16")), List.of(26), List.of(), 110, 50, 0, 100));

    assertThat(plan.podsPerNode()).isEqualTo(61);
    CapacityPlan.MaskAdvice advice = plan.families().get(0).advice();
    assertThat(advice.meetsTarget()).isFalse();
    assertThat(advice.nodeMaskChange().map(CapacityPlan.Layout::nodeCidrMaskSize)).contains(25);
    assertThat(advice.clusterMaskChange()).isEmpty();
  }

  @Test
  void aClusterCidrSmallerThanOneNodeBlockNeedsWidening() {
    CapacityPlan plan =
        CapacityPlan.of(
            new PlanInput(
                List.of(Cidr.parse("10.0.0.0/28")), List.of(28), List.of(), 110, 1, 0, 4));

    CapacityPlan.MaskAdvice advice = plan.families().get(0).advice();
    assertThat(advice.blockers()).containsExactly(NodeCidrPool.CLUSTER_MASK_TOO_LONG);
    assertThat(advice.clusterMaskChange())
        .contains(
            new CapacityPlan.Layout(Cidr.parse("10.0.0.0/23"), 25, 4, BigInteger.valueOf(125)));
  }

  @Test
  void refusedLayoutsCarryUpstreamText() {
    assertThatThrownBy(
            () ->
                CapacityPlan.of(
                    new PlanInput(
                        List.of(Cidr.parse("10.0.0.0/26")), List.of(24), List.of(), 110, 1, 0, 1)))
        .hasMessage(NodeCidrPool.CLUSTER_MASK_TOO_LONG);
    assertThatThrownBy(
            () ->
                CapacityPlan.of(
                    new PlanInput(
                        List.of(Cidr.parse("fd00::/47")), List.of(64), List.of(), 110, 1, 0, 1)))
        .hasMessage(NodeCidrPool.NODE_CIDR_TOO_BIG);
    assertThatThrownBy(
            () ->
                new PlanInput(
                    List.of(Cidr.parse("10.0.0.0/16"), Cidr.parse("10.1.0.0/16")),
                    List.of(24, 24),
                    List.of(),
                    110,
                    1,
                    0,
                    1))
        .hasMessage(
            "len of ClusterCIDRs==2 and they are not configured as dual stack (at least one from"
                + " each IPFamily");
  }

  @Test
  void overcommittedClustersHaveNegativeHeadroomAndNoMonthsLeft() {
    CapacityPlan plan =
        CapacityPlan.of(
            new PlanInput(
                List.of(Cidr.parse("10.0.0.0/21")), List.of(24), List.of(), 110, 10, 1, 10));

    assertThat(plan.nodeHeadroom()).isEqualTo(-2);
    assertThat(plan.monthsUntilExhausted().getAsDouble()).isZero();
  }
}
