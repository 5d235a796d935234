package dev.podnet.it;

import static dev.podnet.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.source.ListQuery;
import dev.podnet.source.LiveSource;
import dev.podnet.source.ModelBuilder;
import dev.podnet.testing.CliRun;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code podnet diagnose} against a real kube-apiserver loaded with each recorded example gives the
 * same findings as on the snapshot; and on a loaded cluster it makes one request per page, not per
 * node or pod.
 */
@ExtendWith(RealApiServerExtension.class)
class DiagnoseLiveIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<String> examples() throws Exception {
    try (Stream<Path> dirs = Files.list(Path.of("examples"))) {
      return dirs
          .filter(d -> Files.isDirectory(d.resolve("cluster")))
          .map(d -> d.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  /**
   * The report without what the test server cannot reproduce: the source block, node registration
   * times (the server sets creationTimestamp itself, and growth rates follow from them), and the
   * reason a CRD was not collected (absent from a snapshot versus not served by the server).
   */
  private static JsonNode findingsOf(String json) throws Exception {
    ObjectNode tree = (ObjectNode) JSON.readTree(json);
    tree.remove("source");
    for (JsonNode table : tree.path("tables")) {
      List<String> columns = new java.util.ArrayList<>();
      table.path("columns").forEach(c -> columns.add(c.asText()));
      for (String timeDependent : List.of("REGISTERED", "DAYS LEFT")) {
        int column = columns.indexOf(timeDependent);
        if (column >= 0) {
          for (JsonNode row : table.path("rows")) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) row)
                .set(column, JSON.getNodeFactory().textNode("(time)"));
          }
        }
      }
    }
    for (JsonNode finding : tree.path("findings")) {
      for (JsonNode evidence : finding.path("evidence")) {
        String text = evidence.path("text").asText();
        ((ObjectNode) evidence)
            .put(
                "text",
                text.replaceAll("registered \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "registered (time)"));
      }
    }
    for (JsonNode missing : tree.path("notCollected")) {
      if (missing.path("source").asText().startsWith("cluster/crds/")) {
        ((ObjectNode) missing).remove("reason");
      }
    }
    return tree;
  }

  @ParameterizedTest
  @MethodSource("examples")
  void liveDiagnosisEqualsSnapshotDiagnosis(
      String example, RealApiServer server, SnapshotLoader loader) throws Exception {
    loader.reset();
    SnapshotLoader.Report report = loader.load(Path.of("examples", example));
    System.err.println(example + ": " + report);

    // The 1.20 test server serves no Calico/Cilium CRDs, so commands that read them are compared
    // only on examples that have none.
    // The 1.20 server also drops a node's second (IPv6) podCIDR unless its alpha IPv6DualStack
    // gate is on, so the dual-stack example is compared on diagnose only as well.
    boolean crds = Files.isDirectory(Path.of("examples", example, "cluster", "crds"));
    boolean dualStack = example.startsWith("dual-stack");
    List<String> commands =
        crds || dualStack ? List.of("diagnose") : List.of("diagnose", "cidr", "ipam");
    // Node folders (nodes/<node>/...) hold files no API server has: the live run is compared with
    // the cluster part of the snapshot.
    Path snapshotDir = Path.of("examples", example);
    if (Files.isDirectory(snapshotDir.resolve("nodes"))) {
      Path clusterOnly = Files.createTempDirectory("podnet-" + example);
      copyTree(snapshotDir.resolve("cluster"), clusterOnly.resolve("cluster"));
      snapshotDir = clusterOnly;
    }
    for (String command : commands) {
      CliRun snapshot = run(command, "--snapshot", snapshotDir.toString(), "-o", "json");
      CliRun live =
          run(
              command,
              "--kubeconfig",
              server.kubeconfigPath().toString(),
              "--page-size",
              "50",
              "-o",
              "json");

      assertThat(live.err()).as("stderr of the live %s run", command).isEmpty();
      assertThat(live.exitCode()).as("exit code of %s", command).isEqualTo(snapshot.exitCode());
      assertThat(findingsOf(live.out()))
          .as("podnet %s", command)
          .isEqualTo(findingsOf(snapshot.out()));
      assertThat(JSON.readTree(live.out()).path("source").path("kind").asText()).isEqualTo("live");
    }
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }

  @Test
  void requestsAreOnePerPage(RealApiServer server, SnapshotLoader loader, @TempDir Path tmp)
      throws Exception {
    Path generated = tmp.resolve("cluster");
    Process generator =
        new ProcessBuilder(
                "java",
                "bench/GenerateCluster.java",
                generated.toString(),
                "--nodes",
                "120",
                "--pods",
                "2400",
                "--events",
                "1200",
                "--seed",
                "7")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("generator.log").toFile())
            .start();
    assertThat(generator.waitFor()).as("generator exit code").isZero();
    loader.reset();
    SnapshotLoader.Report report = loader.load(generated);
    System.err.println("paging cluster: " + report);

    int pageSize = 50;
    long expectedPages = 0;
    KubernetesClient client = server.client();
    for (ListQuery query : ModelBuilder.queries()) {
      List<String> selectors =
          query.fieldSelectors().isEmpty() ? List.of("") : query.fieldSelectors();
      for (String selector : selectors) {
        long items = count(client, query.resource().apiPath(), selector);
        expectedPages += Math.max(1, (items + pageSize - 1) / pageSize);
      }
    }
    LiveSource source = LiveSource.of(server.config(), pageSize, 30);
    var model = ModelBuilder.build(source);

    assertThat(model.nodes()).hasSize(120);
    assertThat(source.requests()).as("requests made").isEqualTo((int) expectedPages);
    assertThat(source.requests())
        .as("requests grow with pages, not with nodes or pods")
        .isLessThan(model.nodes().size() + 2400 / pageSize);
    System.err.println(
        "paging: "
            + source.requests()
            + " requests for "
            + expectedPages
            + " pages: "
            + source.requestLog());
  }

  private static long count(KubernetesClient client, String apiPath, String fieldSelector)
      throws Exception {
    String url =
        apiPath
            + (fieldSelector.isEmpty()
                ? ""
                : "?fieldSelector="
                    + java.net.URLEncoder.encode(fieldSelector, StandardCharsets.UTF_8));
    String body = client.raw(url);
    return body == null ? 0 : JSON.readTree(body).path("items").size(); // null: CRD not served
  }
}
