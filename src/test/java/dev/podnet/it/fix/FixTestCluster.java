package dev.podnet.it.fix;

import dev.podnet.it.RealApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A small cluster for the fix ITs on a dedicated real API server: kube-controller-manager runs the
 * real {@code nodeipam} (cluster CIDR 10.244.0.0/16, /24), {@code disruption} (PDB status) and
 * {@code replicaset} (replacements for evicted pods) controllers; {@link SimulatedScheduler} binds
 * the replacements; one {@link SimulatedKubelet} per node. It starts as kind does: a tainted {@code
 * kind-control-plane} node whose mirror pod states the controller-manager's flags (a real kind
 * v1.20 pod), and flannel's real manifest (the CNI agent DaemonSet and its {@code net-conf.json}).
 *
 * <p>A drifted node is a Node registered with a pod CIDR outside the cluster CIDR (the API takes
 * any valid CIDR at create; the range allocator only logs that it cannot mark it as used). Such a
 * node must be added after the controller-manager started: at start-up, its range allocator refuses
 * a Node whose CIDR is outside the cluster CIDR, and node IPAM does not start.
 */
public final class FixTestCluster implements AutoCloseable {
  public static final String CLUSTER_CIDR = "10.244.0.0/16";
  public static final String CONTROLLERS = "nodeipam,disruption,replicaset";
  public static final String CONTROL_PLANE = "kind-control-plane";
  public static final String FLANNEL_NAMESPACE = "kube-flannel";
  public static final String FLANNEL_DAEMONSET = "kube-flannel-ds";

  private static final String RESOURCES = "/dev/podnet/it/fix/";
  private static final Duration KUBELET_PERIOD = Duration.ofMillis(100);

  private final RealApiServer server;
  private final KubernetesClient client;
  private final SimulatedScheduler scheduler;
  private final Map<String, SimulatedKubelet> kubelets = new LinkedHashMap<>();
  private final Random random = new Random(1);
  private Duration terminationDelay = Duration.ofMillis(300);
  private int nextNodeIp = 2;

  private FixTestCluster(RealApiServer server) {
    this.server = server;
    this.client = server.client();
    this.scheduler = new SimulatedScheduler(server.newClient(), Duration.ofMillis(100)).start();
  }

  private static FixTestCluster shared;

  /**
   * The cluster the fix ITs of this JVM share (one server start instead of one per class), stopped
   * by a shutdown hook. Each test class adds its own nodes and namespace and removes its nodes when
   * done ({@link #removeWorkers}), so that no cordon or lock of one class meets the next.
   */
  public static synchronized FixTestCluster shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "fix-cluster-stop"));
    }
    return shared;
  }

  /** Starts the server and controllers, then the control-plane node and flannel. */
  public static FixTestCluster start() {
    RealApiServer server = RealApiServer.startDedicated(CONTROLLERS);
    FixTestCluster cluster = new FixTestCluster(server);
    try {
      cluster.seedControlPlane();
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  public RealApiServer server() {
    return server;
  }

  public KubernetesClient client() {
    return client;
  }

  public SimulatedScheduler scheduler() {
    return scheduler;
  }

  public SimulatedKubelet kubelet(String node) {
    return kubelets.get(node);
  }

  public Map<String, SimulatedKubelet> kubelets() {
    return Map.copyOf(kubelets);
  }

  /** How long a kubelet takes to finalise a terminating pod (for kubelets added after this). */
  public void setTerminationDelay(Duration delay) {
    this.terminationDelay = delay;
  }

  // ---------------------------------------------------------------------------------------------
  // seeding

  private void seedControlPlane() {
    addNode(
        CONTROL_PLANE,
        null,
        Map.of("node-role.kubernetes.io/master", ""),
        List.of(
            new TaintBuilder()
                .withKey("node-role.kubernetes.io/master")
                .withEffect("NoSchedule")
                .build()),
        null,
        false);
    Node controlPlane = client.nodes().withName(CONTROL_PLANE).get();
    Pod kcm = load("kube-controller-manager-kind-control-plane.json", Pod.class);
    clearServerFields(kcm);
    kcm.getMetadata().getOwnerReferences().get(0).setUid(controlPlane.getMetadata().getUid());
    kcm.setStatus(null);
    client.pods().inNamespace("kube-system").resource(kcm).create();

    List<HasMetadata> flannel;
    try (InputStream in = resource("kube-flannel.yml")) {
      flannel = client.load(in).items();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    for (HasMetadata object : flannel) {
      if (object instanceof Namespace
          || object instanceof ConfigMap
          || object instanceof DaemonSet) {
        client.resource(object).create();
      }
    }
    addCniAgent(CONTROL_PLANE);
    waitFor(
        "the control plane's pods to run",
        Duration.ofSeconds(30),
        () -> allRunning("kube-system") && allRunning(FLANNEL_NAMESPACE));
  }

  /**
   * Adds a worker node: its kubelet registers it (with {@code presetCidr}, a drifted node; null:
   * the controller-manager allocates one, waited for) and runs a flannel pod on it.
   */
  public SimulatedKubelet addWorker(String name, String presetCidr, Map<String, String> labels) {
    return addNode(name, presetCidr, labels, List.of(), null, true);
  }

  /** As {@link #addWorker}, with a {@code spec.providerID} (a cloud node). */
  public SimulatedKubelet addWorker(
      String name, String presetCidr, Map<String, String> labels, String providerId) {
    return addNode(name, presetCidr, labels, List.of(), providerId, true);
  }

  private SimulatedKubelet addNode(
      String name,
      String presetCidr,
      Map<String, String> labels,
      List<Taint> taints,
      String providerId,
      boolean cniAgent) {
    String ip = "172.18.0." + nextNodeIp++;
    SimulatedKubelet kubelet =
        new SimulatedKubelet(
                server.newClient(),
                new SimulatedKubelet.Registration(name, ip, labels, taints, providerId, 110),
                presetCidr,
                KUBELET_PERIOD,
                terminationDelay)
            .start();
    kubelets.put(name, kubelet);
    if (presetCidr == null) {
      waitFor(
          "a pod CIDR on " + name,
          Duration.ofSeconds(30),
          () -> {
            Node node = client.nodes().withName(name).get();
            return node != null && node.getSpec().getPodCIDR() != null;
          });
    }
    if (cniAgent) {
      addCniAgent(name);
    }
    return kubelet;
  }

  /** The flannel pod of a node, as the DaemonSet controller would create it. */
  public void addCniAgent(String nodeName) {
    DaemonSet ds =
        client.apps().daemonSets().inNamespace(FLANNEL_NAMESPACE).withName(FLANNEL_DAEMONSET).get();
    PodSpec spec = client.getKubernetesSerialization().clone(ds.getSpec().getTemplate().getSpec());
    spec.setNodeName(nodeName);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(FLANNEL_DAEMONSET + "-" + suffix())
            .withNamespace(FLANNEL_NAMESPACE)
            .withLabels(ds.getSpec().getTemplate().getMetadata().getLabels())
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("apps/v1")
                    .withKind("DaemonSet")
                    .withName(FLANNEL_DAEMONSET)
                    .withUid(ds.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .endMetadata()
            .withSpec(spec)
            .build();
    client.pods().inNamespace(FLANNEL_NAMESPACE).resource(pod).create();
  }

  public void createNamespace(String namespace) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
  }

  /**
   * A ReplicaSet {@code app=name} whose pods sit on the given nodes ({@code node -> count}): the
   * pods are created bound to their nodes, then the ReplicaSet, whose controller adopts them (sets
   * its controller owner reference), as if it had created them and the scheduler had placed them.
   * Returns once every pod is owned, Running and Ready.
   */
  public ReplicaSet createReplicaSet(
      String namespace, String name, Map<String, Integer> placement) {
    int replicas = placement.values().stream().mapToInt(Integer::intValue).sum();
    List<String> podNames = new ArrayList<>();
    String hash = suffix().substring(0, 5);
    for (Map.Entry<String, Integer> entry : placement.entrySet()) {
      for (int i = 0; i < entry.getValue(); i++) {
        String podName = name + "-" + hash + "-" + suffix();
        podNames.add(podName);
        client
            .pods()
            .inNamespace(namespace)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(podName)
                    .withNamespace(namespace)
                    .withLabels(Map.of("app", name))
                    .endMetadata()
                    .withSpec(podSpec(entry.getKey()))
                    .build())
            .create();
      }
    }
    ReplicaSet rs =
        client
            .apps()
            .replicaSets()
            .inNamespace(namespace)
            .resource(
                new ReplicaSetBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .endMetadata()
                    .withNewSpec()
                    .withReplicas(replicas)
                    .withNewSelector()
                    .withMatchLabels(Map.of("app", name))
                    .endSelector()
                    .withNewTemplate()
                    .withNewMetadata()
                    .withLabels(Map.of("app", name))
                    .endMetadata()
                    .withSpec(podSpec(null))
                    .endTemplate()
                    .endSpec()
                    .build())
            .create();
    waitFor(
        "ReplicaSet " + namespace + "/" + name + " to adopt and run its pods",
        Duration.ofSeconds(30),
        () -> {
          List<Pod> pods =
              client.pods().inNamespace(namespace).withLabel("app", name).list().getItems();
          return pods.size() == replicas
              && pods.stream()
                  .allMatch(
                      p ->
                          podNames.contains(p.getMetadata().getName())
                              && p.getMetadata().getOwnerReferences().stream()
                                  .anyMatch(
                                      o ->
                                          Boolean.TRUE.equals(o.getController())
                                              && name.equals(o.getName()))
                              && ready(p));
        });
    return rs;
  }

  private static PodSpec podSpec(String nodeName) {
    PodSpec spec = new PodSpec();
    spec.setNodeName(nodeName);
    spec.setTerminationGracePeriodSeconds(30L);
    spec.setContainers(
        List.of(
            new io.fabric8.kubernetes.api.model.ContainerBuilder()
                .withName("web")
                .withImage("registry.k8s.io/pause:3.9")
                .build()));
    return spec;
  }

  /**
   * A policy/v1beta1 PodDisruptionBudget over {@code app=app} with {@code minAvailable}; returns
   * once the disruption controller has computed its status.
   */
  public PodDisruptionBudget createPdb(
      String namespace, String name, String app, int minAvailable) {
    PodDisruptionBudget pdb =
        client
            .policy()
            .v1beta1()
            .podDisruptionBudget()
            .inNamespace(namespace)
            .resource(
                new PodDisruptionBudgetBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .endMetadata()
                    .withNewSpec()
                    .withNewMinAvailable(minAvailable)
                    .withNewSelector()
                    .withMatchLabels(Map.of("app", app))
                    .endSelector()
                    .endSpec()
                    .build())
            .create();
    waitFor(
        "the disruption controller to compute " + namespace + "/" + name,
        Duration.ofSeconds(30),
        () -> {
          PodDisruptionBudget now =
              client
                  .policy()
                  .v1beta1()
                  .podDisruptionBudget()
                  .inNamespace(namespace)
                  .withName(name)
                  .get();
          return now.getStatus() != null
              && now.getStatus().getObservedGeneration() != null
              && now.getStatus().getObservedGeneration() >= now.getMetadata().getGeneration()
              && now.getStatus().getExpectedPods() != null
              && now.getStatus().getExpectedPods() > 0;
        });
    return pdb;
  }

  // ---------------------------------------------------------------------------------------------
  // reset

  /**
   * Removes worker nodes and everything on them (a reset between fault schedules): stops their
   * kubelets, deletes the Nodes and their pods at once, the namespace's workloads, podnet's helper
   * pods and lock.
   */
  public void removeWorkers(List<String> nodes, List<String> namespaces) {
    for (String node : nodes) {
      SimulatedKubelet kubelet = kubelets.remove(node);
      if (kubelet != null) {
        kubelet.close();
      }
    }
    for (String namespace : namespaces) {
      // the workloads first, or their controller recreates the pods deleted below
      client.apps().replicaSets().inNamespace(namespace).delete();
      client.policy().v1beta1().podDisruptionBudget().inNamespace(namespace).delete();
    }
    for (String node : nodes) {
      client.nodes().withName(node).delete();
      for (Pod pod :
          client.pods().inAnyNamespace().withField("spec.nodeName", node).list().getItems()) {
        deleteNow(pod);
      }
    }
    for (String namespace : namespaces) {
      for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
        deleteNow(pod);
      }
    }
    for (Pod pod :
        client
            .pods()
            .inNamespace("kube-system")
            .withLabel("app.kubernetes.io/managed-by", "podnet")
            .list()
            .getItems()) {
      deleteNow(pod);
    }
    client.leases().inNamespace("kube-system").withName("podnet-fix").delete();
  }

  private void deleteNow(Pod pod) {
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .withGracePeriod(0)
          .delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  @Override
  public void close() {
    for (SimulatedKubelet kubelet : kubelets.values()) {
      kubelet.close();
    }
    kubelets.clear();
    scheduler.close();
    server.close();
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  public boolean allRunning(String namespace) {
    List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
    return !pods.isEmpty() && pods.stream().allMatch(FixTestCluster::ready);
  }

  public static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && "Running".equals(pod.getStatus().getPhase())
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Polls until the condition holds, or fails naming what it waited for. */
  public static void waitFor(String what, Duration timeout, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    RuntimeException last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
    throw new AssertionError(
        "timed out after " + timeout.toSeconds() + " s waiting for " + what, last);
  }

  private String suffix() {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  private static InputStream resource(String name) {
    InputStream in = FixTestCluster.class.getResourceAsStream(RESOURCES + name);
    if (in == null) {
      throw new IllegalStateException("missing test resource " + RESOURCES + name);
    }
    return in;
  }

  private <T> T load(String name, Class<T> type) {
    try (InputStream in = resource(name)) {
      return client.getKubernetesSerialization().unmarshal(in, type);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void clearServerFields(HasMetadata object) {
    object.getMetadata().setUid(null);
    object.getMetadata().setResourceVersion(null);
    object.getMetadata().setCreationTimestamp(null);
    object.getMetadata().setManagedFields(null);
  }
}
