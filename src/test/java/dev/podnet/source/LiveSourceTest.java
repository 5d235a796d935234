package dev.podnet.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.model.ClusterModel;
import dev.podnet.model.Resource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The live source against fabric8's CRUD mock server. The mock ignores paging and field selectors
 * (reference/java-stack.md section 2), so those are proven by the *IT tier; here: reading, the
 * model, and one-line errors.
 */
@EnableKubernetesMockClient(crud = true)
class LiveSourceTest {
  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void readsNodesAndPodsThroughTheStreamingReader() throws SourceException {
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName("worker-1")
                .endMetadata()
                .withNewSpec()
                .withPodCIDR("10.244.1.0/24")
                .withPodCIDRs("10.244.1.0/24")
                .endSpec()
                .build())
        .create();
    client
        .pods()
        .inNamespace("demo")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("web-1")
                .withNamespace("demo")
                .endMetadata()
                .withNewSpec()
                .withNodeName("worker-1")
                .endSpec()
                .withNewStatus()
                .withPhase("Pending")
                .addNewContainerStatus()
                .withName("web")
                .withNewState()
                .withNewWaiting()
                .withReason("ContainerCreating")
                .endWaiting()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build())
        .create();

    LiveSource source = LiveSource.of(client.getConfiguration(), 50, 10);
    ClusterModel model = ModelBuilder.build(source);

    assertThat(model.nodes()).containsOnlyKeys("worker-1");
    assertThat(model.nodes().get("worker-1").podCidr()).isEqualTo("10.244.1.0/24");
    assertThat(model.stuckPods()).extracting(p -> p.key()).containsExactly("demo/web-1");
    assertThat(model.collected()).contains(Resource.NODES, Resource.PODS, Resource.EVENTS);
    assertThat(source.requestLog())
        .contains("/api/v1/nodes?limit=50")
        .contains("/api/v1/events?limit=50&fieldSelector=reason%3DFailedCreatePodSandBox");
    assertThat(source.info().kind()).isEqualTo("live");
  }

  @Test
  void anUnreachableServerIsOneLine() {
    Config config =
        new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").withTrustCerts(true).build();
    assertThatThrownBy(() -> ModelBuilder.build(LiveSource.of(config, 50, 5)))
        .isInstanceOf(SourceException.class)
        .hasMessageStartingWith("cannot reach the API server https://127.0.0.1:1")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void rejectedCredentialsAreOneLine() {
    server
        .expect()
        .get()
        .withPath("/api/v1/nodes?limit=500")
        .andReturn(401, "{\"kind\":\"Status\",\"message\":\"Unauthorized\"}")
        .always();
    LiveSource source = LiveSource.of(client.getConfiguration(), 500, 5);
    assertThatThrownBy(() -> source.read(List.of(ModelBuilder.queries().get(0)), (r, i) -> {}))
        .isInstanceOf(SourceException.class)
        .hasMessageEndingWith("the API server rejected the credentials (HTTP 401 Unauthorized)");
  }
}
