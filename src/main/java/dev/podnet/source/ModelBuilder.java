package dev.podnet.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.CniAgent;
import dev.podnet.model.Condition;
import dev.podnet.model.ConfigMapInfo;
import dev.podnet.model.ContainerState;
import dev.podnet.model.DaemonSetInfo;
import dev.podnet.model.IpamData;
import dev.podnet.model.NodeEventSummary;
import dev.podnet.model.NodeInfo;
import dev.podnet.model.NodePodCounts;
import dev.podnet.model.PodInfo;
import dev.podnet.model.Resource;
import dev.podnet.model.SandboxFailure;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the lean {@link ClusterModel} while a source streams items: nodes are kept, pods are kept
 * only when they matter and counted otherwise, events are filtered by reason and aggregated per
 * pod. Resources may arrive in any order, so an archive is read in one pass.
 */
public final class ModelBuilder {

  /** Event reasons the analysis reads; a live source asks the server for exactly these. */
  public static final List<String> EVENT_REASONS =
      List.of(
          "FailedCreatePodSandBox",
          "NetworkNotReady",
          "CIDRNotAvailable",
          "CIDRAssignmentFailed",
          "Unhealthy",
          "BackOff");

  private static final Selection CONDITIONS =
      Selection.fields("type", "status", "reason", "message", "lastTransitionTime");
  private static final Selection CONTAINER_STATUS =
      Selection.of(
          "name", Selection.ALL,
          "ready", Selection.ALL,
          "restartCount", Selection.ALL,
          "state", Selection.ALL,
          "lastState", Selection.ALL);

  static final Selection NODE =
      Selection.of(
          "metadata", Selection.fields("name", "uid", "creationTimestamp", "labels"),
          "spec", Selection.fields("podCIDR", "podCIDRs", "providerID", "unschedulable", "taints"),
          "status",
              Selection.of(
                  "conditions",
                  CONDITIONS,
                  "allocatable",
                  Selection.fields("pods"),
                  "addresses",
                  Selection.ALL,
                  "nodeInfo",
                  Selection.fields("kubeletVersion", "containerRuntimeVersion")));
  static final Selection POD =
      Selection.of(
          "metadata",
              Selection.of(
                  "name", Selection.ALL,
                  "namespace", Selection.ALL,
                  "uid", Selection.ALL,
                  "creationTimestamp", Selection.ALL,
                  "labels", Selection.ALL,
                  "ownerReferences", Selection.fields("kind", "name", "controller"),
                  "annotations", Selection.fields("kubernetes.io/config.mirror")),
          "spec",
              Selection.of(
                  "nodeName", Selection.ALL,
                  "hostNetwork", Selection.ALL,
                  "containers", Selection.fields("name", "command", "args")),
          "status",
              Selection.of(
                  "phase",
                  Selection.ALL,
                  "podIP",
                  Selection.ALL,
                  "podIPs",
                  Selection.ALL,
                  "conditions",
                  CONDITIONS,
                  "containerStatuses",
                  CONTAINER_STATUS,
                  "initContainerStatuses",
                  CONTAINER_STATUS));
  static final Selection EVENT =
      Selection.of(
          "metadata", Selection.fields("name", "namespace", "creationTimestamp"),
          "involvedObject", Selection.fields("kind", "name", "namespace", "uid"),
          "reason", Selection.ALL,
          "message", Selection.ALL,
          "type", Selection.ALL,
          "count", Selection.ALL,
          "firstTimestamp", Selection.ALL,
          "lastTimestamp", Selection.ALL,
          "eventTime", Selection.ALL,
          "series", Selection.ALL,
          "source", Selection.ALL,
          "reportingInstance", Selection.ALL);
  static final Selection DAEMONSET =
      Selection.of(
          "metadata", Selection.fields("name", "namespace"),
          "spec",
              Selection.of(
                  "template",
                  Selection.of(
                      "spec",
                      Selection.of(
                          "nodeSelector", Selection.ALL, "containers", Selection.fields("image")))),
          "status", Selection.ALL);
  static final Selection CONFIGMAP =
      Selection.of("metadata", Selection.fields("name", "namespace"), "data", Selection.ALL);
  static final Selection SERVICE =
      Selection.of(
          "metadata", Selection.fields("name", "namespace"),
          "spec", Selection.fields("clusterIP", "clusterIPs", "type"));

  static final Selection CALICO_POOL =
      Selection.of(
          "metadata", Selection.fields("name"),
          "spec", Selection.fields("cidr", "blockSize", "disabled", "nodeSelector"));
  static final Selection CALICO_BLOCK =
      Selection.of(
          "metadata", Selection.fields("name"),
          "spec",
              Selection.of(
                  "cidr", Selection.ALL,
                  "affinity", Selection.ALL,
                  "allocations", Selection.ALL,
                  "unallocated", Selection.ALL,
                  "attributes", Selection.ALL));
  static final Selection CALICO_AFFINITY =
      Selection.of(
          "metadata", Selection.fields("name"),
          "spec", Selection.fields("node", "cidr", "state"));
  static final Selection CALICO_HANDLE =
      Selection.of(
          "metadata", Selection.fields("name"), "spec", Selection.fields("handleID", "block"));
  static final Selection CILIUM_NODE =
      Selection.of(
          "metadata", Selection.fields("name"),
          "spec", Selection.of("ipam", Selection.fields("podCIDRs")),
          "status", Selection.of("ipam", Selection.fields("operator-status", "used")));
  static final Selection CLUSTER_CIDR =
      Selection.of(
          "metadata", Selection.fields("name"),
          "spec", Selection.fields("ipv4", "ipv6", "perNodeHostBits", "nodeSelector"));

  static final Selection WHEREABOUTS_POOL =
      Selection.of(
          "metadata", Selection.fields("name"), "spec", Selection.fields("range", "allocations"));

  /** The ConfigMaps in kube-system that carry network settings. */
  public static final Set<String> NETWORK_CONFIGMAPS =
      Set.of(
          "kubeadm-config",
          "kube-proxy",
          "kube-flannel-cfg",
          "cilium-config",
          "calico-config",
          "canal-config",
          "amazon-vpc-cni",
          "antrea-config",
          "ovn-config");

  private static final Pattern SANDBOX_ID =
      Pattern.compile("sandbox(?: container)? \\\\?\"([0-9a-f]{6,64})(?:\\.\\.\\.)?\\\\?\"");
  private static final Pattern LONG_HEX = Pattern.compile("\\b[0-9a-f]{32,64}\\b");
  private static final String COMBINED = "(combined from similar events): ";

  private final Map<String, NodeInfo> nodes = new TreeMap<>();
  private final List<PodInfo> stuckPods = new ArrayList<>();
  private final List<PodInfo> agentPods = new ArrayList<>();
  private final List<PodInfo> controlPlanePods = new ArrayList<>();
  private final Map<String, int[]> podCounts = new HashMap<>();
  private final Map<String, String> podNodeByKey = new HashMap<>();
  private final Map<String, FailureAccumulator> failures = new TreeMap<>();
  private final Map<String, EventAccumulator> otherEvents = new TreeMap<>();
  private final List<DaemonSetInfo> daemonSets = new ArrayList<>();
  private final Map<String, ConfigMapInfo> configMaps = new TreeMap<>();
  private final java.util.Set<String> podKeys = new java.util.HashSet<>();
  private final List<IpamData.PodAddress> podAddresses = new ArrayList<>();
  private final List<String> serviceIps = new ArrayList<>();
  private final List<IpamData.CalicoPool> calicoPools = new ArrayList<>();
  private final List<IpamData.CalicoBlock> calicoBlocks = new ArrayList<>();
  private final List<IpamData.CalicoAffinity> calicoAffinities = new ArrayList<>();
  private final List<IpamData.CalicoHandle> calicoHandles = new ArrayList<>();
  private final List<IpamData.CiliumNodeInfo> ciliumNodes = new ArrayList<>();
  private final List<IpamData.ClusterCidrObject> clusterCidrs = new ArrayList<>();
  private final List<IpamData.WhereaboutsPool> whereaboutsPools = new ArrayList<>();

  /** The queries for every resource the model is built from. */
  public static List<ListQuery> queries() {
    List<String> reasonSelectors = EVENT_REASONS.stream().map(r -> "reason=" + r).toList();
    return List.of(
        new ListQuery(Resource.NODES, NODE, List.of()),
        new ListQuery(Resource.PODS, POD, List.of()),
        new ListQuery(Resource.EVENTS, EVENT, reasonSelectors),
        new ListQuery(Resource.DAEMONSETS, DAEMONSET, List.of()),
        new ListQuery(
            Resource.CONFIGMAPS,
            CONFIGMAP,
            List.of("metadata.namespace=kube-system", "metadata.namespace=kube-flannel")),
        new ListQuery(Resource.SERVICES, SERVICE, List.of()),
        new ListQuery(Resource.CALICO_IPPOOLS, CALICO_POOL, List.of()),
        new ListQuery(Resource.CALICO_IPAMBLOCKS, CALICO_BLOCK, List.of()),
        new ListQuery(Resource.CALICO_BLOCKAFFINITIES, CALICO_AFFINITY, List.of()),
        new ListQuery(Resource.CALICO_IPAMHANDLES, CALICO_HANDLE, List.of()),
        new ListQuery(Resource.CILIUM_NODES, CILIUM_NODE, List.of()),
        new ListQuery(Resource.CLUSTER_CIDRS, CLUSTER_CIDR, List.of()),
        new ListQuery(Resource.WHEREABOUTS_IPPOOLS, WHEREABOUTS_POOL, List.of()));
  }

  /** Reads every resource from the source and returns the finished model. */
  public static ClusterModel build(ClusterSource source) throws SourceException {
    ModelBuilder builder = new ModelBuilder();
    List<ListQuery> queries = queries();
    Map<Resource, String> missing = source.read(queries, builder::accept);
    Set<Resource> collected = new LinkedHashSet<>();
    for (ListQuery query : queries) {
      if (!missing.containsKey(query.resource())) {
        collected.add(query.resource());
      }
    }
    if (collected.isEmpty()) {
      throw new SourceException(
          source.info().location()
              + ": nothing to analyse: none of "
              + String.join(", ", queries.stream().map(q -> q.resource().path()).toList())
              + " could be read");
    }
    return builder.finish(source, collected, missing);
  }

  /** Takes one item of a resource. */
  public void accept(Resource resource, ObjectNode item) {
    switch (resource) {
      case NODES -> acceptNode(item);
      case PODS -> acceptPod(item);
      case EVENTS -> acceptEvent(item);
      case DAEMONSETS -> acceptDaemonSet(item);
      case CONFIGMAPS -> acceptConfigMap(item);
      case SERVICES -> acceptService(item);
      case CALICO_IPPOOLS -> acceptCalicoPool(item);
      case CALICO_IPAMBLOCKS -> acceptCalicoBlock(item);
      case CALICO_BLOCKAFFINITIES -> acceptCalicoAffinity(item);
      case CALICO_IPAMHANDLES -> acceptCalicoHandle(item);
      case CILIUM_NODES -> acceptCiliumNode(item);
      case CLUSTER_CIDRS -> acceptClusterCidr(item);
      case WHEREABOUTS_IPPOOLS -> acceptWhereaboutsPool(item);
    }
  }

  private void acceptNode(JsonNode item) {
    JsonNode metadata = item.path("metadata");
    JsonNode spec = item.path("spec");
    JsonNode status = item.path("status");
    Condition ready = null;
    Condition networkUnavailable = null;
    for (JsonNode condition : status.path("conditions")) {
      Condition parsed = condition(condition);
      if ("Ready".equals(parsed.type())) {
        ready = parsed;
      } else if ("NetworkUnavailable".equals(parsed.type())) {
        networkUnavailable = parsed;
      }
    }
    List<String> taints = new ArrayList<>();
    for (JsonNode taint : spec.path("taints")) {
      String value = text(taint, "value");
      taints.add(
          text(taint, "key") + (value == null ? "" : "=" + value) + ":" + text(taint, "effect"));
    }
    List<String> addresses = new ArrayList<>();
    for (JsonNode address : status.path("addresses")) {
      String type = text(address, "type");
      if ("InternalIP".equals(type) || "ExternalIP".equals(type)) {
        addresses.add(text(address, "address"));
      }
    }
    String name = text(metadata, "name");
    if (name == null) {
      return;
    }
    nodes.put(
        name,
        new NodeInfo(
            name,
            text(metadata, "uid"),
            instant(text(metadata, "creationTimestamp")),
            stringMap(metadata.path("labels")),
            text(spec, "providerID"),
            text(spec, "podCIDR"),
            strings(spec.path("podCIDRs")),
            spec.path("unschedulable").asBoolean(false),
            taints,
            ready,
            networkUnavailable,
            quantity(status.path("allocatable").path("pods")),
            addresses,
            text(status.path("nodeInfo"), "kubeletVersion"),
            text(status.path("nodeInfo"), "containerRuntimeVersion")));
  }

  private void acceptPod(JsonNode item) {
    JsonNode metadata = item.path("metadata");
    JsonNode spec = item.path("spec");
    JsonNode status = item.path("status");
    String namespace = text(metadata, "namespace");
    String name = text(metadata, "name");
    String nodeName = text(spec, "nodeName");
    String phase = text(status, "phase");
    boolean hostNetwork = spec.path("hostNetwork").asBoolean(false);
    if (name == null) {
      return;
    }
    String ownerKind = null;
    String ownerName = null;
    for (JsonNode owner : metadata.path("ownerReferences")) {
      if (owner.path("controller").asBoolean(false) || ownerKind == null) {
        ownerKind = text(owner, "kind");
        ownerName = text(owner, "name");
      }
    }
    boolean agent =
        ("DaemonSet".equals(ownerKind) && CniAgent.byDaemonSet(ownerName).isPresent())
            || (ownerKind == null && CniAgent.byPodName(name).isPresent());
    Map<String, String> labels = stringMap(metadata.path("labels"));
    boolean controlPlane = controlPlaneComponent(namespace, name, labels) != null;
    List<ContainerState> containers = new ArrayList<>();
    for (JsonNode container : status.path("initContainerStatuses")) {
      containers.add(containerState(container, true));
    }
    for (JsonNode container : status.path("containerStatuses")) {
      containers.add(containerState(container, false));
    }
    Condition ready = null;
    for (JsonNode condition : status.path("conditions")) {
      if ("Ready".equals(text(condition, "type"))) {
        ready = condition(condition);
      }
    }
    List<String> podIps = strings(status.path("podIPs"), "ip");
    if (podIps.isEmpty() && text(status, "podIP") != null) {
      podIps = List.of(text(status, "podIP"));
    }
    List<String> command = new ArrayList<>();
    if (controlPlane) {
      JsonNode first = spec.path("containers").path(0);
      command.addAll(strings(first.path("command")));
      command.addAll(strings(first.path("args")));
    }
    PodInfo pod =
        new PodInfo(
            namespace,
            name,
            text(metadata, "uid"),
            nodeName,
            phase,
            hostNetwork,
            instant(text(metadata, "creationTimestamp")),
            agent || controlPlane ? labels : Map.of(),
            ownerKind,
            ownerName,
            metadata.path("annotations").has("kubernetes.io/config.mirror"),
            ready,
            containers,
            podIps,
            command);
    boolean waiting = pod.waitingForSandbox();
    if (nodeName != null) {
      int[] counts = podCounts.computeIfAbsent(nodeName, n -> new int[3]);
      counts[0]++;
      if ("Running".equals(phase) && !hostNetwork) {
        counts[1]++;
      }
      if (waiting) {
        counts[2]++;
      }
    }
    podKeys.add(pod.key());
    if ("Running".equals(phase) && !hostNetwork) {
      for (String ip : podIps) {
        podAddresses.add(new IpamData.PodAddress(pod.key(), nodeName, ip));
      }
    }
    if (waiting) {
      stuckPods.add(pod);
      podNodeByKey.put(pod.key(), nodeName);
    }
    if (agent) {
      agentPods.add(pod);
    }
    if (controlPlane) {
      controlPlanePods.add(pod);
    }
  }

  /** The control-plane component a pod runs, by its kubeadm label or its static pod name. */
  static String controlPlaneComponent(String namespace, String name, Map<String, String> labels) {
    if (!"kube-system".equals(namespace)) {
      return null;
    }
    for (String component : List.of("kube-controller-manager", "kube-apiserver", "kube-proxy")) {
      if (component.equals(labels.get("component"))
          || component.equals(labels.get("k8s-app"))
          || name.startsWith(component + "-")) {
        return component;
      }
    }
    return null;
  }

  private void acceptEvent(JsonNode item) {
    String reason = text(item, "reason");
    if (reason == null || !EVENT_REASONS.contains(reason)) {
      return;
    }
    JsonNode involved = item.path("involvedObject");
    String kind = text(involved, "kind");
    String objectName = text(involved, "name");
    String namespace = text(involved, "namespace");
    String message = text(item, "message");
    if (message != null && message.startsWith(COMBINED)) {
      message = message.substring(COMBINED.length());
    }
    long count =
        Math.max(1, item.path("count").asLong(item.path("series").path("count").asLong(1)));
    Instant first = instant(text(item, "firstTimestamp"));
    Instant last = instant(text(item, "lastTimestamp"));
    Instant eventTime = instant(text(item, "eventTime"));
    Instant seriesLast = instant(text(item.path("series"), "lastObservedTime"));
    Instant created = instant(text(item.path("metadata"), "creationTimestamp"));
    if (first == null) {
      first = eventTime != null ? eventTime : created;
    }
    if (last == null) {
      last = seriesLast != null ? seriesLast : first;
    }
    String host = text(item.path("source"), "host");
    if (host == null) {
      host = text(item, "reportingInstance");
    }
    switch (reason) {
      case "FailedCreatePodSandBox" -> {
        if (!"Pod".equals(kind) || objectName == null) {
          return;
        }
        String key = namespace + "/" + objectName;
        failures
            .computeIfAbsent(key, k -> new FailureAccumulator(namespace, objectName))
            .add(text(involved, "uid"), host, count, first, last, message);
      }
      case "NetworkNotReady" ->
          aggregate(reason, host, kind, namespace, objectName, count, first, last, message, true);
      case "CIDRNotAvailable", "CIDRAssignmentFailed" ->
          aggregate(
              reason,
              "Node".equals(kind) ? objectName : host,
              kind,
              namespace,
              objectName,
              count,
              first,
              last,
              message,
              false);
      case "Unhealthy", "BackOff" -> {
        if ("Pod".equals(kind) && CniAgent.byPodName(objectName).isPresent()) {
          aggregate(reason, host, kind, namespace, objectName, count, first, last, message, false);
        }
      }
      default -> {
        // Filtered above; other reasons never reach here.
      }
    }
  }

  /** Aggregates one event; per node when {@code perNode}, else per object. */
  private void aggregate(
      String reason,
      String node,
      String kind,
      String namespace,
      String name,
      long count,
      Instant first,
      Instant last,
      String message,
      boolean perNode) {
    String objectKey = namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    String key = reason + "\u0000" + (perNode ? node : objectKey);
    otherEvents
        .computeIfAbsent(key, k -> new EventAccumulator(reason, node, kind, objectKey))
        .add(count, first, last, message);
  }

  private void acceptDaemonSet(JsonNode item) {
    JsonNode metadata = item.path("metadata");
    JsonNode status = item.path("status");
    JsonNode podSpec = item.path("spec").path("template").path("spec");
    daemonSets.add(
        new DaemonSetInfo(
            text(metadata, "namespace"),
            text(metadata, "name"),
            stringMap(podSpec.path("nodeSelector")),
            status.path("desiredNumberScheduled").asInt(0),
            status.path("currentNumberScheduled").asInt(0),
            status.path("numberReady").asInt(0),
            status.path("numberAvailable").asInt(0),
            status.path("numberMisscheduled").asInt(0),
            text(podSpec.path("containers").path(0), "image")));
  }

  private void acceptConfigMap(JsonNode item) {
    JsonNode metadata = item.path("metadata");
    String namespace = text(metadata, "namespace");
    String name = text(metadata, "name");
    if (!"kube-system".equals(namespace) && !"kube-flannel".equals(namespace)) {
      return;
    }
    if (name == null || !NETWORK_CONFIGMAPS.contains(name)) {
      return;
    }
    ConfigMapInfo info = new ConfigMapInfo(namespace, name, stringMap(item.path("data")));
    configMaps.put(info.key(), info);
  }

  private ClusterModel finish(
      ClusterSource source, Set<Resource> collected, Map<Resource, String> missing) {
    Map<String, NodePodCounts> counts = new TreeMap<>();
    podCounts.forEach((node, c) -> counts.put(node, new NodePodCounts(c[0], c[1], c[2])));
    Map<String, SandboxFailure> sandboxFailures = new LinkedHashMap<>();
    failures.forEach(
        (key, accumulator) -> sandboxFailures.put(key, accumulator.finish(podNodeByKey.get(key))));
    List<NodeEventSummary> events = new ArrayList<>();
    otherEvents.values().forEach(a -> events.add(a.finish()));
    return new ClusterModel(
        source.info(),
        nodes,
        sorted(stuckPods),
        sorted(agentPods),
        sorted(controlPlanePods),
        counts,
        sandboxFailures,
        events,
        daemonSets.stream().sorted(java.util.Comparator.comparing(DaemonSetInfo::key)).toList(),
        configMaps,
        collected,
        missing,
        new IpamData(
            podKeys,
            podAddresses,
            serviceIps,
            calicoPools,
            sortedBy(calicoBlocks, IpamData.CalicoBlock::name),
            sortedBy(calicoAffinities, IpamData.CalicoAffinity::name),
            sortedBy(calicoHandles, IpamData.CalicoHandle::name),
            sortedBy(ciliumNodes, IpamData.CiliumNodeInfo::name),
            sortedBy(clusterCidrs, IpamData.ClusterCidrObject::name),
            sortedBy(whereaboutsPools, IpamData.WhereaboutsPool::name)));
  }

  private static <T> List<T> sortedBy(List<T> items, java.util.function.Function<T, String> key) {
    return items.stream().sorted(java.util.Comparator.comparing(key)).toList();
  }

  private void acceptService(JsonNode item) {
    JsonNode spec = item.path("spec");
    List<String> ips = strings(spec.path("clusterIPs"));
    if (ips.isEmpty() && text(spec, "clusterIP") != null) {
      ips = List.of(text(spec, "clusterIP"));
    }
    for (String ip : ips) {
      if (!ip.isEmpty() && !"None".equals(ip)) {
        serviceIps.add(ip);
      }
    }
  }

  private void acceptCalicoPool(JsonNode item) {
    JsonNode spec = item.path("spec");
    calicoPools.add(
        new IpamData.CalicoPool(
            text(item.path("metadata"), "name"),
            text(spec, "cidr"),
            spec.path("blockSize").asInt(0),
            spec.path("disabled").asBoolean(false),
            text(spec, "nodeSelector")));
  }

  private void acceptCalicoBlock(JsonNode item) {
    JsonNode spec = item.path("spec");
    List<Integer> allocations = new ArrayList<>();
    for (JsonNode allocation : spec.path("allocations")) {
      allocations.add(allocation.isNull() ? null : allocation.asInt());
    }
    List<String> handles = new ArrayList<>();
    List<String> pods = new ArrayList<>();
    List<String> attributeNodes = new ArrayList<>();
    for (JsonNode attribute : spec.path("attributes")) {
      attributeNodes.add(text(attribute.path("secondary"), "node"));
      handles.add(text(attribute, "handle_id"));
      JsonNode secondary = attribute.path("secondary");
      String namespace = text(secondary, "namespace");
      String pod = text(secondary, "pod");
      pods.add(namespace != null && pod != null ? namespace + "/" + pod : null);
    }
    String affinity = text(spec, "affinity");
    if (affinity != null && affinity.startsWith("host:")) {
      affinity = affinity.substring("host:".length());
    }
    calicoBlocks.add(
        new IpamData.CalicoBlock(
            text(item.path("metadata"), "name"),
            text(spec, "cidr"),
            affinity,
            allocations,
            handles,
            pods,
            attributeNodes,
            spec.path("unallocated").size()));
  }

  private void acceptCalicoAffinity(JsonNode item) {
    JsonNode spec = item.path("spec");
    calicoAffinities.add(
        new IpamData.CalicoAffinity(
            text(item.path("metadata"), "name"),
            text(spec, "node"),
            text(spec, "cidr"),
            text(spec, "state")));
  }

  private void acceptCalicoHandle(JsonNode item) {
    JsonNode spec = item.path("spec");
    Map<String, Integer> blocks = new TreeMap<>();
    spec.path("block").fields().forEachRemaining(e -> blocks.put(e.getKey(), e.getValue().asInt()));
    calicoHandles.add(
        new IpamData.CalicoHandle(
            text(item.path("metadata"), "name"), text(spec, "handleID"), blocks));
  }

  private void acceptCiliumNode(JsonNode item) {
    JsonNode ipamStatus = item.path("status").path("ipam");
    ciliumNodes.add(
        new IpamData.CiliumNodeInfo(
            text(item.path("metadata"), "name"),
            strings(item.path("spec").path("ipam").path("podCIDRs")),
            text(ipamStatus.path("operator-status"), "error"),
            ipamStatus.path("used").size()));
  }

  private void acceptWhereaboutsPool(JsonNode item) {
    JsonNode spec = item.path("spec");
    List<String> podRefs = new ArrayList<>();
    spec.path("allocations")
        .fields()
        .forEachRemaining(e -> podRefs.add(text(e.getValue(), "podref")));
    whereaboutsPools.add(
        new IpamData.WhereaboutsPool(
            text(item.path("metadata"), "name"), text(spec, "range"), podRefs));
  }

  private void acceptClusterCidr(JsonNode item) {
    JsonNode spec = item.path("spec");
    JsonNode selector = spec.path("nodeSelector");
    clusterCidrs.add(
        new IpamData.ClusterCidrObject(
            text(item.path("metadata"), "name"),
            text(spec, "ipv4"),
            text(spec, "ipv6"),
            spec.path("perNodeHostBits").asInt(0),
            selector.isMissingNode() || selector.isNull() ? null : selector.toString()));
  }

  private static List<PodInfo> sorted(List<PodInfo> pods) {
    return pods.stream().sorted(java.util.Comparator.comparing(PodInfo::key)).toList();
  }

  /** Extracts the sandbox id a sandbox-creation message names, or null. */
  static String sandboxId(String message) {
    if (message == null) {
      return null;
    }
    Matcher matcher = SANDBOX_ID.matcher(message);
    return matcher.find() ? matcher.group(1) : null;
  }

  /** The message with sandbox ids replaced, so repeated attempts compare equal. */
  static String normalise(String message) {
    return LONG_HEX.matcher(message).replaceAll("<id>");
  }

  private static final class FailureAccumulator {
    private final String namespace;
    private final String podName;
    private String uid;
    private String host;
    private long attempts;
    private Instant first;
    private Instant last;
    private String latest;
    private final Set<String> sandboxIds = new LinkedHashSet<>();
    private final Set<String> messages = new LinkedHashSet<>();

    FailureAccumulator(String namespace, String podName) {
      this.namespace = namespace;
      this.podName = podName;
    }

    void add(String uid, String host, long count, Instant first, Instant last, String message) {
      if (this.uid == null) {
        this.uid = uid;
      }
      if (host != null) {
        this.host = host;
      }
      attempts += count;
      if (first != null && (this.first == null || first.isBefore(this.first))) {
        this.first = first;
      }
      if (last != null && (this.last == null || !last.isBefore(this.last))) {
        this.last = last;
        latest = message;
      } else if (latest == null) {
        latest = message;
      }
      if (message != null) {
        String id = sandboxId(message);
        if (id != null) {
          sandboxIds.add(id);
        }
        String normalised = normalise(message);
        if (messages.size() < SandboxFailure.MAX_MESSAGES || messages.contains(normalised)) {
          messages.add(normalised);
        }
      }
    }

    SandboxFailure finish(String podNode) {
      return new SandboxFailure(
          namespace,
          podName,
          uid,
          host != null ? host : podNode,
          attempts,
          first,
          last,
          List.copyOf(sandboxIds),
          List.copyOf(messages),
          latest);
    }
  }

  private static final class EventAccumulator {
    private final String reason;
    private final String node;
    private final String kind;
    private final String objectKey;
    private long count;
    private Instant first;
    private Instant last;
    private String message;

    EventAccumulator(String reason, String node, String kind, String objectKey) {
      this.reason = reason;
      this.node = node;
      this.kind = kind;
      this.objectKey = objectKey;
    }

    void add(long count, Instant first, Instant last, String message) {
      this.count += count;
      if (first != null && (this.first == null || first.isBefore(this.first))) {
        this.first = first;
      }
      if (last != null && (this.last == null || !last.isBefore(this.last))) {
        this.last = last;
        this.message = message;
      } else if (this.message == null) {
        this.message = message;
      }
    }

    NodeEventSummary finish() {
      return new NodeEventSummary(reason, node, kind, objectKey, count, first, last, message);
    }
  }

  private static ContainerState containerState(JsonNode container, boolean init) {
    JsonNode state = container.path("state");
    JsonNode waiting = state.path("waiting");
    JsonNode terminated = container.path("lastState").path("terminated");
    return new ContainerState(
        text(container, "name"),
        init,
        container.path("ready").asBoolean(false),
        container.path("restartCount").asInt(0),
        state.has("running"),
        text(waiting, "reason"),
        text(waiting, "message"),
        terminated.has("exitCode") ? terminated.path("exitCode").asInt() : null,
        text(terminated, "reason"),
        text(terminated, "message"));
  }

  private static Condition condition(JsonNode node) {
    return new Condition(
        text(node, "type"),
        text(node, "status"),
        text(node, "reason"),
        text(node, "message"),
        instant(text(node, "lastTransitionTime")));
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || value.isContainerNode()) {
      return null;
    }
    return value.asText();
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    for (JsonNode value : array) {
      if (value.isValueNode() && !value.isNull()) {
        values.add(value.asText());
      }
    }
    return values;
  }

  private static List<String> strings(JsonNode array, String field) {
    List<String> values = new ArrayList<>();
    for (JsonNode value : array) {
      String text = text(value, field);
      if (text != null) {
        values.add(text);
      }
    }
    return values;
  }

  private static Map<String, String> stringMap(JsonNode object) {
    if (!object.isObject()) {
      return Map.of();
    }
    Map<String, String> map = new TreeMap<>();
    object
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                map.put(e.getKey(), e.getValue().asText());
              }
            });
    return map;
  }

  /** A Kubernetes quantity of pods ("110"), or -1 when absent or not a plain integer. */
  private static int quantity(JsonNode node) {
    if (node.isNumber()) {
      return node.asInt();
    }
    if (node.isTextual()) {
      try {
        return Integer.parseInt(node.asText().trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  static Instant instant(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** For tests: the known node names. */
  Collection<String> nodeNames() {
    return nodes.keySet();
  }
}
