package dev.podnet.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real kube-controller-manager's node IPAM (RangeAllocator, cloud provider unset) assigns a pod
 * CIDR from {@code --cluster-cidr=10.244.0.0/16} with mask /24 to a new Node, on a dedicated
 * server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControllerManagerIpamIT {

  private RealApiServer server;

  @BeforeAll
  void start() {
    server = RealApiServer.startDedicated(true);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void newNodeGetsAPodCidr() {
    KubernetesClient client = server.client();
    client
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName("ipam-a").endMetadata().build())
        .create();
    Node a =
        client
            .nodes()
            .withName("ipam-a")
            .waitUntilCondition(
                n -> n != null && n.getSpec().getPodCIDR() != null, 30, TimeUnit.SECONDS);
    assertThat(a.getSpec().getPodCIDR()).matches("10\\.244\\.\\d+\\.0/24");
    assertThat(a.getSpec().getPodCIDRs()).containsExactly(a.getSpec().getPodCIDR());

    client
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName("ipam-b").endMetadata().build())
        .create();
    Node b =
        client
            .nodes()
            .withName("ipam-b")
            .waitUntilCondition(
                n -> n != null && n.getSpec().getPodCIDR() != null, 30, TimeUnit.SECONDS);
    assertThat(b.getSpec().getPodCIDR())
        .matches("10\\.244\\.\\d+\\.0/24")
        .isNotEqualTo(a.getSpec().getPodCIDR());

    // a Node registered with a pod CIDR keeps it (and the allocator marks it used)
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName("ipam-c")
                .endMetadata()
                .withNewSpec()
                .withPodCIDR("10.244.200.0/24")
                .withPodCIDRs("10.244.200.0/24")
                .endSpec()
                .build())
        .create();
    assertThat(client.nodes().withName("ipam-c").get().getSpec().getPodCIDR())
        .isEqualTo("10.244.200.0/24");
  }
}
