package dev.podnet.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link PodNodeFileFetcher#fetch} against fabric8's mock API server in expectations mode (its CRUD
 * mode serves no pod logs): the pod it creates, the log it decodes, the delete that always follows,
 * and the notes when the pod cannot be created or fails. No kubelet runs here: the pod's "log" is
 * what the script would print, built in the test.
 */
@EnableKubernetesMockClient
class PodNodeFileFetcherMockTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PODS = "/api/v1/namespaces/kube-system/pods";
  private static final String NAME = "podnet-node-files-x7k2p";

  KubernetesClient client;
  KubernetesMockServer server;

  private PodNodeFileFetcher fetcher() {
    return new PodNodeFileFetcher(
        client,
        new PodNodeFileFetcher.Settings(
            "busybox:1.36",
            "kube-system",
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            "a1b2c3d4"));
  }

  private static Pod pod(String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withNamespace("kube-system")
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }

  private List<RecordedRequest> requests() throws InterruptedException {
    List<RecordedRequest> requests = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      requests.add(request);
    }
    return requests;
  }

  @Test
  void thePodsLogIsDecodedAndThePodDeleted() throws Exception {
    byte[] archive =
        TestArchives.tarGz(
            tar -> {
              TestArchives.file(tar, "./sandboxes.json", "{\"items\":[]}");
              TestArchives.file(tar, "./.podnet/sandboxes.json", "0\n");
            });
    String log = Base64.getMimeEncoder().encodeToString(archive) + "\n";
    server.expect().post().withPath(PODS).andReturn(201, pod("Pending")).once();
    server.expect().get().withPath(PODS + "/" + NAME).andReturn(200, pod("Succeeded")).always();
    server
        .expect()
        .get()
        .withPath(PODS + "/" + NAME + "/log?pretty=false")
        .andReturn(200, log)
        .once();
    server.expect().delete().withPath(PODS + "/" + NAME).andReturn(200, pod("Succeeded")).once();

    ByteArrayOutputStream received = new ByteArrayOutputStream();
    try (PodNodeFileFetcher fetcher = fetcher()) {
      fetcher.fetch("worker-1", in -> in.transferTo(received));
    }
    assertThat(received.toByteArray()).isEqualTo(archive);

    List<RecordedRequest> requests = requests();
    assertThat(requests)
        .extracting(RecordedRequest::getMethod)
        .containsSubsequence("POST", "GET", "GET", "DELETE");
    assertThat(requests.get(requests.size() - 1).getPath()).isEqualTo(PODS + "/" + NAME);
    JsonNode created = JSON.readTree(requests.get(0).getBody().readUtf8());
    assertThat(created.path("spec").path("nodeName").asText()).isEqualTo("worker-1");
    assertThat(created.path("spec").path("hostPID").asBoolean()).isTrue();
    assertThat(created.path("spec").path("containers").get(0).path("command").get(2).asText())
        .isEqualTo(PodNodeFileFetcher.SCRIPT)
        .contains("'nsenter' '-t' '1' '-m' '-u' '-i' '-n' '-p' '--' 'crictl' 'pods' '-o' 'json'");
  }

  @Test
  void aForbiddenPodSkipsTheNodeWithTheServersWords() throws Exception {
    server
        .expect()
        .post()
        .withPath(PODS)
        .andReturn(
            403,
            new StatusBuilder()
                .withStatus("Failure")
                .withReason("Forbidden")
                .withCode(403)
                .withMessage(
                    "pods is forbidden: User \"system:serviceaccount:default:podnet\" cannot create"
                        + " resource \"pods\" in API group \"\" in the namespace \"kube-system\"")
                .build())
        .once();
    try (PodNodeFileFetcher fetcher = fetcher()) {
      assertThatThrownBy(() -> fetcher.fetch("worker-1", in -> {}))
          .isInstanceOf(NodeFileFetcher.NodeSkipped.class)
          .hasMessage(
              "cannot create a pod in namespace kube-system (HTTP 403): pods is forbidden: User"
                  + " \"system:serviceaccount:default:podnet\" cannot create resource \"pods\" in"
                  + " API group \"\" in the namespace \"kube-system\"");
    }
    assertThat(requests()).extracting(RecordedRequest::getMethod).containsExactly("POST");
  }

  @Test
  void aFailedPodSkipsTheNodeAndIsStillDeleted() throws Exception {
    server.expect().post().withPath(PODS).andReturn(201, pod("Pending")).once();
    server.expect().get().withPath(PODS + "/" + NAME).andReturn(200, pod("Failed")).always();
    server.expect().delete().withPath(PODS + "/" + NAME).andReturn(200, pod("Failed")).once();
    try (PodNodeFileFetcher fetcher = fetcher()) {
      assertThatThrownBy(() -> fetcher.fetch("worker-1", in -> {}))
          .isInstanceOf(NodeFileFetcher.NodeSkipped.class)
          .hasMessage("pod kube-system/" + NAME + " failed");
    }
    List<RecordedRequest> requests = requests();
    assertThat(requests)
        .extracting(RecordedRequest::getMethod)
        .containsExactly("POST", "GET", "DELETE");
    assertThat(requests).noneMatch(r -> r.getPath().contains("/log"));
  }
}
