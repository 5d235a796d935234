package dev.podnet.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.model.Resource;
import dev.podnet.source.RawListCopier;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --namespace}, {@code --pod} and {@code --node} keep what they say, with the events that go
 * with it.
 */
@EnableKubernetesMockClient(crud = true)
class NarrowingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  KubernetesClient client;
  @TempDir Path tmp;

  @BeforeEach
  void cluster() {
    for (String node : List.of("worker-1", "worker-2")) {
      client
          .nodes()
          .resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build())
          .create();
      event("default", "Node", null, node, "NodeNotReady");
    }
    pod("shop", "web-1", "worker-1");
    pod("shop", "web-2", "worker-2");
    pod("batch", "job-1", "worker-1");
    event("shop", "ConfigMap", "shop", "settings", "Updated");
  }

  private void pod(String namespace, String name, String node) {
    client
        .pods()
        .inNamespace(namespace)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .endSpec()
                .build())
        .create();
    event(namespace, "Pod", namespace, name, "FailedCreatePodSandBox");
  }

  private void event(
      String namespace, String kind, String objectNamespace, String name, String reason) {
    client
        .v1()
        .events()
        .inNamespace(namespace)
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(name + "." + reason.toLowerCase())
                .withNamespace(namespace)
                .endMetadata()
                .withNewInvolvedObject()
                .withKind(kind)
                .withNamespace(objectNamespace)
                .withName(name)
                .endInvolvedObject()
                .withReason(reason)
                .build())
        .create();
  }

  /** Bundles with the narrowing and returns the names in each cluster file. */
  private Map<String, List<String>> bundle(Narrowing narrowing) throws Exception {
    Path out = tmp.resolve("b" + System.nanoTime() + ".tar.gz");
    try (RawListCopier lists = RawListCopier.of(client.getConfiguration(), 50, 10)) {
      new BundleCollector(
              lists,
              null,
              new Redactor(new byte[] {1}),
              Clock.systemUTC(),
              Progress.silent(),
              note -> {})
          .collect(new BundleCollector.Request(out, false, narrowing, "test"));
    }
    Map<String, String> files = TestArchives.read(out);
    return Map.of(
        "nodes", names(files.get(Resource.NODES.path())),
        "pods", names(files.get(Resource.PODS.path())),
        "events", names(files.get(Resource.EVENTS.path())));
  }

  private static List<String> names(String list) throws Exception {
    List<String> names = new ArrayList<>();
    for (JsonNode item : JSON.readTree(list).path("items")) {
      String namespace = item.path("metadata").path("namespace").asText("");
      names.add(
          (namespace.isEmpty() ? "" : namespace + "/")
              + item.path("metadata").path("name").asText());
    }
    return names.stream().sorted().toList();
  }

  @Test
  void withoutNarrowingEverythingIsKept() throws Exception {
    Map<String, List<String>> kept = bundle(Narrowing.none());
    assertThat(kept.get("nodes")).containsExactly("worker-1", "worker-2");
    assertThat(kept.get("pods")).containsExactly("batch/job-1", "shop/web-1", "shop/web-2");
    assertThat(kept.get("events")).hasSize(6);
  }

  @Test
  void aNamespaceKeepsItsPodsAndEvents() throws Exception {
    Map<String, List<String>> kept = bundle(new Narrowing(List.of("shop"), List.of(), List.of()));
    assertThat(kept.get("nodes")).containsExactly("worker-1", "worker-2");
    assertThat(kept.get("pods")).containsExactly("shop/web-1", "shop/web-2");
    assertThat(kept.get("events"))
        .containsExactly(
            "shop/settings.updated",
            "shop/web-1.failedcreatepodsandbox",
            "shop/web-2.failedcreatepodsandbox");
  }

  @Test
  void aPodKeepsItselfAndItsEvents() throws Exception {
    Map<String, List<String>> kept =
        bundle(new Narrowing(List.of(), List.of("shop/web-2"), List.of()));
    assertThat(kept.get("pods")).containsExactly("shop/web-2");
    assertThat(kept.get("events")).containsExactly("shop/web-2.failedcreatepodsandbox");
    assertThat(kept.get("nodes")).as("nodes are narrowed by --node only").hasSize(2);
  }

  @Test
  void aNodeKeepsItselfItsPodsAndTheirEvents() throws Exception {
    Map<String, List<String>> kept =
        bundle(new Narrowing(List.of(), List.of(), List.of("worker-1")));
    assertThat(kept.get("nodes")).containsExactly("worker-1");
    assertThat(kept.get("pods")).containsExactly("batch/job-1", "shop/web-1");
    assertThat(kept.get("events"))
        .containsExactly(
            "batch/job-1.failedcreatepodsandbox",
            "default/worker-1.nodenotready",
            "shop/web-1.failedcreatepodsandbox");
  }

  @Test
  void optionsOfDifferentKindsMustAllHold() throws Exception {
    Map<String, List<String>> kept =
        bundle(new Narrowing(List.of("shop"), List.of(), List.of("worker-1")));
    assertThat(kept.get("pods")).containsExactly("shop/web-1");
  }

  @Test
  void aNamespaceIsListedThroughItsOwnPath() {
    Narrowing narrowing = new Narrowing(List.of("shop", "batch"), List.of(), List.of());
    assertThat(BundleCollector.apiPaths(Resource.PODS, narrowing))
        .containsExactly("/api/v1/namespaces/batch/pods", "/api/v1/namespaces/shop/pods");
    assertThat(BundleCollector.apiPaths(Resource.NODES, narrowing))
        .containsExactly("/api/v1/nodes");
    assertThat(BundleCollector.apiVersion("/apis/crd.projectcalico.org/v1/ippools"))
        .isEqualTo("crd.projectcalico.org/v1");
  }

  @Test
  void aPodMustBeNamespaceSlashName() {
    assertThatThrownBy(() -> new Narrowing(List.of(), List.of("web-1"), List.of()))
        .hasMessage("--pod takes NAMESPACE/NAME, got 'web-1'");
  }
}
