package dev.podnet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real-API-server tier works: server up, snapshot loaded faithfully, field selectors and paging
 * real.
 */
@ExtendWith(RealApiServerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiServerSmokeIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Pods loaded for the paging test; {@code -Dpodnet.it.pagingPods=3000} doubles as a load-speed
   * check.
   */
  private static final int PAGING_PODS = Integer.getInteger("podnet.it.pagingPods", 300);

  private RealApiServer server;
  private KubernetesClient client;
  private SnapshotLoader loader;
  private Path smoke;
  private SnapshotLoader.Report report;
  private SnapshotLoader.Report pagingReport;

  @BeforeAll
  void load(RealApiServer server, SnapshotLoader loader, @TempDir Path tmp) throws Exception {
    this.server = server;
    this.client = server.client();
    this.loader = loader;
    this.smoke = resource("smoke");
    loader.reset();
    report = loader.load(smoke);
    System.err.println("smoke snapshot: " + report);
    pagingReport = loader.load(pagingSnapshot(tmp.resolve("paging"), PAGING_PODS));
    System.err.println("paging snapshot: " + pagingReport);
  }

  @Test
  @Order(1)
  void serverRunsV1202() throws Exception {
    assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo("v1.20.2");
    assertThat(client.raw("/readyz")).isEqualTo("ok");
    assertThat(server.masterUrl()).startsWith("https://127.0.0.1:");
    assertThat(Files.readString(server.kubeconfigPath()))
        .contains("token: " + server.token(), "insecure-skip-tls-verify: true");
    assertThat(report.created())
        .containsEntry("nodes", 3)
        .containsEntry("pods", 16)
        .containsEntry("events", 7)
        .containsEntry("daemonsets", 2)
        .containsEntry("configmaps", 2)
        .containsEntry("services", 2);
    assertThat(report.notes())
        .anySatisfy(n -> assertThat(n).contains("shop/web", "10.97.12.34", "outside"));
    assertThat(report.notes())
        .anySatisfy(n -> assertThat(n).contains("default/kubernetes", "kept the server's object"));
    assertThat(report.notes()).noneSatisfy(n -> assertThat(n).contains("10.96.0.1"));
  }

  @Test
  @Order(2)
  void loadedNodesComeBackWithStatusIntact() throws Exception {
    JsonNode snapshot = JSON.readTree(smoke.resolve("cluster/nodes.json").toFile());
    Map<String, JsonNode> live = byName(JSON.readTree(client.raw("/api/v1/nodes")));
    assertThat(live).hasSize(3);
    for (JsonNode node : snapshot.path("items")) {
      String name = node.path("metadata").path("name").asText();
      JsonNode got = live.get(name);
      assertThat(got).as(name).isNotNull();
      assertThat(got.get("status")).as(name + " status").isEqualTo(node.get("status"));
      assertThat(got.get("spec")).as(name + " spec").isEqualTo(node.get("spec"));
      assertThat(got.path("metadata").get("labels")).isEqualTo(node.path("metadata").get("labels"));
      assertThat(got.path("metadata").path("uid").asText())
          .isNotEqualTo(node.path("metadata").path("uid").asText());
    }
    // the typed client sees it too: kind-worker is NotReady in the snapshot
    assertThat(client.nodes().withName("kind-worker").get().getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=False"));
  }

  @Test
  @Order(3)
  void podStatusIsWrittenThroughTheStatusSubresource() {
    Pod web = client.pods().inNamespace("shop").withName("web-6b7f5d9c4d-2xk8p").get();
    assertThat(web.getSpec().getNodeName()).isEqualTo("kind-worker");
    assertThat(web.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(web.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason())
        .isEqualTo("ContainerCreating");
    Pod proxy = client.pods().inNamespace("kube-system").withName("kube-proxy-8jj5r").get();
    assertThat(proxy.getStatus().getPhase()).isEqualTo("Running");
    // ownerReferences point at the loaded DaemonSet's new uid
    String dsUid =
        client
            .apps()
            .daemonSets()
            .inNamespace("kube-system")
            .withName("kube-proxy")
            .get()
            .getMetadata()
            .getUid();
    assertThat(proxy.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo(dsUid);
    assertThat(
            client
                .apps()
                .daemonSets()
                .inNamespace("kube-system")
                .withName("kindnet")
                .get()
                .getStatus()
                .getNumberReady())
        .isEqualTo(2);
    // server-side field selectors on pods are real here
    assertThat(
            client
                .pods()
                .inAnyNamespace()
                .withField("spec.nodeName", "kind-worker2")
                .withoutField("metadata.namespace", "paging")
                .list()
                .getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("kindnet-hknk7", "kube-proxy-8jj5r", "web-6b7f5d9c4d-7qz5n");
    assertThat(
            client.pods().inAnyNamespace().withField("status.phase", "Pending").list().getItems())
        .hasSize(6);
  }

  @Test
  @Order(4)
  void eventFieldSelectorOnReasonWorks() throws Exception {
    List<io.fabric8.kubernetes.api.model.Event> failed =
        client
            .v1()
            .events()
            .inAnyNamespace()
            .withField("reason", "FailedCreatePodSandBox")
            .list()
            .getItems();
    assertThat(failed)
        .extracting(e -> e.getInvolvedObject().getName())
        .containsExactlyInAnyOrder(
            "web-6b7f5d9c4d-2xk8p", "web-6b7f5d9c4d-7qz5n", "coredns-74ff55c5b-cpfqs");
    io.fabric8.kubernetes.api.model.Event e =
        failed.stream()
            .filter(x -> x.getInvolvedObject().getName().equals("web-6b7f5d9c4d-7qz5n"))
            .findFirst()
            .orElseThrow();
    assertThat(e.getCount()).isEqualTo(9);
    assertThat(e.getFirstTimestamp()).isEqualTo("2022-01-27T14:52:12Z");
    assertThat(e.getLastTimestamp()).isEqualTo("2022-01-27T14:57:03Z");
    assertThat(e.getSource().getHost()).isEqualTo("kind-worker2");
    assertThat(e.getMessage())
        .contains("no IP addresses available in range set: 10.244.1.1-10.244.1.254");
    String podUid =
        client
            .pods()
            .inNamespace("shop")
            .withName("web-6b7f5d9c4d-7qz5n")
            .get()
            .getMetadata()
            .getUid();
    assertThat(e.getInvolvedObject().getUid()).isEqualTo(podUid);
    // combined selectors and the namespaced form
    assertThat(
            client
                .v1()
                .events()
                .inNamespace("shop")
                .withField("reason", "FailedCreatePodSandBox")
                .withField("involvedObject.name", "web-6b7f5d9c4d-2xk8p")
                .list()
                .getItems())
        .hasSize(1);
    // events.k8s.io/v1 serves the same objects
    List<Event> v1 =
        client
            .events()
            .v1()
            .events()
            .inAnyNamespace()
            .withField("reason", "FailedCreatePodSandBox")
            .list()
            .getItems();
    assertThat(v1).hasSize(3);
  }

  @Test
  @Order(5)
  void limitPagingReturnsContinueTokens() {
    int pages = 0;
    int items = 0;
    List<String> tokens = new ArrayList<>();
    String cont = null;
    do {
      PodList page =
          client
              .pods()
              .inNamespace("paging")
              .list(new ListOptionsBuilder().withLimit(50L).withContinue(cont).build());
      pages++;
      items += page.getItems().size();
      assertThat(page.getItems()).hasSizeLessThanOrEqualTo(50);
      if (pages == 1) {
        assertThat(page.getMetadata().getRemainingItemCount()).isEqualTo(PAGING_PODS - 50L);
      }
      cont = page.getMetadata().getContinue();
      if (cont != null && !cont.isEmpty()) {
        tokens.add(cont);
      } else {
        cont = null;
      }
    } while (cont != null);
    assertThat(items).isEqualTo(PAGING_PODS);
    assertThat(pages).isEqualTo((PAGING_PODS + 49) / 50);
    assertThat(tokens).hasSize(pages - 1).doesNotHaveDuplicates();
    // across namespaces too: 300 + 16 pods in 7 pages
    int all = 0;
    int allPages = 0;
    cont = null;
    do {
      PodList page =
          client
              .pods()
              .inAnyNamespace()
              .list(new ListOptionsBuilder().withLimit(50L).withContinue(cont).build());
      allPages++;
      all += page.getItems().size();
      cont = page.getMetadata().getContinue();
      cont = cont == null || cont.isEmpty() ? null : cont;
    } while (cont != null);
    assertThat(all).isEqualTo(PAGING_PODS + 16);
    assertThat(allPages).isEqualTo((PAGING_PODS + 16 + 49) / 50);
  }

  @Test
  @Order(6)
  void kubectlGetReturnsTheSameLogicalContent() throws Exception {
    // Everything the loader cannot keep is server-set metadata or listed in its notes.
    Map<String, String> uidMap = report.uidMap();
    for (String[] kind :
        new String[][] {
          {"nodes.json", "/api/v1/nodes"},
          {"pods.json", "/api/v1/pods"},
          {"events.json", "/api/v1/events"},
          {"daemonsets.json", "/apis/apps/v1/daemonsets"},
          {"configmaps.json", "/api/v1/configmaps"},
          {"services.json", "/api/v1/services"}
        }) {
      Map<String, JsonNode> live = byName(JSON.readTree(client.raw(kind[1])));
      for (JsonNode want :
          JSON.readTree(smoke.resolve("cluster/" + kind[0]).toFile()).path("items")) {
        String id = id(want);
        if (id.equals("default/kubernetes")) {
          continue; // the server's own
        }
        JsonNode got = live.get(id);
        assertThat(got).as(kind[0] + " " + id).isNotNull();
        ObjectNode w = normalize(want, uidMap);
        ObjectNode g = normalize(got, Map.of());
        if (id.equals(
            "shop/web")) { // clusterIP outside 10.96.0.0/16: dropped and re-allocated (noted)
          for (ObjectNode o : List.of(w, g)) {
            o.withObjectProperty("spec").remove(List.of("clusterIP", "clusterIPs"));
          }
        }
        assertThat(diff("", w, g)).as(kind[0] + " " + id).isEmpty();
      }
    }
  }

  @Test
  @Order(100)
  void resetDeletesWhatWasLoaded() throws Exception {
    loader.reset();
    assertThat(client.nodes().list().getItems()).isEmpty();
    assertThat(client.pods().inAnyNamespace().list().getItems()).isEmpty();
    assertThat(client.v1().events().inAnyNamespace().list().getItems()).isEmpty();
    assertThat(client.namespaces().list().getItems())
        .extracting(n -> n.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(SnapshotLoader.SYSTEM_NAMESPACES);
    assertThat(client.services().inAnyNamespace().list().getItems())
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("kubernetes");
    // loading again works after a reset (namespaces really gone, not Terminating)
    SnapshotLoader.Report again = loader.load(smoke);
    assertThat(again.created()).isEqualTo(report.created());
    loader.reset();
  }

  // ------------------------------------------------------------------------------------------
  // helpers

  static Path resource(String name) throws URISyntaxException {
    return Paths.get(ApiServerSmokeIT.class.getResource(name).toURI());
  }

  /**
   * A snapshot with {@code count} pods in namespace {@code paging}, cloned from a real kube-proxy
   * pod.
   */
  static Path pagingSnapshot(Path dir, int count) throws IOException, URISyntaxException {
    JsonNode pods = JSON.readTree(resource("smoke/cluster/pods.json").toFile());
    JsonNode template = null;
    for (JsonNode p : pods.path("items")) {
      if (p.path("metadata").path("name").asText().equals("kube-proxy-8jj5r")) {
        template = p;
      }
    }
    ObjectNode list = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "List");
    ArrayNode items = list.putArray("items");
    String[] nodes = {"kind-control-plane", "kind-worker", "kind-worker2"};
    for (int i = 0; i < count; i++) {
      ObjectNode p = template.deepCopy();
      ObjectNode m = p.withObjectProperty("metadata");
      m.put("name", String.format("load-%04d", i))
          .put("namespace", "paging")
          .put("uid", String.format("00000000-0000-4000-8000-%012d", i));
      m.remove("ownerReferences");
      p.withObjectProperty("spec").put("nodeName", nodes[i % 3]);
      items.add(p);
    }
    Files.createDirectories(dir.resolve("cluster"));
    JSON.writeValue(dir.resolve("cluster/pods.json").toFile(), list);
    return dir;
  }

  private static String id(JsonNode o) {
    String ns = o.path("metadata").path("namespace").asText("");
    return (ns.isEmpty() ? "" : ns + "/") + o.path("metadata").path("name").asText();
  }

  private static Map<String, JsonNode> byName(JsonNode list) {
    Map<String, JsonNode> out = new HashMap<>();
    list.path("items").forEach(i -> out.put(id(i), i));
    return out;
  }

  /** Drops server-set metadata and maps old uids to new ones. */
  private static ObjectNode normalize(JsonNode o, Map<String, String> uidMap) {
    ObjectNode c = o.deepCopy();
    c.remove(List.of("apiVersion", "kind"));
    ObjectNode m = c.withObjectProperty("metadata");
    m.remove(
        List.of(
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "generation",
            "managedFields",
            "selfLink"));
    for (JsonNode ref : m.path("ownerReferences")) {
      ((ObjectNode) ref)
          .put("uid", uidMap.getOrDefault(ref.path("uid").asText(), ref.path("uid").asText()));
    }
    if (c.path("involvedObject") instanceof ObjectNode inv && inv.has("uid")) {
      inv.put("uid", uidMap.getOrDefault(inv.path("uid").asText(), inv.path("uid").asText()));
    }
    return c;
  }

  /** Paths where two JSON trees differ. */
  private static List<String> diff(String path, JsonNode a, JsonNode b) {
    List<String> out = new ArrayList<>();
    if (a == null || b == null || a.getNodeType() != b.getNodeType()) {
      if (!(a == null && b == null)) {
        out.add(path + ": " + a + " != " + b);
      }
      return out;
    }
    if (a.isObject()) {
      java.util.Set<String> keys = new java.util.TreeSet<>();
      a.fieldNames().forEachRemaining(keys::add);
      b.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        out.addAll(diff(path + "/" + k, a.get(k), b.get(k)));
      }
    } else if (a.isArray()) {
      if (a.size() != b.size()) {
        out.add(path + ": " + a.size() + " items != " + b.size());
      } else {
        Iterator<JsonNode> ia = a.elements();
        Iterator<JsonNode> ib = b.elements();
        for (int i = 0; ia.hasNext(); i++) {
          out.addAll(diff(path + "/" + i, ia.next(), ib.next()));
        }
      }
    } else if (!a.equals(b)) {
      out.add(path + ": " + a + " != " + b);
    }
    return out.stream().limit(20).collect(Collectors.toList());
  }
}
