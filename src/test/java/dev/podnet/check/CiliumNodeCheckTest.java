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
 * Cilium cluster-pool IPAM whose pool is used up: the operator's {@code allocator full} error
 * (ErrAllocatorFull in cilium's pkg/ipam/allocator/podcidr, reference ipam-semantics.md section 4)
 * on a CiliumNode becomes a node_cidr_missing finding for that node.
 */
class CiliumNodeCheckTest {
  @Test
  void operatorAllocatorFull() throws Exception {
    ClusterModel model =
        ModelBuilder.build(
            new SnapshotDirectorySource(
                Path.of("src/test/resources/dev/podnet/check/cilium-pool-full")));
    assertThat(ClusterNetwork.of(model).model()).isEqualTo(IpamModel.CILIUM_CLUSTER_POOL);
    assertThat(ClusterNetwork.of(model).clusterCidrs())
        .extracting(c -> c.text())
        .containsExactly("10.0.0.0/23");
    List<Finding> findings = new CiliumNodeCheck().run(model);
    assertThat(findings).hasSize(1);
    Finding finding = findings.get(0);
    assertThat(finding.cause()).isEqualTo(RootCause.NODE_CIDR_MISSING);
    assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(finding.scope()).isEqualTo("worker-2");
    assertThat(finding.summary()).contains("allocator full");
    // Empty node podCIDRs are normal under cluster-pool: the node check must stay silent.
    assertThat(new NodeCidrCheck().run(model)).isEmpty();
  }
}
