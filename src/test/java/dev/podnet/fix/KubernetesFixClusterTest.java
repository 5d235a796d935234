package dev.podnet.fix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fabric8 implementation against the mock server in expectations mode: the requests it sends
 * (preconditions, Eviction versions) and how it reads the answers (429 with its cause and
 * Retry-After, the multiple-PDB 500, SelfSubjectAccessReview). The mock cannot evict or cordon for
 * real (reference/java-stack.md section 2); the *IT tier does that against a real API server.
 */
@EnableKubernetesMockClient
class KubernetesFixClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BLOCKED =
      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"Cannot evict"
          + " pod as it would violate the pod's disruption budget.\",\"reason\":\"TooManyRequests\","
          + "\"details\":{\"causes\":[{\"reason\":\"DisruptionBudget\",\"message\":\"The disruption"
          + " budget web needs 2 healthy pods and has 2 currently\"}]},\"code\":429}";

  KubernetesClient client;
  KubernetesMockServer server;
  private KubernetesFixCluster cluster;

  @TempDir Path journals;

  @BeforeEach
  void connect() {
    cluster = KubernetesFixCluster.connect(client.getConfiguration(), Duration.ofSeconds(30));
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aBudgetRefusalIsOneAnswerWithItsCauseAndRetryAfterNotTenRetries() {
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/demo/pods/web-1/eviction")
        .andReturn(429, BLOCKED)
        .withHeader("Retry-After", "3")
        .always();

    EvictionResult result = cluster.evict("demo", "web-1");

    assertThat(result.outcome()).isEqualTo(EvictionResult.Outcome.BLOCKED);
    assertThat(result.cause())
        .isEqualTo("The disruption budget web needs 2 healthy pods and has 2 currently");
    assertThat(result.message())
        .isEqualTo("Cannot evict pod as it would violate the pod's disruption budget.");
    assertThat(result.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aServerWithoutPolicyV1EvictionGetsV1beta1() throws InterruptedException {
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/demo/pods/web-1/eviction")
        .andReturn(
            400,
            "{\"kind\":\"Status\",\"code\":400,\"message\":\"no kind \\\"Eviction\\\" is"
                + " registered for version \\\"policy/v1\\\" in scheme"
                + " \\\"k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30\\\"\"}")
        .once();
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/demo/pods/web-1/eviction")
        .andReturn(201, "{\"kind\":\"Status\",\"status\":\"Success\",\"code\":201}")
        .always();

    EvictionResult result = cluster.evict("demo", "web-1");

    assertThat(result.outcome()).isEqualTo(EvictionResult.Outcome.EVICTED);
    server.takeRequest();
    JsonNode second = json(server.takeRequest().getUtf8Body());
    assertThat(second.path("apiVersion").asText()).isEqualTo("policy/v1beta1");
    assertThat(second.path("metadata").path("namespace").asText()).isEqualTo("demo");
  }

  @Test
  void aPodUnderTwoBudgetsIsNotRetried() {
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/demo/pods/web-1/eviction")
        .andReturn(
            500,
            "{\"kind\":\"Status\",\"code\":500,\"message\":\""
                + EvictionResult.MULTIPLE_PDBS_MESSAGE
                + "\"}")
        .always();

    EvictionResult result = cluster.evict("demo", "web-1");

    assertThat(result.outcome()).isEqualTo(EvictionResult.Outcome.MULTIPLE_PDBS);
  }

  @Test
  void aConflictOnCreateIsExistsOnlyWhenTheServerSaysAlreadyExistsAndThePodIsThere() {
    HelperPod pod =
        new HelperPod(
            "kube-system", "podnet-canary-1", "worker-2", "pause", List.of(), false, Map.of());
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/kube-system/pods")
        .andReturn(
            409,
            "{\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"Conflict\","
                + "\"message\":\"injected\",\"code\":409}")
        .once();
    assertThatThrownBy(() -> cluster.createPod(pod))
        .isInstanceOf(FixApiException.class)
        .hasMessageContaining("injected");

    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/kube-system/pods")
        .andReturn(
            409,
            "{\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"AlreadyExists\","
                + "\"message\":\"pods \\\"podnet-canary-1\\\" already exists\",\"code\":409}")
        .once();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/kube-system/pods/podnet-canary-1")
        .andReturn(
            200,
            "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"podnet-canary-1\","
                + "\"namespace\":\"kube-system\",\"uid\":\"p-1\"},"
                + "\"spec\":{\"nodeName\":\"worker-2\"},\"status\":{\"phase\":\"Pending\"}}")
        .once();
    assertThat(catchThrowable(() -> assertThat(cluster.createPod(pod)).isFalse())).isNull();
  }

  @Test
  void aNodeIsDeletedAndCordonedOnlyWithItsUid() throws Exception {
    server
        .expect()
        .delete()
        .withPath("/api/v1/nodes/worker-2")
        .andReturn(200, "{\"kind\":\"Status\",\"status\":\"Success\"}")
        .once();
    server
        .expect()
        .get()
        .withPath("/api/v1/nodes/worker-2")
        .andReturn(
            200,
            "{\"kind\":\"Node\",\"metadata\":{\"name\":\"worker-2\",\"uid\":\"u-2\","
                + "\"resourceVersion\":\"41\"},\"spec\":{\"podCIDR\":\"10.42.2.0/24\"}}")
        .always();
    server
        .expect()
        .patch()
        .withPath("/api/v1/nodes/worker-2")
        .andReturn(200, "{\"kind\":\"Node\",\"metadata\":{\"name\":\"worker-2\"}}")
        .once();

    cluster.deleteNode("worker-2", "u-2");
    cluster.cordon("worker-2", "u-2", "20261120-100000-abcdef");

    JsonNode delete = json(server.takeRequest().getUtf8Body());
    assertThat(delete.path("preconditions").path("uid").asText()).isEqualTo("u-2");
    server.takeRequest();
    var patch = server.takeRequest();
    assertThat(patch.getHeader("Content-Type")).startsWith("application/json-patch+json");
    JsonNode ops = json(patch.getUtf8Body());
    assertThat(ops.get(0).toString())
        .isEqualTo("{\"op\":\"test\",\"path\":\"/metadata/uid\",\"value\":\"u-2\"}");
    assertThat(ops.toString())
        .contains("{\"op\":\"add\",\"path\":\"/spec/unschedulable\",\"value\":true}")
        .contains(
            "{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"podnet.dev/fix-run\":"
                + "\"20261120-100000-abcdef\"}}");
    assertThat(cluster.node("worker-2").orElseThrow().podCidrs()).containsExactly("10.42.2.0/24");
  }

  @Test
  void aMissingPermissionRefusesTheRunBeforeAnyWrite() throws IOException {
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        .andReply(
            201,
            request -> {
              JsonNode attributes =
                  json(request.getUtf8Body()).path("spec").path("resourceAttributes");
              boolean allowed =
                  !(attributes.path("resource").asText().equals("pods")
                      && attributes.path("subresource").asText().equals("eviction"));
              return "{\"kind\":\"SelfSubjectAccessReview\",\"status\":{\"allowed\":"
                  + allowed
                  + "}}";
            })
        .always();
    VirtualTime time = new VirtualTime(Instant.parse("2026-11-20T10:00:00Z"));
    FakeCluster shape = new FakeCluster(time, "10.244.0.0/16", 24);
    shape.addDriftedNode("worker-2", "10.42.2.0/24");
    FixPlan plan =
        TestPlans.plan(
            shape, List.of("worker-2"), TestPlans.options(FixOptions.POD, null), time.instant());
    RunJournal journal =
        RunJournal.create(journals, "20261120-100000-abcdef", plan, RunJournal::atomicWrite);
    List<String> output = new ArrayList<>();

    RunOutcome outcome =
        new FixExecutor(cluster, journal, time, time.sleeper(), output::add, "resume").run();

    assertThat(outcome.state()).isEqualTo(RunJournal.State.FAILED);
    assertThat(outcome.message()).startsWith("missing permission: create pods/eviction (");
    assertThat(server.getRequestCount())
        .as("one review per permission, then the lock is looked at once to release it")
        .isEqualTo(FixPermissions.REQUIRED.size() + 1);
  }
}
