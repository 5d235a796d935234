package dev.podnet.it.fix;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The test cluster of the fix ITs behaves as the facts it stands for (reference/node-lifecycle.md,
 * java-stack.md section 4), so that a fix IT passing on it means something: drift as the real range
 * allocator leaves it, a kubelet that does not re-register by itself, evictions and PDBs through
 * the real server, replacements for evicted pods, and a fault proxy and invariant guards that do
 * catch what they are meant to catch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FixHarnessIT {
  private FixTestCluster cluster;
  private KubernetesClient client;

  @BeforeAll
  void start() {
    cluster = FixTestCluster.shared();
    client = cluster.client();
  }

  @AfterAll
  void removeNodes() {
    if (cluster != null) {
      cluster.removeWorkers(List.of("drift-a", "fresh-a"), List.of("harness"));
    }
  }

  @Test
  @Order(1)
  void aDriftedNodeKeepsItsOutOfRangeCidrAndNewNodesGetOnesInside() throws Exception {
    cluster.addWorker("drift-a", "10.99.7.0/24", Map.of());
    cluster.addWorker("fresh-a", null, Map.of());
    FixTestCluster.waitFor(
        "the controller-manager to process drift-a",
        Duration.ofSeconds(15),
        () -> {
          try {
            return Files.readString(
                    cluster.server().log("controller-manager"), StandardCharsets.UTF_8)
                .contains("drift-a");
          } catch (java.io.IOException e) {
            return false;
          }
        });
    Thread.sleep(1_000);
    Node drift = client.nodes().withName("drift-a").get();
    assertThat(drift.getSpec().getPodCIDR()).isEqualTo("10.99.7.0/24");
    assertThat(drift.getSpec().getPodCIDRs()).containsExactly("10.99.7.0/24");
    String log =
        Files.readString(cluster.server().log("controller-manager"), StandardCharsets.UTF_8);
    // the range allocator cannot mark it used and says so, then leaves the Node alone
    assertThat(log).contains("drift-a").contains("is out the range of cluster cidr");
    assertThat(client.nodes().withName("fresh-a").get().getSpec().getPodCIDR())
        .matches("10\\.244\\.\\d+\\.0/24");
    // the API refuses to change a CIDR once set (the reason the fix must delete the Node)
    drift.getSpec().setPodCIDR("10.244.99.0/24");
    drift.getSpec().setPodCIDRs(List.of("10.244.99.0/24"));
    try {
      client.nodes().resource(drift).update();
      throw new AssertionError("the API server accepted a podCIDR change");
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).isEqualTo(422);
      assertThat(e.getMessage())
          .contains("node updates may not change podCIDR except from \"\" to valid");
    }
  }

  @Test
  @Order(2)
  void podsRunWithAddressesFromTheNodeCidrAndTheCniAgentIsReady() {
    cluster.createNamespace("harness");
    cluster.createReplicaSet("harness", "web", Map.of("drift-a", 1, "fresh-a", 1));
    Pod onDrift =
        client
            .pods()
            .inNamespace("harness")
            .withField("spec.nodeName", "drift-a")
            .list()
            .getItems()
            .get(0);
    assertThat(onDrift.getStatus().getPodIP()).startsWith("10.99.7.");
    assertThat(onDrift.getMetadata().getOwnerReferences())
        .anyMatch(o -> o.getKind().equals("ReplicaSet") && Boolean.TRUE.equals(o.getController()));
    List<Pod> agents =
        client.pods().inNamespace(FixTestCluster.FLANNEL_NAMESPACE).list().getItems();
    assertThat(agents).hasSize(3).allMatch(FixTestCluster::ready);
  }

  @Test
  @Order(3)
  void theKubeletDoesNotRecreateADeletedNodeUntilItRestarts() throws Exception {
    SimulatedKubelet kubelet = cluster.kubelet("fresh-a");
    Node before = client.nodes().withName("fresh-a").get();
    // move the pod away first, as a drain would
    for (Pod pod :
        client
            .pods()
            .inNamespace("harness")
            .withField("spec.nodeName", "fresh-a")
            .list()
            .getItems()) {
      assertThat(client.pods().inNamespace("harness").withName(pod.getMetadata().getName()).evict())
          .isTrue();
    }
    client.nodes().withName("fresh-a").delete();
    Thread.sleep(2_000);
    assertThat(client.nodes().withName("fresh-a").get()).isNull();
    assertThat(kubelet.registrations()).isEqualTo(1);

    kubelet.restart();
    FixTestCluster.waitFor(
        "fresh-a to register again with a CIDR",
        Duration.ofSeconds(30),
        () -> {
          Node n = client.nodes().withName("fresh-a").get();
          return n != null && n.getSpec().getPodCIDR() != null;
        });
    Node after = client.nodes().withName("fresh-a").get();
    assertThat(after.getMetadata().getUid()).isNotEqualTo(before.getMetadata().getUid());
    assertThat(after.getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
    assertThat(after.getSpec().getPodCIDR()).matches("10\\.244\\.\\d+\\.0/24");
    assertThat(kubelet.registrations()).isEqualTo(2);
    // the evicted pod was finalised and replaced; the replacement runs somewhere schedulable
    FixTestCluster.waitFor(
        "the ReplicaSet to have 2 running pods again",
        Duration.ofSeconds(30),
        () ->
            client.pods().inNamespace("harness").list().getItems().stream()
                    .filter(FixTestCluster::ready)
                    .count()
                == 2);
    assertThat(cluster.scheduler().bindings()).isNotEmpty();
  }

  @Test
  @Order(4)
  void aPrivilegedNsenterPodRestartsTheKubelet() {
    SimulatedKubelet kubelet = cluster.kubelet("fresh-a");
    client.nodes().withName("fresh-a").delete();
    int before = kubelet.registrations();
    Pod restart =
        new PodBuilder()
            .withNewMetadata()
            .withName("restart-fresh-a")
            .withNamespace("kube-system")
            .withLabels(Map.of("app.kubernetes.io/managed-by", "podnet"))
            .endMetadata()
            .withNewSpec()
            .withNodeName("fresh-a")
            .withHostPID(true)
            .withRestartPolicy("Never")
            .addNewContainer()
            .withName("restart")
            .withImage("busybox:1.36")
            .withCommand(
                "nsenter",
                "-t",
                "1",
                "-m",
                "-u",
                "-i",
                "-n",
                "-p",
                "--",
                "systemctl",
                "restart",
                "kubelet")
            .withNewSecurityContext()
            .withPrivileged(true)
            .endSecurityContext()
            .endContainer()
            .endSpec()
            .build();
    client.pods().inNamespace("kube-system").resource(restart).create();
    FixTestCluster.waitFor(
        "the restart pod to succeed",
        Duration.ofSeconds(20),
        () ->
            "Succeeded"
                .equals(
                    client
                        .pods()
                        .inNamespace("kube-system")
                        .withName("restart-fresh-a")
                        .get()
                        .getStatus()
                        .getPhase()));
    assertThat(client.nodes().withName("fresh-a").get()).isNotNull();
    assertThat(kubelet.registrations()).isEqualTo(before + 1);
    client
        .pods()
        .inNamespace("kube-system")
        .withName("restart-fresh-a")
        .withGracePeriod(0)
        .delete();
  }

  @Test
  @Order(5)
  void aPdbThatAllowsNoDisruptionBlocksEvictionWith429() {
    cluster.createReplicaSet("harness", "db", Map.of("drift-a", 2));
    cluster.createPdb("harness", "db", "db", 2);
    Pod pod = client.pods().inNamespace("harness").withLabel("app", "db").list().getItems().get(0);
    // fabric8's evict() answers false on 429 (retries off in this client)
    assertThat(client.pods().inNamespace("harness").withName(pod.getMetadata().getName()).evict())
        .isFalse();
    assertThat(
            client
                .pods()
                .inNamespace("harness")
                .withName(pod.getMetadata().getName())
                .get()
                .getMetadata()
                .getDeletionTimestamp())
        .isNull();
  }

  @Test
  @Order(6)
  void theProxyInjectsScheduledFaultsAndTheGuardsCatchViolations() throws Exception {
    try (FaultProxy proxy = new FaultProxy(cluster.server().masterUrl(), Duration.ofSeconds(2));
        Invariants invariants = new Invariants(client, Duration.ofMillis(50)).start()) {
      proxy.addGuard(invariants.nodeDeleteGuard());
      proxy.addGuard(invariants.cordonGuard());
      proxy.schedule(
          List.of(
              new FaultProxy.Fault(
                  "GET", Pattern.compile("/api/v1/nodes/drift-a"), 2, FaultProxy.Kind.HTTP_500),
              new FaultProxy.Fault(
                  "GET", Pattern.compile("/api/v1/nodes/drift-a"), 3, FaultProxy.Kind.HTTP_429),
              new FaultProxy.Fault(
                  "GET",
                  Pattern.compile("/api/v1/nodes/drift-a"),
                  4,
                  FaultProxy.Kind.TIMEOUT_BEFORE)));
      try (KubernetesClient viaProxy =
          new KubernetesClientBuilder()
              .withConfig(
                  new io.fabric8.kubernetes.client.ConfigBuilder(
                          io.fabric8.kubernetes.client.Config.empty())
                      .withMasterUrl(proxy.url())
                      .withOauthToken(cluster.server().token())
                      .withRequestRetryBackoffLimit(0)
                      .withRequestTimeout(1_000)
                      .build())
              .build()) {
        assertThat(viaProxy.nodes().withName("drift-a").get()).isNotNull();
        assertThat(code(() -> viaProxy.nodes().withName("drift-a").get())).isEqualTo(500);
        assertThat(code(() -> viaProxy.nodes().withName("drift-a").get())).isEqualTo(429);
        long t0 = System.nanoTime();
        assertThat(code(() -> viaProxy.nodes().withName("drift-a").get())).isNotIn(200, 500, 429);
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
            .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(viaProxy.nodes().withName("drift-a").get()).isNotNull();
        assertThat(proxy.injected())
            .containsEntry(FaultProxy.Kind.HTTP_500, 1)
            .containsEntry(FaultProxy.Kind.HTTP_429, 1)
            .containsEntry(FaultProxy.Kind.TIMEOUT_BEFORE, 1);

        // two nodes cordoned at once, and a Node deleted with evictable pods on it: both caught
        viaProxy
            .nodes()
            .withName("drift-a")
            .edit(
                n -> {
                  n.getSpec().setUnschedulable(true);
                  return n;
                });
        viaProxy
            .nodes()
            .withName("fresh-a")
            .edit(
                n -> {
                  n.getSpec().setUnschedulable(true);
                  return n;
                });
        Thread.sleep(300);
        viaProxy.nodes().withName("drift-a").delete();
      }
      assertThat(proxy.violations())
          .anyMatch(v -> v.contains("cordoning fresh-a while [drift-a] cordoned"))
          .anyMatch(v -> v.contains("Node drift-a deleted while evictable pod harness/db-"));
      assertThat(invariants.violations()).anyMatch(v -> v.contains("2 nodes cordoned"));
      assertThat(invariants.maxUnschedulable()).isEqualTo(2);
    }
  }

  private static int code(Runnable call) {
    try {
      call.run();
      return 200;
    } catch (KubernetesClientException e) {
      return e.getCode();
    }
  }
}
