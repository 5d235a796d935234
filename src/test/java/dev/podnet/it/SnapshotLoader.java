package dev.podnet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a podnet snapshot directory (DESIGN.md section 3: {@code cluster/nodes.json}, {@code
 * pods.json}, {@code events.json}, {@code daemonsets.json}, {@code configmaps.json}, {@code
 * services.json}, each a {@code kubectl get ... -o json} List) into a real API server, so that
 * {@code kubectl get ... -o json} then returns the same logical content. Raw JSON over the client's
 * own HTTP client (no model round trip), with {@link #parallelism(int)} requests in flight.
 *
 * <p>What the server decides, and so differs from the snapshot (each load's {@link Report#notes()}
 * say so):
 *
 * <ul>
 *   <li>{@code metadata.uid}, {@code resourceVersion}, {@code creationTimestamp}, {@code
 *       generation}, {@code managedFields} and {@code selfLink} are server-set and cannot be
 *       written: they are stripped and the server assigns new ones (creationTimestamp = load time).
 *       References by uid to loaded objects ({@code ownerReferences[].uid}, Event {@code
 *       involvedObject.uid}) are rewritten to the new uids; {@link Report#uidMap()} maps old to
 *       new.
 *   <li>{@code deletionTimestamp}/{@code deletionGracePeriodSeconds} cannot be set on create: a
 *       Terminating object is loaded as not terminating (noted by name).
 *   <li>Pod, DaemonSet and Service status is reset by create; it is written back through {@code
 *       /status}. Node status is kept by create; {@code /status} is written only where the server
 *       changed it.
 *   <li>A Service {@code clusterIP} outside the server's {@code 10.96.0.0/16}, or already
 *       allocated, is dropped (the server allocates one); so is a {@code nodePort} the server
 *       rejects. Noted by name.
 *   <li>Objects the server owns ({@code default/kubernetes} Service, {@code
 *       kube-system/extension-apiserver-authentication} ConfigMap) already exist: the server's own
 *       object is kept. Noted.
 *   <li>A Pod naming a PriorityClass the server lacks gets that class created (value = the pod's
 *       {@code spec.priority}), since the Priority admission plugin rejects the pod otherwise.
 *       Noted.
 *   <li>DaemonSets of a removed API version ({@code extensions/v1beta1}, {@code apps/v1beta1|2})
 *       are loaded as {@code apps/v1}; a missing {@code spec.selector} is set from the template
 *       labels. Noted.
 *   <li>Fields unknown to v1.20 are silently dropped by the server (no strict decoding before
 *       1.25); the admission plugins of 1.20 apply (e.g. DefaultTolerationSeconds adds the
 *       not-ready/unreachable tolerations a handwritten pod lacks).
 *   <li>Events expire after the server's {@code --event-ttl} (1 h).
 * </ul>
 *
 * Any other rejection fails the load with every failed object listed.
 */
public final class SnapshotLoader {

  /** Namespaces the server creates itself; {@link #reset()} empties them but never deletes them. */
  public static final Set<String> SYSTEM_NAMESPACES =
      Set.of("default", "kube-system", "kube-public", "kube-node-lease");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_CT = "application/json";
  private static final String MERGE_PATCH_CT = "application/merge-patch+json";
  private static final List<String> SERVER_SET_METADATA =
      List.of(
          "uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink");
  private static final Pattern NO_PRIORITY_CLASS =
      Pattern.compile("no PriorityClass with name (\\S+) was found");

  /** Server-owned objects, by "resource/namespace/name". */
  private static final Set<String> SERVER_OWNED =
      Set.of(
          "services/default/kubernetes",
          "endpoints/default/kubernetes",
          "endpointslices/default/kubernetes",
          "configmaps/kube-system/extension-apiserver-authentication");

  private static final ConcurrentMap<String, List<ResourceType>> DISCOVERY =
      new ConcurrentHashMap<>();

  /** One kind of snapshot file. */
  private enum Kind {
    NODES("nodes.json", "Node", "/api/v1", "nodes", false),
    DAEMONSETS("daemonsets.json", "DaemonSet", "/apis/apps/v1", "daemonsets", true),
    CONFIGMAPS("configmaps.json", "ConfigMap", "/api/v1", "configmaps", true),
    SERVICES("services.json", "Service", "/api/v1", "services", true),
    PODS("pods.json", "Pod", "/api/v1", "pods", true),
    EVENTS("events.json", "Event", "/api/v1", "events", true);

    final String file;
    final String kind;
    final String groupVersionPath;
    final String plural;
    final boolean namespaced;

    Kind(String file, String kind, String groupVersionPath, String plural, boolean namespaced) {
      this.file = file;
      this.kind = kind;
      this.groupVersionPath = groupVersionPath;
      this.plural = plural;
      this.namespaced = namespaced;
    }

    String collection(String namespace) {
      return namespaced
          ? groupVersionPath + "/namespaces/" + namespace + "/" + plural
          : groupVersionPath + "/" + plural;
    }

    boolean hasStatusSubresource() {
      return this != CONFIGMAPS && this != EVENTS;
    }
  }

  /** What a load did. {@code created} counts objects per file kind, in load order. */
  public record Report(
      Map<String, Integer> created, List<String> notes, Map<String, String> uidMap, Duration took) {
    public int total() {
      return created.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public String toString() {
      StringBuilder sb =
          new StringBuilder(
              "loaded " + total() + " objects " + created + " in " + took.toMillis() + " ms");
      notes.forEach(n -> sb.append("\n  note: ").append(n));
      return sb.toString();
    }
  }

  private final KubernetesClient client;
  private final HttpClient http;
  private final String base;
  private int parallelism = 16;
  private Duration requestTimeout = Duration.ofSeconds(60);

  public SnapshotLoader(KubernetesClient client) {
    this.client = client;
    this.http = client.getHttpClient();
    String url = client.getMasterUrl().toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Requests in flight at once (default 16). */
  public SnapshotLoader parallelism(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1");
    }
    this.parallelism = parallelism;
    return this;
  }

  /** The client this loader writes with. */
  public KubernetesClient client() {
    return client;
  }

  // ==============================================================================================
  // load

  /**
   * Loads {@code dir/cluster/*.json} (the snapshot root; a directory that is itself {@code
   * cluster/} works too). Missing files are skipped (a note says so). Throws if any object is
   * rejected.
   */
  public Report load(Path dir) throws IOException {
    Path cluster = Files.isDirectory(dir.resolve("cluster")) ? dir.resolve("cluster") : dir;
    Map<Kind, List<ObjectNode>> items = new LinkedHashMap<>();
    List<String> notes = Collections.synchronizedList(new ArrayList<>());
    for (Kind kind : Kind.values()) {
      Path file = cluster.resolve(kind.file);
      if (!Files.isRegularFile(file)) {
        notes.add("not in snapshot: cluster/" + kind.file);
        continue;
      }
      items.put(kind, readList(file, kind));
    }
    return load(items, notes);
  }

  /**
   * Loads List JSON documents given per file name ({@code "pods.json"} to a {@code kubectl get -o
   * json} List).
   */
  public Report load(Map<String, JsonNode> listsByFileName) {
    Map<Kind, List<ObjectNode>> items = new LinkedHashMap<>();
    for (Kind kind : Kind.values()) {
      JsonNode list = listsByFileName.get(kind.file);
      if (list != null) {
        items.put(kind, itemsOf(list, kind, kind.file));
      }
    }
    return load(items, Collections.synchronizedList(new ArrayList<>()));
  }

  private Report load(Map<Kind, List<ObjectNode>> items, List<String> notes) {
    long t0 = System.nanoTime();
    Run run = new Run(notes);
    notes.add(
        "server-set metadata (uid, resourceVersion, creationTimestamp, generation, managedFields, selfLink) "
            + "stripped; the server assigned new values; ownerReferences/involvedObject uids remapped");
    ExecutorService pool =
        Executors.newFixedThreadPool(
            parallelism,
            r -> {
              Thread t = new Thread(r, "snapshot-loader");
              t.setDaemon(true);
              return t;
            });
    try {
      // 1. namespaces
      Set<String> namespaces = new LinkedHashSet<>();
      items.forEach(
          (kind, list) -> {
            if (kind.namespaced) {
              list.forEach(o -> namespaces.add(namespaceOf(o)));
            }
          });
      runAll(
          pool,
          run,
          new ArrayList<>(namespaces),
          ns -> ensureNamespace(ns),
          ns -> "namespace " + ns);
      // 2. owners first, then pods (owner uids remapped), then events (involved object uids
      // remapped)
      List<List<Kind>> phases =
          List.of(
              List.of(Kind.NODES, Kind.DAEMONSETS, Kind.CONFIGMAPS, Kind.SERVICES),
              List.of(Kind.PODS),
              List.of(Kind.EVENTS));
      for (List<Kind> phase : phases) {
        List<Map.Entry<Kind, ObjectNode>> work = new ArrayList<>();
        for (Kind kind : phase) {
          for (ObjectNode o : items.getOrDefault(kind, List.of())) {
            work.add(Map.entry(kind, o));
          }
        }
        runAll(
            pool,
            run,
            work,
            e -> createObject(run, e.getKey(), e.getValue()),
            e -> e.getKey().kind + " " + describe(e.getValue()));
      }
    } finally {
      pool.shutdownNow();
    }
    if (!run.failures.isEmpty()) {
      List<String> f = new ArrayList<>(run.failures);
      Collections.sort(f);
      throw new IllegalStateException(
          f.size()
              + " object(s) could not be loaded:\n  "
              + String.join("\n  ", f.subList(0, Math.min(40, f.size())))
              + (f.size() > 40 ? "\n  ... " + (f.size() - 40) + " more" : ""));
    }
    Map<String, Integer> created = new LinkedHashMap<>();
    for (Kind kind : Kind.values()) {
      if (items.containsKey(kind)) {
        created.put(kind.plural, run.created.getOrDefault(kind, new AtomicInteger()).get());
      }
    }
    List<String> sortedNotes;
    synchronized (notes) {
      sortedNotes = List.copyOf(notes);
    }
    return new Report(
        created, sortedNotes, Map.copyOf(run.uidMap), Duration.ofNanos(System.nanoTime() - t0));
  }

  /** State of one load. */
  private static final class Run {
    final List<String> notes;
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    final Map<String, String> uidMap = new ConcurrentHashMap<>();
    final Map<Kind, AtomicInteger> created = new ConcurrentHashMap<>();
    final AtomicBoolean taintNoteAdded = new AtomicBoolean();

    Run(List<String> notes) {
      this.notes = notes;
    }
  }

  private interface Job<T> {
    void run(T item) throws Exception;
  }

  private <T> void runAll(
      ExecutorService pool, Run run, List<T> work, Job<T> job, Function<T, String> name) {
    List<Future<?>> futures = new ArrayList<>(work.size());
    for (T item : work) {
      futures.add(
          pool.submit(
              () -> {
                try {
                  job.run(item);
                } catch (Exception e) {
                  run.failures.add(name.apply(item) + ": " + e.getMessage());
                }
              }));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  private void ensureNamespace(String ns) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
    body.putObject("metadata").put("name", ns);
    Resp r = send("POST", "/api/v1/namespaces", JSON_CT, body.toString());
    if (!r.ok() && r.code != 409) {
      throw r.error("create namespace");
    }
  }

  private void createObject(Run run, Kind kind, ObjectNode original) throws Exception {
    ObjectNode obj = original.deepCopy();
    ObjectNode meta = obj.withObjectProperty("metadata");
    String oldUid = meta.path("uid").asText(null);
    String ns = kind.namespaced ? namespaceOf(obj) : null;
    String name = meta.path("name").asText();
    String id = kind.namespaced ? ns + "/" + name : name;
    if (meta.hasNonNull("deletionTimestamp")) {
      run.notes.add(
          kind.kind
              + " "
              + id
              + " was terminating (deletionTimestamp "
              + meta.get("deletionTimestamp").asText()
              + "); loaded as not terminating");
    }
    SERVER_SET_METADATA.forEach(meta::remove);
    meta.remove("deletionTimestamp");
    meta.remove("deletionGracePeriodSeconds");
    if (kind.namespaced) {
      meta.put("namespace", ns);
    }
    remapOwnerReferences(run, meta);
    switch (kind) {
      case DAEMONSETS -> fixDaemonSet(run, obj, id);
      case SERVICES -> fixServiceClusterIp(run, obj, id);
      case EVENTS -> remapUid(run, obj.path("involvedObject"));
      case PODS -> fixGrpcProbes(run, obj, id);
      default -> {}
    }
    JsonNode status = obj.get("status");
    String collection = kind.collection(ns);

    if (SERVER_OWNED.contains(kind.plural + "/" + id)) {
      Resp existing = send("GET", collection + "/" + enc(name), null, null);
      if (existing.ok()) {
        run.notes.add(
            kind.kind + " " + id + " is created by the server itself; kept the server's object");
        if (oldUid != null) {
          run.uidMap.put(oldUid, existing.json().path("metadata").path("uid").asText());
        }
        return;
      }
    }
    Resp r = null;
    for (int attempt = 0; attempt < 4; attempt++) {
      r = send("POST", collection, JSON_CT, obj.toString());
      if (r.ok() || !retryableCreate(run, kind, obj, id, r)) {
        break;
      }
    }
    if (!r.ok()) {
      throw r.error("create");
    }
    ObjectNode created = (ObjectNode) r.json();
    if (oldUid != null) {
      run.uidMap.put(oldUid, created.path("metadata").path("uid").asText());
    }
    if (kind == Kind.NODES) {
      created = restoreNodeTaints(run, obj, created);
    }
    if (kind.hasStatusSubresource()
        && status != null
        && !status.isEmpty()
        && !status.equals(created.get("status"))) {
      String path =
          collection + "/" + enc(created.path("metadata").path("name").asText()) + "/status";
      for (int attempt = 0; ; attempt++) {
        created.set("status", status);
        Resp s = send("PUT", path, JSON_CT, created.toString());
        if (s.ok()) {
          break;
        }
        if (s.code == 409 && attempt < 5) {
          // someone (a controller) wrote in between: write onto the latest version
          created =
              (ObjectNode)
                  send("GET", path.substring(0, path.length() - "/status".length()), null, null)
                      .json();
          continue;
        }
        throw s.error("write status");
      }
    }
    run.created.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
  }

  /**
   * The TaintNodesByCondition admission plugin adds {@code node.kubernetes.io/not-ready:NoSchedule}
   * to every Node on create (the node lifecycle controller would lift it once the kubelet reports
   * Ready; none runs). Put the snapshot's taints back.
   */
  private ObjectNode restoreNodeTaints(Run run, ObjectNode wanted, ObjectNode created)
      throws Exception {
    JsonNode want = wanted.path("spec").path("taints");
    JsonNode got = created.path("spec").path("taints");
    if (want.equals(got) || (want.isMissingNode() && got.isMissingNode())) {
      return created;
    }
    ObjectNode patch = JSON.createObjectNode();
    patch.putObject("spec").set("taints", want.isMissingNode() ? JSON.nullNode() : want);
    String name = created.path("metadata").path("name").asText();
    Resp r = send("PATCH", "/api/v1/nodes/" + enc(name), MERGE_PATCH_CT, patch.toString());
    if (!r.ok()) {
      throw r.error("restore taints");
    }
    if (run.taintNoteAdded.compareAndSet(false, true)) {
      run.notes.add(
          "Node taints restored after create: the TaintNodesByCondition admission plugin adds "
              + "node.kubernetes.io/not-ready:NoSchedule to every new Node");
    }
    return (ObjectNode) r.json();
  }

  /** Fixes what a 422/403 on create says can be fixed; true to retry. */
  private boolean retryableCreate(Run run, Kind kind, ObjectNode obj, String id, Resp r)
      throws Exception {
    String msg = r.message();
    if (kind == Kind.PODS && r.code == 403) {
      Matcher m = NO_PRIORITY_CLASS.matcher(msg);
      if (m.find()) {
        String pc = m.group(1).replaceAll("^[\"']|[\"']$", "");
        long value = obj.path("spec").path("priority").asLong(0);
        ObjectNode body =
            JSON.createObjectNode()
                .put("apiVersion", "scheduling.k8s.io/v1")
                .put("kind", "PriorityClass");
        body.putObject("metadata").put("name", pc);
        body.put("value", value);
        Resp c =
            send("POST", "/apis/scheduling.k8s.io/v1/priorityclasses", JSON_CT, body.toString());
        if (!c.ok() && c.code != 409) {
          throw c.error("create PriorityClass " + pc);
        }
        if (c.ok()) {
          run.notes.add("PriorityClass " + pc + " (value " + value + ") created for Pod " + id);
        }
        return true;
      }
    }
    if (kind == Kind.SERVICES && r.code == 422) {
      ObjectNode spec = obj.withObjectProperty("spec");
      if (msg.contains("clusterIP")
          && spec.has("clusterIP")
          && !"None".equals(spec.path("clusterIP").asText())) {
        run.notes.add(
            "Service "
                + id
                + ": clusterIP "
                + spec.path("clusterIP").asText()
                + " rejected ("
                + msg
                + "); dropped, the server allocated one");
        spec.remove("clusterIP");
        spec.remove("clusterIPs");
        return true;
      }
      if (msg.contains("nodePort") || msg.contains("healthCheckNodePort")) {
        boolean changed = spec.remove("healthCheckNodePort") != null;
        for (JsonNode port : spec.path("ports")) {
          changed |= ((ObjectNode) port).remove("nodePort") != null;
        }
        if (changed) {
          run.notes.add(
              "Service "
                  + id
                  + ": node port rejected ("
                  + msg
                  + "); dropped, the server allocated one");
          return true;
        }
      }
    }
    return false;
  }

  /**
   * gRPC probes (Kubernetes 1.24+) are unknown to the 1.20 server, which then rejects the probe as
   * having no handler: they become TCP probes on the same port, which 1.20 knows.
   */
  private static void fixGrpcProbes(Run run, ObjectNode pod, String id) {
    for (String list : List.of("containers", "initContainers")) {
      for (JsonNode container : pod.path("spec").path(list)) {
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
          JsonNode node = container.path(probe);
          if (node.isObject() && node.has("grpc")) {
            ObjectNode object = (ObjectNode) node;
            int port = object.path("grpc").path("port").asInt();
            object.remove("grpc");
            object.putObject("tcpSocket").put("port", port);
            run.notes.add(
                "Pod "
                    + id
                    + ": "
                    + probe
                    + " grpc on port "
                    + port
                    + " loaded as tcpSocket (the 1.20 server has no gRPC probes)");
          }
        }
      }
    }
  }

  private static void fixDaemonSet(Run run, ObjectNode ds, String id) {
    String apiVersion = ds.path("apiVersion").asText("apps/v1");
    if (!"apps/v1".equals(apiVersion)) {
      ds.put("apiVersion", "apps/v1");
      ObjectNode spec = ds.withObjectProperty("spec");
      String extra = "";
      if (!spec.has("selector")) {
        spec.putObject("selector")
            .set("matchLabels", spec.path("template").path("metadata").path("labels").deepCopy());
        extra = "; spec.selector set from the template labels";
      }
      spec.remove("templateGeneration");
      run.notes.add(
          "DaemonSet " + id + " was " + apiVersion + " (removed API); loaded as apps/v1" + extra);
    }
  }

  private static void fixServiceClusterIp(Run run, ObjectNode svc, String id) {
    ObjectNode spec = svc.withObjectProperty("spec");
    String ip = spec.path("clusterIP").asText("");
    if (ip.isEmpty() || "None".equals(ip)) {
      return;
    }
    if (!inServiceRange(ip)) {
      run.notes.add(
          "Service "
              + id
              + ": clusterIP "
              + ip
              + " is outside the server's 10.96.0.0/16; dropped, the server allocated one");
      spec.remove("clusterIP");
      spec.remove("clusterIPs");
    } else if (spec.has("clusterIPs")) {
      spec.set("clusterIPs", JSON.createArrayNode().add(ip));
    }
  }

  /** True for an IPv4 address in 10.96.0.0/16. */
  static boolean inServiceRange(String ip) {
    String[] p = ip.split("\\.", -1);
    if (p.length != 4 || !p[0].equals("10") || !p[1].equals("96")) {
      return false;
    }
    for (String part : p) {
      if (!part.matches("\\d{1,3}") || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  private static void remapOwnerReferences(Run run, ObjectNode meta) {
    for (JsonNode ref : meta.path("ownerReferences")) {
      remapUid(run, ref);
    }
  }

  private static void remapUid(Run run, JsonNode ref) {
    if (ref instanceof ObjectNode o && o.hasNonNull("uid")) {
      String now = run.uidMap.get(o.get("uid").asText());
      if (now != null) {
        o.put("uid", now);
      }
    }
  }

  // ==============================================================================================
  // reset

  /**
   * Deletes what loads (and tests) put on the server so the next test starts clean: every Node,
   * every non-system namespace with all its contents (the namespace controller does not run, so
   * contents are deleted here and the namespace finalized), the contents of the system namespaces
   * except RBAC, leases and the server's own objects, and PriorityClasses not named {@code
   * system-*}. Finalizers on deleted objects are removed (no controller would). Waits until
   * everything is gone.
   */
  public void reset() {
    try {
      List<ResourceType> types = discover();
      List<String> namespaces =
          names(send("GET", "/api/v1/namespaces", null, null).okJson("list namespaces"));
      ExecutorService pool =
          Executors.newFixedThreadPool(
              parallelism,
              r -> {
                Thread t = new Thread(r, "snapshot-reset");
                t.setDaemon(true);
                return t;
              });
      Run run = new Run(Collections.synchronizedList(new ArrayList<>()));
      try {
        List<Map.Entry<String, ResourceType>> work = new ArrayList<>();
        for (String ns : namespaces) {
          boolean system = SYSTEM_NAMESPACES.contains(ns);
          for (ResourceType t : types) {
            if (t.namespaced && !(system && t.keepInSystemNamespaces())) {
              work.add(Map.entry(ns, t));
            }
          }
        }
        runAll(
            pool,
            run,
            work,
            e -> purge(e.getValue(), e.getKey()),
            e -> e.getValue() + " in " + e.getKey());
        List<ResourceType> clusterScoped =
            types.stream()
                .filter(t -> t.path.equals("/api/v1/nodes") || t.path.endsWith("/priorityclasses"))
                .toList();
        runAll(pool, run, clusterScoped, t -> purge(t, null), t -> t.toString());
        List<String> doomed =
            namespaces.stream().filter(ns -> !SYSTEM_NAMESPACES.contains(ns)).toList();
        runAll(pool, run, doomed, this::deleteNamespace, ns -> "namespace " + ns);
        runAll(pool, run, List.of("pods"), x -> sweepOrphanPods(), x -> "pods of gone namespaces");
      } finally {
        pool.shutdownNow();
      }
      if (!run.failures.isEmpty()) {
        throw new IllegalStateException("reset failed:\n  " + String.join("\n  ", run.failures));
      }
    } catch (IOException | InterruptedException | TimeoutException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("reset failed: " + e, e);
    }
  }

  /**
   * Deletes every object of {@code type} in {@code ns} (null: cluster-scoped) except server-owned
   * ones.
   */
  private void purge(ResourceType type, String ns) throws Exception {
    String collection = ns == null ? type.path : type.collection(ns);
    List<String> protectedNames = new ArrayList<>();
    for (String owned : SERVER_OWNED) {
      String[] p = owned.split("/");
      if (p[0].equals(type.name) && p[1].equals(ns)) {
        protectedNames.add(p[2]);
      }
    }
    if (type.path.endsWith("/priorityclasses")) {
      List<String> names = names(send("GET", collection, null, null).okJson("list"));
      for (String n : names) {
        if (!n.startsWith("system-")) {
          Resp r = send("DELETE", collection + "/" + enc(n), null, null);
          if (!r.ok() && r.code != 404) {
            throw r.error("delete");
          }
        }
      }
      return;
    }
    String selector =
        protectedNames.stream()
            .map(n -> "metadata.name!=" + n)
            .reduce((a, b) -> a + "," + b)
            .map(s -> "&fieldSelector=" + enc(s))
            .orElse("");
    JsonNode list = send("GET", collection + "?limit=500" + selector, null, null).okJson("list");
    if (!list.path("items").isEmpty() || list.path("metadata").hasNonNull("continue")) {
      if (type.verbs.contains("deletecollection")) {
        Resp r = send("DELETE", collection + "?gracePeriodSeconds=0" + selector, null, null);
        if (!r.ok() && r.code != 404) {
          throw r.error("deletecollection");
        }
      } else {
        for (JsonNode item : allItems(collection, selector)) {
          String n = item.path("metadata").path("name").asText();
          Resp r = send("DELETE", collection + "/" + enc(n) + "?gracePeriodSeconds=0", null, null);
          if (!r.ok() && r.code != 404) {
            throw r.error("delete " + n);
          }
        }
      }
    }
    // No controller removes finalizers here; strip them from whatever lingers, then wait until it
    // is gone.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      List<JsonNode> left = allItems(collection, selector);
      if (left.isEmpty()) {
        return;
      }
      for (JsonNode item : left) {
        String n = item.path("metadata").path("name").asText();
        if (!item.path("metadata").path("finalizers").isEmpty()) {
          send(
              "PATCH",
              collection + "/" + enc(n),
              MERGE_PATCH_CT,
              "{\"metadata\":{\"finalizers\":null}}");
        }
        if (!item.path("metadata").hasNonNull("deletionTimestamp")) {
          send("DELETE", collection + "/" + enc(n) + "?gracePeriodSeconds=0", null, null);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            left.size() + " object(s) still present, e.g. " + describe(left.get(0)));
      }
      Thread.sleep(100);
    }
  }

  /**
   * Deletes pods whose namespace no longer exists. Without the namespace controller nothing removes
   * them, and a cluster-wide list (what podnet reads) still returns them, so one test's pods could
   * leak into the next test's diagnosis.
   */
  private void sweepOrphanPods() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      java.util.Set<String> live =
          new java.util.HashSet<>(
              names(send("GET", "/api/v1/namespaces", null, null).okJson("list namespaces")));
      List<JsonNode> orphans =
          allItems("/api/v1/pods", "").stream()
              .filter(p -> !live.contains(p.path("metadata").path("namespace").asText()))
              .toList();
      if (orphans.isEmpty()) {
        return;
      }
      for (JsonNode pod : orphans) {
        String path =
            "/api/v1/namespaces/"
                + enc(pod.path("metadata").path("namespace").asText())
                + "/pods/"
                + enc(pod.path("metadata").path("name").asText());
        if (!pod.path("metadata").path("finalizers").isEmpty()) {
          send("PATCH", path, MERGE_PATCH_CT, "{\"metadata\":{\"finalizers\":null}}");
        }
        send("DELETE", path + "?gracePeriodSeconds=0", null, null);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            orphans.size() + " pod(s) of deleted namespaces still present");
      }
      Thread.sleep(100);
    }
  }

  private void deleteNamespace(String ns) throws Exception {
    String path = "/api/v1/namespaces/" + enc(ns);
    Resp r = send("DELETE", path, null, null);
    if (!r.ok() && r.code != 404) {
      throw r.error("delete namespace");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Resp g = send("GET", path, null, null);
      if (g.code == 404) {
        return;
      }
      ObjectNode nsObj = (ObjectNode) g.okJson("get namespace");
      // The namespace controller (kube-controller-manager) would finalize it after emptying it; we
      // did.
      nsObj.withObjectProperty("spec").set("finalizers", JSON.createArrayNode());
      Resp f = send("PUT", path + "/finalize", JSON_CT, nsObj.toString());
      if (!f.ok() && f.code != 404 && f.code != 409) {
        throw f.error("finalize namespace");
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("namespace " + ns + " still present after 30 s");
      }
      Thread.sleep(50);
    }
  }

  /** A listable, deletable API resource. */
  private record ResourceType(
      String group, String name, String path, boolean namespaced, Set<String> verbs) {
    String collection(String ns) {
      return path.replace("{ns}", enc(ns));
    }

    /**
     * Bootstrap RBAC, leases and events.k8s.io duplicates are left alone in the system namespaces.
     */
    boolean keepInSystemNamespaces() {
      return group.equals("rbac.authorization.k8s.io") || group.equals("coordination.k8s.io");
    }

    @Override
    public String toString() {
      return (group.isEmpty() ? "" : group + "/") + name;
    }
  }

  private List<ResourceType> discover() throws IOException, InterruptedException, TimeoutException {
    List<ResourceType> cached = DISCOVERY.get(base);
    if (cached != null) {
      return cached;
    }
    List<ResourceType> types = new ArrayList<>();
    addResources(types, "", "/api/v1");
    JsonNode groups = send("GET", "/apis", null, null).okJson("discovery");
    for (JsonNode g : groups.path("groups")) {
      String group = g.path("name").asText();
      // same objects as core events / apps or networking resources under another name
      if (group.equals("events.k8s.io") || group.equals("extensions")) {
        continue;
      }
      addResources(
          types, group, "/apis/" + g.path("preferredVersion").path("groupVersion").asText());
    }
    DISCOVERY.putIfAbsent(base, List.copyOf(types));
    return DISCOVERY.get(base);
  }

  private void addResources(List<ResourceType> out, String group, String gvPath)
      throws IOException, InterruptedException, TimeoutException {
    JsonNode list = send("GET", gvPath, null, null).okJson("discovery " + gvPath);
    for (JsonNode r : list.path("resources")) {
      String name = r.path("name").asText();
      Set<String> verbs = new LinkedHashSet<>();
      r.path("verbs").forEach(v -> verbs.add(v.asText()));
      if (name.contains("/")
          || !verbs.contains("list")
          || !verbs.contains("delete")
          || name.equals("namespaces")) {
        continue;
      }
      boolean namespaced = r.path("namespaced").asBoolean();
      String path = namespaced ? gvPath + "/namespaces/{ns}/" + name : gvPath + "/" + name;
      out.add(new ResourceType(group, name, path, namespaced, Set.copyOf(verbs)));
    }
  }

  private List<JsonNode> allItems(String collection, String selectorQuery)
      throws IOException, InterruptedException, TimeoutException {
    List<JsonNode> out = new ArrayList<>();
    String cont = null;
    do {
      String q =
          collection
              + "?limit=500"
              + selectorQuery
              + (cont == null ? "" : "&continue=" + enc(cont));
      JsonNode page = send("GET", q, null, null).okJson("list " + collection);
      page.path("items").forEach(out::add);
      cont = page.path("metadata").path("continue").asText("");
      if (cont.isEmpty()) {
        cont = null;
      }
    } while (cont != null);
    return out;
  }

  private static List<String> names(JsonNode list) {
    List<String> names = new ArrayList<>();
    list.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
    return names;
  }

  // ==============================================================================================
  // io

  /** Reads a {@code kubectl get -o json} List (or a single object) from a file. */
  static List<ObjectNode> readList(Path file, Kind kind) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException("cannot parse " + file + ": " + e.getMessage(), e);
    }
    return itemsOf(root, kind, file.toString());
  }

  private static List<ObjectNode> itemsOf(JsonNode root, Kind kind, String source) {
    List<ObjectNode> out = new ArrayList<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return out;
    }
    JsonNode items = root.has("items") ? root.get("items") : JSON.createArrayNode().add(root);
    if (!(items instanceof ArrayNode)) {
      throw new IllegalArgumentException(source + ": items is not an array");
    }
    for (Iterator<JsonNode> it = items.elements(); it.hasNext(); ) {
      JsonNode item = it.next();
      if (!(item instanceof ObjectNode o)) {
        throw new IllegalArgumentException(source + ": an item is not an object");
      }
      String k = o.path("kind").asText(kind.kind);
      if (!k.equals(kind.kind)) {
        throw new IllegalArgumentException(
            source + ": expected kind " + kind.kind + ", found " + k + " (" + describe(o) + ")");
      }
      if (!o.has("apiVersion")) {
        o.put("apiVersion", kind == Kind.DAEMONSETS ? "apps/v1" : "v1");
      }
      o.put("kind", kind.kind);
      out.add(o);
    }
    return out;
  }

  private static String namespaceOf(JsonNode o) {
    String ns = o.path("metadata").path("namespace").asText("");
    return ns.isEmpty() ? "default" : ns;
  }

  private static String describe(JsonNode o) {
    JsonNode m = o.path("metadata");
    String ns = m.path("namespace").asText("");
    return (ns.isEmpty() ? "" : ns + "/") + m.path("name").asText("?");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A response: status code and body. */
  private record Resp(int code, String body, String what) {
    boolean ok() {
      return code >= 200 && code < 300;
    }

    JsonNode json() throws IOException {
      return body == null || body.isEmpty() ? null : JSON.readTree(body);
    }

    JsonNode okJson(String action) throws IOException {
      if (!ok()) {
        throw error(action);
      }
      return json();
    }

    String message() {
      try {
        JsonNode j = json();
        if (j != null && j.hasNonNull("message")) {
          return j.get("message").asText();
        }
      } catch (IOException ignored) {
        // not JSON
      }
      return body == null ? "" : body;
    }

    IllegalStateException error(String action) {
      return new IllegalStateException(action + " " + what + ": HTTP " + code + ": " + message());
    }
  }

  private Resp send(String method, String path, String contentType, String body)
      throws IOException, InterruptedException, TimeoutException {
    HttpRequest.Builder b =
        http.newHttpRequestBuilder()
            .uri(base + path)
            .timeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    switch (method) {
      case "GET" -> {}
      case "POST" -> b.post(contentType, body);
      case "PUT" -> b.put(contentType, body);
      case "PATCH" -> b.patch(contentType, body);
      case "DELETE" -> b.method("DELETE", JSON_CT, body == null ? "" : body);
      default -> throw new IllegalArgumentException(method);
    }
    try {
      HttpResponse<String> r =
          http.sendAsync(b.build(), String.class)
              .get(requestTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
      return new Resp(r.code(), r.body(), method + " " + path);
    } catch (ExecutionException e) {
      throw new IOException(method + " " + path + ": " + e.getCause(), e.getCause());
    }
  }
}
