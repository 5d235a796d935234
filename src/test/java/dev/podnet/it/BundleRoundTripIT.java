package dev.podnet.it;

import static dev.podnet.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.podnet.testing.CliRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code podnet bundle} against a real kube-apiserver loaded with each recorded example, read back
 * with {@code diagnose --snapshot}, finds what {@code diagnose} finds live; the bundle is taken
 * through a recording proxy, which proves that no request ever went to Secrets. With {@code
 * --node-files}, a node whose pod cannot start (this server has no kubelet) is skipped with a note
 * and its pod is deleted.
 */
@ExtendWith(RealApiServerExtension.class)
class BundleRoundTripIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static RecordingProxy proxy;
  private static Path proxyKubeconfig;

  @BeforeAll
  static void startProxy(RealApiServer server, @TempDir Path dir) throws Exception {
    proxy = new RecordingProxy(server.masterUrl(), server.token());
    proxyKubeconfig = dir.resolve("kubeconfig-proxy");
    Files.writeString(
        proxyKubeconfig,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "current-context: proxy",
            "clusters:",
            "- name: proxy",
            "  cluster:",
            "    server: " + proxy.url(),
            "users:",
            "- name: admin",
            "  user:",
            "    token: " + server.token(),
            "contexts:",
            "- name: proxy",
            "  context:",
            "    cluster: proxy",
            "    user: admin",
            ""));
  }

  @AfterAll
  static void stopProxy() {
    if (proxy != null) {
      proxy.close();
    }
  }

  /**
   * Examples the 1.20 test server can hold whole: no Calico/Cilium CRDs, no alpha dual-stack
   * podCIDRs.
   */
  static Stream<String> examples() throws IOException {
    try (Stream<Path> dirs = Files.list(Path.of("examples"))) {
      return dirs
          .filter(d -> Files.isDirectory(d.resolve("cluster")))
          .filter(d -> !Files.isDirectory(d.resolve("cluster/crds")))
          .map(d -> d.getFileName().toString())
          .filter(name -> !name.startsWith("dual-stack-"))
          .sorted()
          .toList()
          .stream();
    }
  }

  /**
   * The report without its source block and without why a CRD is missing (absent from the bundle vs
   * not served).
   */
  private static JsonNode findingsOf(String json) throws IOException {
    ObjectNode tree = (ObjectNode) JSON.readTree(json);
    tree.remove("source");
    for (JsonNode missing : tree.path("notCollected")) {
      if (missing.path("source").asText().startsWith("cluster/crds/")) {
        ((ObjectNode) missing).remove("reason");
      }
    }
    return tree;
  }

  @ParameterizedTest
  @MethodSource("examples")
  void aBundleGivesTheLiveFindings(
      String example, SnapshotLoader loader, RealApiServer server, @TempDir Path tmp)
      throws Exception {
    loader.reset();
    loader.load(Path.of("examples", example));
    proxy.clear();
    Path bundle = tmp.resolve("x.tar.gz");

    CliRun bundled =
        run(
            "bundle",
            "-f",
            bundle.toString(),
            "--kubeconfig",
            proxyKubeconfig.toString(),
            "--page-size",
            "7");
    assertThat(bundled.exitCode()).as("bundle exit code; stderr: %s", bundled.err()).isEqualTo(0);
    assertThat(bundled.out()).startsWith("wrote ");
    assertThat(bundle).isRegularFile();
    assertThat(proxy.requests())
        .as("requests through the proxy")
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r).doesNotContainIgnoringCase("secret"));

    CliRun offline = run("diagnose", "--snapshot", bundle.toString(), "-o", "json");
    CliRun live = run("diagnose", "--kubeconfig", server.kubeconfigPath().toString(), "-o", "json");
    assertThat(offline.err()).as("stderr of diagnose --snapshot").isEmpty();
    assertThat(offline.exitCode()).as("exit code").isEqualTo(live.exitCode());
    assertThat(findingsOf(offline.out()))
        .as("findings of %s", example)
        .isEqualTo(findingsOf(live.out()));
    assertThat(JSON.readTree(offline.out()).path("source").path("kind").asText())
        .isEqualTo("snapshot-archive");
    System.err.println(
        example
            + ": bundle "
            + Files.size(bundle)
            + " bytes, "
            + proxy.requests().size()
            + " requests");
  }

  @Test
  void nodeFilesOfANodeWhosePodNeverStartsAreSkippedAndThePodDeleted(
      SnapshotLoader loader, RealApiServer server, @TempDir Path tmp) throws Exception {
    loader.reset();
    loader.load(Path.of("examples", "healthy"));
    String node = server.client().nodes().list().getItems().get(0).getMetadata().getName();
    proxy.clear();
    Path bundle = tmp.resolve("x.tar.gz");

    CliRun bundled =
        run(
            "bundle",
            "-f",
            bundle.toString(),
            "--kubeconfig",
            proxyKubeconfig.toString(),
            "--node",
            node,
            "--node-files",
            "--node-files-timeout",
            "3");

    assertThat(bundled.exitCode()).as("exit code; stderr: %s", bundled.err()).isEqualTo(0);
    assertThat(bundled.err())
        .contains("podnet: node files of " + node + " skipped: pod kube-system/podnet-node-files-")
        .contains("did not start within 3 s");
    JsonNode manifest = JSON.readTree(entry(bundle, "manifest.json"));
    JsonNode nodeFiles = manifest.path("nodeFiles");
    assertThat(nodeFiles).hasSize(1);
    assertThat(nodeFiles.get(0).path("node").asText()).isEqualTo(node);
    assertThat(nodeFiles.get(0).path("skipped").asText()).contains("did not start within 3 s");
    assertThat(manifest.path("narrowing").path("nodes").get(0).asText()).isEqualTo(node);
    assertThat(
            server
                .client()
                .pods()
                .inAnyNamespace()
                .withLabel("podnet.dev/bundle")
                .list()
                .getItems())
        .as("node-file pods left behind")
        .isEmpty();
    assertThat(proxy.requests())
        .anySatisfy(r -> assertThat(r).startsWith("POST /api/v1/namespaces/kube-system/pods"))
        .anySatisfy(
            r ->
                assertThat(r)
                    .startsWith("DELETE /api/v1/namespaces/kube-system/pods/podnet-node-files-"))
        .allSatisfy(r -> assertThat(r).doesNotContainIgnoringCase("secret"));
  }

  private static String entry(Path archive, String name) throws IOException {
    try (InputStream in = Files.newInputStream(archive);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (entry.getName().equals(name)) {
          return new String(tar.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    }
    throw new AssertionError(name + " not in " + archive);
  }

  /**
   * A plain-HTTP reverse proxy in front of the API server that records every request's method, path
   * and query: what the server saw, independent of what podnet says it asked for.
   */
  static final class RecordingProxy implements AutoCloseable {
    private final HttpServer server;
    private final HttpClient client;
    private final String upstream;
    private final String token;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    RecordingProxy(String upstream, String token) throws Exception {
      this.upstream = upstream;
      this.token = token;
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {new TrustAll()}, null);
      this.client =
          HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
      this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", this::forward);
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<String> requests() {
      synchronized (requests) {
        return List.copyOf(requests);
      }
    }

    void clear() {
      requests.clear();
    }

    private void forward(HttpExchange exchange) throws IOException {
      String pathAndQuery =
          exchange.getRequestURI().getRawPath()
              + (exchange.getRequestURI().getRawQuery() == null
                  ? ""
                  : "?" + exchange.getRequestURI().getRawQuery());
      requests.add(exchange.getRequestMethod() + " " + pathAndQuery);
      byte[] body = exchange.getRequestBody().readAllBytes();
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(upstream + pathAndQuery))
              .timeout(Duration.ofSeconds(60))
              .header("Authorization", "Bearer " + token)
              .method(
                  exchange.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      for (String header : List.of("Content-Type", "Accept")) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
          request.header(header, value);
        }
      }
      try {
        HttpResponse<byte[]> response =
            client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        response
            .headers()
            .firstValue("Content-Type")
            .ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
        byte[] answer = response.body();
        exchange.sendResponseHeaders(
            response.statusCode(), answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
      } finally {
        exchange.close();
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }

    /** The test server's certificate is self-signed. */
    private static final class TrustAll implements X509TrustManager {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }
  }
}
