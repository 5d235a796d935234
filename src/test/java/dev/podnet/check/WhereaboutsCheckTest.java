package dev.podnet.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.model.ClusterModel;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import dev.podnet.source.ModelBuilder;
import dev.podnet.source.SnapshotDirectorySource;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Whereabouts IPPool (shape of k8snetworkplumbingwg/whereabouts {@code IPPoolSpec}: {@code range}
 * and {@code allocations} keyed by offset, each with {@code id}, {@code podref}, {@code ifname})
 * whose /30 holds its two usable addresses, one of them for a pod that no longer exists.
 */
class WhereaboutsCheckTest {
  @Test
  void fullPoolWithALeak() throws Exception {
    ClusterModel model =
        ModelBuilder.build(
            new SnapshotDirectorySource(
                Path.of("src/test/resources/dev/podnet/check/whereabouts-full")));
    List<Finding> findings = new WhereaboutsCheck().run(model);
    assertThat(findings)
        .extracting(Finding::severity, Finding::title)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                Severity.WARNING, "1 leaked Whereabouts allocation(s) in 192.168.2.224-28"),
            org.assertj.core.groups.Tuple.tuple(
                Severity.CRITICAL, "Whereabouts pool 192.168.2.224-28 is full"));
    assertThat(findings).allMatch(f -> f.cause() == RootCause.IPAM_EXHAUSTED);
    assertThat(findings.get(0).evidence().get(0).text())
        .isEqualTo("allocation for missing pod media/rtp-proxy-1");
    assertThat(WhereaboutsCheck.capacity("192.168.2.224/30")).isEqualTo(2);
    assertThat(WhereaboutsCheck.capacity("not a cidr")).isZero();
  }
}
