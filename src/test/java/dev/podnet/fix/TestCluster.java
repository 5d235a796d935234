package dev.podnet.fix;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.Resource;
import dev.podnet.model.SourceInfo;
import dev.podnet.source.ClusterSource;
import dev.podnet.source.ListQuery;
import dev.podnet.source.ModelBuilder;
import dev.podnet.source.SourceException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A small cluster built in a test, served as a {@link ClusterSource} (so the model and the drain
 * facts are read exactly as from a snapshot), with a planner on a fixed clock.
 */
final class TestCluster implements ClusterSource {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T10:00:00Z"), ZoneOffset.UTC);

  private final Map<Resource, List<ObjectNode>> items = new EnumMap<>(Resource.class);
  private int sequence;

  /** A kubeadm-style controller-manager static pod with these flags. */
  TestCluster controllerManager(String... flags) {
    ObjectNode pod = pod("kube-system", "kube-controller-manager-cp", "cp", "Running");
    pod.with("metadata").putObject("annotations").put("kubernetes.io/config.mirror", "x");
    pod.with("metadata").putObject("labels").put("component", "kube-controller-manager");
    pod.with("metadata")
        .putArray("ownerReferences")
        .addObject()
        .put("kind", "Node")
        .put("name", "cp")
        .put("controller", true);
    ArrayNode command = pod.with("spec").putArray("containers").addObject().putArray("command");
    command.add("kube-controller-manager");
    for (String flag : flags) {
      command.add(flag);
    }
    return add(Resource.PODS, pod);
  }

  /** A Ready node with these pod CIDRs and 110 allocatable pods. */
  ObjectNode node(String name, String... cidrs) {
    ObjectNode node = JSON.createObjectNode();
    ObjectNode metadata = node.putObject("metadata");
    metadata.put("name", name);
    metadata.put("uid", "uid-" + name);
    metadata.put(
        "creationTimestamp",
        Instant.parse("2026-11-20T09:00:00Z").plusSeconds(60L * sequence++).toString());
    metadata.putObject("labels").put("kubernetes.io/hostname", name);
    ObjectNode spec = node.putObject("spec");
    if (cidrs.length > 0) {
      spec.put("podCIDR", cidrs[0]);
      ArrayNode list = spec.putArray("podCIDRs");
      for (String cidr : cidrs) {
        list.add(cidr);
      }
    }
    ObjectNode status = node.putObject("status");
    status.putObject("allocatable").put("pods", "110");
    status.putArray("conditions").addObject().put("type", "Ready").put("status", "True");
    add(Resource.NODES, node);
    return node;
  }

  /** A Running pod on a node, owned by a ReplicaSet {@code <name>-rs}. */
  ObjectNode pod(String namespace, String name, String node) {
    ObjectNode pod = pod(namespace, name, node, "Running");
    pod.with("metadata")
        .putArray("ownerReferences")
        .addObject()
        .put("kind", "ReplicaSet")
        .put("name", name + "-rs")
        .put("controller", true);
    add(Resource.PODS, pod);
    return pod;
  }

  /** A pod without owner, not yet added. */
  ObjectNode pod(String namespace, String name, String node, String phase) {
    ObjectNode pod = JSON.createObjectNode();
    ObjectNode metadata = pod.putObject("metadata");
    metadata.put("namespace", namespace);
    metadata.put("name", name);
    metadata.put("uid", "uid-" + name);
    pod.putObject("spec").put("nodeName", node);
    pod.putObject("status").put("phase", phase);
    return pod;
  }

  /** A PodDisruptionBudget selecting {@code app=<app>} with the given status. */
  ObjectNode pdb(String namespace, String name, String app, int allowed, int current, int desired) {
    ObjectNode pdb = JSON.createObjectNode();
    pdb.put("apiVersion", "policy/v1");
    pdb.put("kind", "PodDisruptionBudget");
    pdb.putObject("metadata").put("namespace", namespace).put("name", name);
    pdb.putObject("spec").putObject("selector").putObject("matchLabels").put("app", app);
    pdb.putObject("status")
        .put("disruptionsAllowed", allowed)
        .put("currentHealthy", current)
        .put("desiredHealthy", desired)
        .put("expectedPods", current);
    add(Resource.PODDISRUPTIONBUDGETS, pdb);
    return pdb;
  }

  TestCluster add(Resource resource, ObjectNode item) {
    items.computeIfAbsent(resource, r -> new ArrayList<>()).add(item);
    return this;
  }

  ClusterModel model() throws SourceException {
    return ModelBuilder.build(this);
  }

  /** Plans as the command does: model, then the drain facts of the nodes to drain. */
  FixPlan plan(FixPlanner.Request request) throws SourceException {
    ClusterModel model = model();
    DrainFacts facts = DrainFactsReader.read(this, FixPlanner.nodesToDrain(model, request));
    return new FixPlanner(CLOCK).plan(model, facts, request);
  }

  FixPlan planAll(FixOptions options) throws SourceException {
    return plan(new FixPlanner.Request(List.of(), true, options));
  }

  FixPlan planAll() throws SourceException {
    return planAll(FixOptions.defaults());
  }

  @Override
  public Map<Resource, String> read(Collection<ListQuery> queries, ItemSink sink) {
    Map<Resource, String> missing = new EnumMap<>(Resource.class);
    for (ListQuery query : queries) {
      List<ObjectNode> list = items.get(query.resource());
      if (list == null) {
        missing.put(query.resource(), "not in the test cluster");
        continue;
      }
      for (ObjectNode item : list) {
        sink.accept(query.resource(), item.deepCopy());
      }
    }
    return missing;
  }

  @Override
  public SourceInfo info() {
    return new SourceInfo("test", "test-cluster", null, null);
  }
}
