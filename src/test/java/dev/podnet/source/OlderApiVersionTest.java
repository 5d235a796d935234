package dev.podnet.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.podnet.model.Resource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server before Kubernetes 1.21 serves PodDisruptionBudgets under {@code policy/v1beta1} only:
 * the live source and the bundle's list copier fall back to it after a 404 on {@code policy/v1}.
 */
class OlderApiVersionTest {
  private static final String LIST =
      "{\"apiVersion\":\"policy/v1beta1\",\"kind\":\"PodDisruptionBudgetList\",\"metadata\":{},"
          + "\"items\":[{\"metadata\":{\"name\":\"db\",\"namespace\":\"apps\"},"
          + "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"db\"}}},"
          + "\"status\":{\"disruptionsAllowed\":0}}]}";

  private HttpServer server;
  private final List<String> requests = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          synchronized (requests) {
            requests.add(path);
          }
          boolean old = path.equals("/apis/policy/v1beta1/poddisruptionbudgets");
          byte[] body =
              (old
                      ? LIST
                      : "{\"kind\":\"Status\",\"code\":404,\"message\":\"the server could not find the requested resource\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(old ? 200 : 404, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Config config() {
    return new ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort())
        .withRequestRetryBackoffLimit(0)
        .build();
  }

  @Test
  void theLiveSourceReadsPolicyV1beta1After404() throws Exception {
    LiveSource source = LiveSource.of(config(), 50, 10);
    List<String> names = new ArrayList<>();
    Map<Resource, String> missing =
        source.read(
            List.of(
                new ListQuery(
                    Resource.PODDISRUPTIONBUDGETS,
                    Selection.of("metadata", Selection.fields("name")),
                    List.of())),
            (resource, item) -> names.add(item.path("metadata").path("name").asText()));
    assertThat(missing).isEmpty();
    assertThat(names).containsExactly("db");
    assertThat(source.requestLog())
        .containsExactly(
            "/apis/policy/v1/poddisruptionbudgets?limit=50",
            "/apis/policy/v1beta1/poddisruptionbudgets?limit=50");
  }

  @Test
  void theListCopierReadsPolicyV1beta1After404() throws Exception {
    List<String> names = new ArrayList<>();
    try (RawListCopier copier = RawListCopier.of(config(), 50, 10)) {
      RawListCopier.Outcome outcome =
          copier.copy(
              Resource.PODDISRUPTIONBUDGETS.apiPath(),
              false,
              item -> names.add(item.path("metadata").path("name").asText()));
      assertThat(outcome.refused()).isNull();
      assertThat(outcome.items()).isEqualTo(1);
      assertThat(outcome.requests()).isEqualTo(2);
    }
    assertThat(names).containsExactly("db");
  }

  @Test
  void otherResourcesDoNotFallBack() {
    assertThat(Resource.NODES.olderApiPath()).isNull();
    assertThat(Resource.PODDISRUPTIONBUDGETS.olderApiPath())
        .isEqualTo("/apis/policy/v1beta1/poddisruptionbudgets");
  }
}
