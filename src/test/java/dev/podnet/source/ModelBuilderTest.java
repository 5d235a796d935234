package dev.podnet.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.model.ClusterModel;
import dev.podnet.model.NodeInfo;
import dev.podnet.model.PodInfo;
import dev.podnet.model.Resource;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The model built from real published objects (src/test/resources/fixtures/SOURCES.md). */
class ModelBuilderTest {
  private static ClusterModel build(String fixture) throws SourceException {
    return ModelBuilder.build(
        new SnapshotDirectorySource(Path.of("src/test/resources/fixtures", fixture)));
  }

  @Test
  void kindNodesAndKubeSystemPods() throws SourceException {
    ClusterModel model = build("kind-sonobuoy");
    assertThat(model.nodes()).containsOnlyKeys("kind-control-plane", "kind-worker", "kind-worker2");
    NodeInfo worker = model.nodes().get("kind-worker");
    assertThat(worker.effectivePodCidrs()).hasSize(1);
    assertThat(worker.effectivePodCidrs().get(0)).startsWith("10.244.");
    assertThat(worker.providerId()).isEqualTo("kind://docker/kind/kind-worker");
    // The published dump caught this worker with its network plugin not ready.
    assertThat(worker.ready().isFalse()).isTrue();
    assertThat(worker.ready().message())
        .isEqualTo(
            "runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady"
                + " message:docker: network plugin is not ready: cni config uninitialized");
    assertThat(model.agentPods())
        .extracting(PodInfo::name)
        .containsExactlyInAnyOrder("kindnet-hknk7", "kindnet-qhzxn", "kindnet-x9fsq");
    PodInfo controllerManager =
        model.controlPlanePods().stream()
            .filter(p -> p.name().equals("kube-controller-manager-kind-control-plane"))
            .findFirst()
            .orElseThrow();
    assertThat(controllerManager.command())
        .contains("--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16");
    assertThat(controllerManager.mirror()).isTrue();
    assertThat(model.stuckPods()).isEmpty();
    assertThat(model.collected()).containsExactlyInAnyOrder(Resource.NODES, Resource.PODS);
    assertThat(model.notCollected()).containsKeys(Resource.EVENTS, Resource.DAEMONSETS);
  }

  @Test
  void aksNodesAndDaemonSets() throws SourceException {
    ClusterModel model = build("aks-1.16");
    assertThat(model.nodes()).isNotEmpty();
    assertThat(model.nodes().values())
        .allSatisfy(n -> assertThat(n.providerId()).startsWith("azure:///subscriptions/"));
    assertThat(model.daemonSets()).extracting(d -> d.name()).contains("kube-proxy");
  }

  @Test
  void sandboxIdsAreFoundAndNormalised() {
    String message =
        "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox"
            + " \"20d3feb0e9ed29a754fb921b8ae728d4b2d6035d2add28d7e1d4b1f7ce08be10\": plugin type=\"calico\""
            + " failed (add): Unauthorized";
    assertThat(ModelBuilder.sandboxId(message))
        .isEqualTo("20d3feb0e9ed29a754fb921b8ae728d4b2d6035d2add28d7e1d4b1f7ce08be10");
    assertThat(ModelBuilder.normalise(message)).contains("sandbox \"<id>\"");
    assertThat(
            ModelBuilder.sandboxId(
                "failed to set up sandbox container \"0a1b2c3d4e5f\" network for pod"))
        .isEqualTo("0a1b2c3d4e5f");
    assertThat(ModelBuilder.sandboxId("no sandbox here")).isNull();
  }
}
