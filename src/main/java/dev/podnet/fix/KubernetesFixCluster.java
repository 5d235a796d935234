package dev.podnet.fix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.model.CniAgent;
import dev.podnet.source.KubeConfigs;
import dev.podnet.source.SourceException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link FixCluster} over the Kubernetes API, through fabric8's HTTP client with raw requests: the
 * executor needs the exact status, the {@code Retry-After} header and the PodDisruptionBudget cause
 * of an eviction, and preconditions fabric8's DSL does not offer. fabric8's own retries are off
 * ({@code requestRetryBackoffLimit(0)}): with its default it retries a 429 ten times over about 19
 * s, which would hide every PodDisruptionBudget refusal from the executor's policy.
 *
 * <p>Evictions are sent as {@code policy/v1}; a server older than 1.22 rejects that body ({@code no
 * kind "Eviction" is registered for version "policy/v1"}), and from then on {@code policy/v1beta1}
 * is sent.
 */
public final class KubernetesFixCluster implements FixCluster, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_TYPE = "application/json";
  private static final String JSON_PATCH = "application/json-patch+json";
  private static final int PAGE = 500;
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX").withZone(ZoneOffset.UTC);

  private final KubernetesClient client;
  private final HttpClient http;
  private final String base;
  private final Duration requestTimeout;
  private volatile String evictionVersion = "policy/v1";

  private KubernetesFixCluster(KubernetesClient client, Duration requestTimeout) {
    this.client = client;
    this.http = client.getHttpClient();
    String url = client.getMasterUrl().toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.requestTimeout = requestTimeout;
  }

  /**
   * Connects as kubectl would: an explicit kubeconfig, else KUBECONFIG / ~/.kube/config /
   * in-cluster; with an optional context.
   *
   * @throws SourceException no cluster configured, or the kubeconfig cannot be read
   */
  public static KubernetesFixCluster connect(
      String kubeconfig, String context, Duration requestTimeout) throws SourceException {
    return connect(KubeConfigs.forCommand(kubeconfig, context), requestTimeout);
  }

  /** Connects with the configuration given, with fabric8's retries turned off. */
  public static KubernetesFixCluster connect(Config config, Duration requestTimeout) {
    config.setRequestRetryBackoffLimit(0);
    config.setRequestTimeout((int) requestTimeout.toMillis());
    return new KubernetesFixCluster(
        new KubernetesClientBuilder().withConfig(config).build(), requestTimeout);
  }

  @Override
  public void close() {
    client.close();
  }

  // ---- nodes -------------------------------------------------------------------------------

  @Override
  public Optional<ClusterNode> node(String name) throws FixApiException {
    Response response = send("GET", "/api/v1/nodes/" + segment(name), null, null);
    if (response.code() == 404) {
      return Optional.empty();
    }
    return Optional.of(node(response.ok()));
  }

  @Override
  public List<ClusterNode> nodes() throws FixApiException {
    List<ClusterNode> nodes = new ArrayList<>();
    for (JsonNode item : list("/api/v1/nodes", "")) {
      nodes.add(node(item));
    }
    return nodes;
  }

  private static ClusterNode node(JsonNode item) {
    JsonNode metadata = item.path("metadata");
    JsonNode spec = item.path("spec");
    List<String> cidrs = new ArrayList<>();
    for (JsonNode cidr : spec.path("podCIDRs")) {
      cidrs.add(cidr.asText());
    }
    if (cidrs.isEmpty() && !spec.path("podCIDR").asText("").isEmpty()) {
      cidrs.add(spec.path("podCIDR").asText());
    }
    Map<String, String> annotations = new TreeMap<>();
    metadata
        .path("annotations")
        .fields()
        .forEachRemaining(
            field -> {
              if (field.getKey().startsWith("podnet.dev/")) {
                annotations.put(field.getKey(), field.getValue().asText());
              }
            });
    return new ClusterNode(
        metadata.path("name").asText(),
        metadata.path("uid").asText(),
        spec.path("unschedulable").asBoolean(false),
        cidrs,
        conditionTrue(item, "Ready"),
        annotations);
  }

  @Override
  public void cordon(String node, String uid, String runId) throws FixApiException {
    JsonNode current = send("GET", "/api/v1/nodes/" + segment(node), null, null).ok();
    ArrayNode patch = preconditions(current, uid);
    patch.addObject().put("op", "add").put("path", "/spec/unschedulable").put("value", true);
    if (current.path("metadata").path("annotations").isObject()) {
      patch
          .addObject()
          .put("op", "add")
          .put("path", "/metadata/annotations/" + pointer(RUN_ANNOTATION))
          .put("value", runId);
    } else {
      ObjectNode add = patch.addObject().put("op", "add").put("path", "/metadata/annotations");
      add.putObject("value").put(RUN_ANNOTATION, runId);
    }
    patchNode(node, patch);
  }

  @Override
  public void uncordon(String node, String uid) throws FixApiException {
    JsonNode current = send("GET", "/api/v1/nodes/" + segment(node), null, null).ok();
    ArrayNode patch = preconditions(current, uid);
    patch.addObject().put("op", "add").put("path", "/spec/unschedulable").put("value", false);
    if (current.path("metadata").path("annotations").has(RUN_ANNOTATION)) {
      patch
          .addObject()
          .put("op", "remove")
          .put("path", "/metadata/annotations/" + pointer(RUN_ANNOTATION));
    }
    patchNode(node, patch);
  }

  /**
   * The UID test that keeps a patch off a re-registered Node, and a resource-version test so that
   * what the patch assumes of the object (whether it has annotations) is still true.
   */
  private static ArrayNode preconditions(JsonNode current, String uid) {
    ArrayNode patch = JSON.createArrayNode();
    patch.addObject().put("op", "test").put("path", "/metadata/uid").put("value", uid);
    patch
        .addObject()
        .put("op", "test")
        .put("path", "/metadata/resourceVersion")
        .put("value", current.path("metadata").path("resourceVersion").asText());
    return patch;
  }

  private void patchNode(String node, ArrayNode patch) throws FixApiException {
    Response response =
        send("PATCH", "/api/v1/nodes/" + segment(node), JSON_PATCH, patch.toString());
    if (response.code() == 422) {
      // a failed test op (the server's 422 "rejected our request", the test in its causes): the
      // Node changed (a status update) or was replaced since it was read; read it again
      throw new FixApiException(409, "Node " + node + " changed meanwhile: " + response.message());
    }
    response.ok();
  }

  @Override
  public void deleteNode(String node, String uid) throws FixApiException {
    ObjectNode options =
        JSON.createObjectNode().put("kind", "DeleteOptions").put("apiVersion", "v1");
    options.putObject("preconditions").put("uid", uid);
    send("DELETE", "/api/v1/nodes/" + segment(node), JSON_TYPE, options.toString()).ok();
  }

  // ---- pods --------------------------------------------------------------------------------

  @Override
  public List<ClusterPod> podsOn(String node) throws FixApiException {
    List<ClusterPod> pods = new ArrayList<>();
    for (JsonNode item : list("/api/v1/pods", "fieldSelector=" + query("spec.nodeName=" + node))) {
      pods.add(pod(item));
    }
    return pods;
  }

  @Override
  public Optional<ClusterPod> pod(String namespace, String name) throws FixApiException {
    Response response = send("GET", podPath(namespace, name), null, null);
    if (response.code() == 404) {
      return Optional.empty();
    }
    return Optional.of(pod(response.ok()));
  }

  private static ClusterPod pod(JsonNode item) {
    JsonNode metadata = item.path("metadata");
    String ownerKind = null;
    String ownerName = null;
    for (JsonNode owner : metadata.path("ownerReferences")) {
      if (owner.path("controller").asBoolean(false)) {
        ownerKind = owner.path("kind").asText(null);
        ownerName = owner.path("name").asText(null);
      }
    }
    List<String> ips = new ArrayList<>();
    for (JsonNode ip : item.path("status").path("podIPs")) {
      ips.add(ip.path("ip").asText());
    }
    String podIp = item.path("status").path("podIP").asText("");
    if (ips.isEmpty() && !podIp.isEmpty()) {
      ips.add(podIp);
    }
    JsonNode deletion = metadata.path("deletionTimestamp");
    return new ClusterPod(
        metadata.path("namespace").asText(),
        metadata.path("name").asText(),
        metadata.path("uid").asText(),
        item.path("spec").path("nodeName").asText(null),
        ownerKind,
        ownerName,
        metadata.path("annotations").has("kubernetes.io/config.mirror"),
        item.path("status").path("phase").asText(null),
        !deletion.isMissingNode() && !deletion.isNull(),
        conditionTrue(item, "Ready"),
        ips);
  }

  @Override
  public EvictionResult evict(String namespace, String name) {
    String path = podPath(namespace, name) + "/eviction";
    try {
      String version = evictionVersion;
      Response response = send("POST", path, JSON_TYPE, eviction(version, namespace, name));
      if (!response.successful()
          && version.equals("policy/v1")
          && response.message().contains("no kind")
          && response.message().contains("policy/v1")) {
        evictionVersion = "policy/v1beta1";
        response = send("POST", path, JSON_TYPE, eviction(evictionVersion, namespace, name));
      }
      if (response.successful()) {
        return EvictionResult.evicted();
      }
      if (response.code() == 404) {
        return EvictionResult.notFound(response.message());
      }
      if (response.code() == 429) {
        return EvictionResult.blocked(
            response.message(), disruptionCause(response.body()), response.retryAfter());
      }
      return EvictionResult.error(response.code(), response.message());
    } catch (FixApiException e) {
      return EvictionResult.error(e.code(), e.getMessage());
    }
  }

  private static String eviction(String version, String namespace, String name) {
    ObjectNode body = JSON.createObjectNode().put("apiVersion", version).put("kind", "Eviction");
    body.putObject("metadata").put("name", name).put("namespace", namespace);
    return body.toString();
  }

  private static String disruptionCause(JsonNode status) {
    for (JsonNode cause : status.path("details").path("causes")) {
      if ("DisruptionBudget".equals(cause.path("reason").asText(cause.path("type").asText()))) {
        return cause.path("message").asText("");
      }
    }
    return "";
  }

  @Override
  public boolean createPod(HelperPod pod) throws FixApiException {
    ObjectNode body = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode metadata = body.putObject("metadata");
    metadata.put("name", pod.name()).put("namespace", pod.namespace());
    ObjectNode labels = metadata.putObject("labels");
    new TreeMap<>(pod.labels()).forEach(labels::put);
    ObjectNode spec = body.putObject("spec");
    spec.put("nodeName", pod.node())
        .put("restartPolicy", "Never")
        .put("automountServiceAccountToken", false)
        .put("terminationGracePeriodSeconds", 0)
        .put("hostPID", pod.privileged());
    spec.putArray("tolerations").addObject().put("operator", "Exists");
    ObjectNode container = spec.putArray("containers").addObject();
    container.put("name", "podnet").put("image", pod.image());
    if (!pod.command().isEmpty()) {
      ArrayNode command = container.putArray("command");
      pod.command().forEach(command::add);
    }
    if (pod.privileged()) {
      container.putObject("securityContext").put("privileged", true);
    }
    Response response =
        send(
            "POST",
            "/api/v1/namespaces/" + segment(pod.namespace()) + "/pods",
            JSON_TYPE,
            body.toString());
    if (response.code() == 409) {
      // Only an AlreadyExists conflict means the pod is there; any other 409 (or a proxy's) is
      // a failed create, and the pod is looked up rather than assumed.
      if ("AlreadyExists".equals(response.body().path("reason").asText())
          && pod(pod.namespace(), pod.name()).isPresent()) {
        return false;
      }
      throw new FixApiException(409, "creating pod " + pod.name() + ": " + response.message());
    }
    response.ok();
    return true;
  }

  @Override
  public void deletePod(String namespace, String name) throws FixApiException {
    ObjectNode options =
        JSON.createObjectNode()
            .put("kind", "DeleteOptions")
            .put("apiVersion", "v1")
            .put("gracePeriodSeconds", 0);
    send("DELETE", podPath(namespace, name), JSON_TYPE, options.toString()).ok();
  }

  @Override
  public List<String> cniAgentDaemonSets() throws FixApiException {
    List<String> agents = new ArrayList<>();
    for (JsonNode item : list("/apis/apps/v1/daemonsets", "")) {
      String name = item.path("metadata").path("name").asText();
      if (CniAgent.byDaemonSet(name).isPresent()) {
        agents.add(item.path("metadata").path("namespace").asText() + "/" + name);
      }
    }
    agents.sort(null);
    return agents;
  }

  // ---- the lock and permissions ------------------------------------------------------------

  private static final String LEASE_PATH =
      "/apis/coordination.k8s.io/v1/namespaces/" + NAMESPACE + "/leases";

  @Override
  public Optional<LeaseRecord> lease() throws FixApiException {
    Response response = send("GET", LEASE_PATH + "/" + LEASE_NAME, null, null);
    if (response.code() == 404) {
      return Optional.empty();
    }
    return Optional.of(lease(response.ok()));
  }

  @Override
  public LeaseRecord createLease(String holder, Instant now, Duration duration)
      throws FixApiException {
    ObjectNode body = leaseBody(new LeaseRecord(holder, now, now, duration, null));
    return lease(send("POST", LEASE_PATH, JSON_TYPE, body.toString()).ok());
  }

  @Override
  public LeaseRecord updateLease(LeaseRecord lease) throws FixApiException {
    ObjectNode body = leaseBody(lease);
    return lease(send("PUT", LEASE_PATH + "/" + LEASE_NAME, JSON_TYPE, body.toString()).ok());
  }

  private static ObjectNode leaseBody(LeaseRecord lease) {
    ObjectNode body =
        JSON.createObjectNode().put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
    ObjectNode metadata =
        body.putObject("metadata").put("name", LEASE_NAME).put("namespace", NAMESPACE);
    if (lease.resourceVersion() != null) {
      metadata.put("resourceVersion", lease.resourceVersion());
    }
    metadata.putObject("labels").put(MANAGED_BY_LABEL, "podnet");
    body.putObject("spec")
        .put("holderIdentity", lease.holder())
        .put("leaseDurationSeconds", (int) lease.duration().toSeconds())
        .put("acquireTime", MICRO_TIME.format(lease.acquired()))
        .put("renewTime", MICRO_TIME.format(lease.renewed()));
    return body;
  }

  private static LeaseRecord lease(JsonNode item) throws FixApiException {
    JsonNode spec = item.path("spec");
    try {
      Instant acquired = time(spec.path("acquireTime").asText(""));
      Instant renewed = time(spec.path("renewTime").asText(""));
      return new LeaseRecord(
          spec.path("holderIdentity").asText(""),
          acquired == null ? Instant.EPOCH : acquired,
          renewed == null ? (acquired == null ? Instant.EPOCH : acquired) : renewed,
          Duration.ofSeconds(spec.path("leaseDurationSeconds").asLong(0)),
          item.path("metadata").path("resourceVersion").asText());
    } catch (DateTimeParseException e) {
      throw new FixApiException(
          500,
          "Lease " + NAMESPACE + "/" + LEASE_NAME + " has an unreadable time: " + e.getMessage());
    }
  }

  private static Instant time(String text) {
    return text.isEmpty() ? null : Instant.parse(text);
  }

  @Override
  public boolean allowed(Permission permission) throws FixApiException {
    ObjectNode body =
        JSON.createObjectNode()
            .put("apiVersion", "authorization.k8s.io/v1")
            .put("kind", "SelfSubjectAccessReview");
    ObjectNode attributes = body.putObject("spec").putObject("resourceAttributes");
    attributes
        .put("verb", permission.verb())
        .put("group", permission.group())
        .put("resource", permission.resource());
    if (!permission.subresource().isEmpty()) {
      attributes.put("subresource", permission.subresource());
    }
    if (!permission.namespace().isEmpty()) {
      attributes.put("namespace", permission.namespace());
    }
    JsonNode review =
        send(
                "POST",
                "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                JSON_TYPE,
                body.toString())
            .ok();
    return review.path("status").path("allowed").asBoolean(false);
  }

  // ---- HTTP --------------------------------------------------------------------------------

  /** One answer: status, parsed body (a Status for errors), Retry-After. */
  private record Response(int code, JsonNode body, Duration retryAfter) {
    boolean successful() {
      return code >= 200 && code < 300;
    }

    String message() {
      String message = body.path("message").asText("");
      return message.isEmpty() ? "HTTP " + code : message;
    }

    /** The body, or the error as an exception. */
    JsonNode ok() throws FixApiException {
      if (!successful()) {
        throw new FixApiException(code, message());
      }
      return body;
    }
  }

  private List<JsonNode> list(String path, String query) throws FixApiException {
    List<JsonNode> items = new ArrayList<>();
    String next = "";
    do {
      String url =
          path
              + "?limit="
              + PAGE
              + (query.isEmpty() ? "" : "&" + query)
              + (next.isEmpty() ? "" : "&continue=" + query(next));
      JsonNode page = send("GET", url, null, null).ok();
      page.path("items").forEach(items::add);
      next = page.path("metadata").path("continue").asText("");
    } while (!next.isEmpty());
    return items;
  }

  private Response send(String method, String path, String contentType, String body)
      throws FixApiException {
    HttpRequest.Builder builder =
        http.newHttpRequestBuilder()
            .uri(base + path)
            .timeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .header("Accept", JSON_TYPE);
    switch (method) {
      case "GET" -> {}
      case "POST" -> builder.post(contentType, body);
      case "PUT" -> builder.put(contentType, body);
      case "PATCH" -> builder.patch(contentType, body);
      case "DELETE" -> builder.delete(contentType, body);
      default -> throw new IllegalArgumentException(method);
    }
    try {
      HttpResponse<String> response =
          http.sendAsync(builder.build(), String.class)
              .get(requestTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      JsonNode parsed;
      String text = response.body();
      try {
        parsed = text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
      } catch (IOException e) {
        parsed = JSON.createObjectNode().put("message", firstLine(text));
      }
      return new Response(
          response.code(), parsed, retryAfter(response.header("Retry-After"), parsed));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FixApiException(
          FixApiException.NO_ANSWER, method + " " + path + ": interrupted", e);
    } catch (TimeoutException e) {
      throw new FixApiException(
          FixApiException.NO_ANSWER,
          method + " " + path + ": no answer within " + requestTimeout.toSeconds() + " s",
          e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      while (cause.getCause() != null && cause.getMessage() == null) {
        cause = cause.getCause();
      }
      String message =
          cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      throw new FixApiException(
          FixApiException.NO_ANSWER,
          "cannot reach the API server " + base + ": " + firstLine(message),
          e);
    }
  }

  private static Duration retryAfter(String header, JsonNode status) {
    if (header != null) {
      try {
        return Duration.ofSeconds(Math.max(0, Long.parseLong(header.strip())));
      } catch (NumberFormatException e) {
        // an HTTP date; the Status carries the seconds as well
      }
    }
    return Duration.ofSeconds(
        Math.max(0, status.path("details").path("retryAfterSeconds").asLong(0)));
  }

  private static boolean conditionTrue(JsonNode item, String type) {
    for (JsonNode condition : item.path("status").path("conditions")) {
      if (type.equals(condition.path("type").asText())) {
        return "True".equals(condition.path("status").asText());
      }
    }
    return false;
  }

  private static String podPath(String namespace, String name) {
    return "/api/v1/namespaces/" + segment(namespace) + "/pods/" + segment(name);
  }

  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** A JSON Pointer token: {@code ~} and {@code /} escaped (RFC 6901). */
  private static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int newline = text.indexOf('\n');
    return (newline < 0 ? text : text.substring(0, newline)).strip();
  }
}
