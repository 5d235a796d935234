package dev.podnet.it.fix;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A kubelet as the API server sees it, for one node, on its own thread and its own client: enough
 * of the real one's behaviour that a node can be drained, deleted and re-registered as in a cluster
 * (reference/node-lifecycle.md sections 5 and 6).
 *
 * <ul>
 *   <li>It registers its Node once (labels, taints, allocatable pods, addresses, a Ready condition)
 *       and keeps the Node's status fresh. After the Node is deleted it does <b>not</b> create it
 *       again: its status updates fail, as the real kubelet's do, until it is restarted.
 *   <li>A restart ({@link #restart()}, or a pod on its node that runs {@code systemctl restart
 *       kubelet} privileged in the host's PID namespace, as podnet's kubelet-restart pod does)
 *       registers the Node again if it is gone: a new object, new UID, no pod CIDR, schedulable.
 *   <li>Pods bound to its node ({@code spec.nodeName}) are started: Running and Ready through the
 *       status subresource, with a pod IP from the node's current pod CIDR (host network pods take
 *       the node's IP). Without a pod CIDR a pod stays Pending, as it would with no CNI.
 *   <li>The CNI agent (a pod of a {@code kube-flannel-ds} DaemonSet) is Ready only while the node
 *       has a pod CIDR, as flannel's kube subnet manager needs one; a restart makes it NotReady
 *       until the new Node's CIDR arrives.
 *   <li>Terminating pods are finalised (deleted with grace period 0) after {@code
 *       terminationDelay}, as a kubelet does once the containers stopped.
 *   <li>A kubelet-restart pod is marked Succeeded once the kubelet has restarted.
 * </ul>
 */
public final class SimulatedKubelet extends ClusterLoop {

  /**
   * What the kubelet registers: its flags ({@code --node-labels}, {@code --register-with-taints}).
   */
  public record Registration(
      String nodeName,
      String nodeIp,
      Map<String, String> labels,
      List<Taint> taints,
      String providerId,
      int maxPods) {
    public Registration {
      labels = Map.copyOf(labels);
      taints = List.copyOf(taints);
    }
  }

  private static final Duration HEARTBEAT = Duration.ofSeconds(2);
  private static final String CNI_AGENT_DAEMONSET = "kube-flannel-ds";

  private final Registration registration;
  private final String firstPodCidr;
  private final Duration terminationDelay;
  private final AtomicBoolean restartRequested = new AtomicBoolean();
  private final AtomicInteger registrations = new AtomicInteger();
  private final AtomicInteger restarts = new AtomicInteger();
  private final Map<String, Instant> terminatingSince = new HashMap<>();
  private final Map<String, String> podIps = new HashMap<>();
  private final Set<String> restartPodsDone = Collections.synchronizedSet(new HashSet<>());
  private volatile boolean paused;
  private volatile String nodeUid;
  private String ipCidr;
  private int nextHost = 2;
  private Instant lastHeartbeat = Instant.EPOCH;
  private boolean lastReady;
  private boolean agentResetPending;

  /**
   * @param firstPodCidr a pod CIDR the first registration carries (a drifted node, registered when
   *     the cluster CIDR was another); null to let the controller-manager allocate one
   * @param client this kubelet's own client; closed by {@link #close()}
   */
  public SimulatedKubelet(
      KubernetesClient client,
      Registration registration,
      String firstPodCidr,
      Duration period,
      Duration terminationDelay) {
    super(client, period, "kubelet-" + registration.nodeName());
    this.registration = registration;
    this.firstPodCidr = firstPodCidr;
    this.terminationDelay = terminationDelay;
  }

  /** Registers the Node (once; an existing Node of that name is adopted) and starts the loop. */
  public SimulatedKubelet start() {
    register(firstPodCidr);
    startLoop();
    return this;
  }

  public String nodeName() {
    return registration.nodeName();
  }

  /** Asks for a restart, as {@code systemctl restart kubelet} on the node would. */
  public void restart() {
    restartRequested.set(true);
  }

  /** How many times this kubelet created its Node. */
  public int registrations() {
    return registrations.get();
  }

  /** How many restarts it went through (manual or by a pod). */
  public int restarts() {
    return restarts.get();
  }

  /** Stops reacting (a hung kubelet) until {@link #resume()}; the Node goes stale. */
  public void pause() {
    paused = true;
  }

  public void resume() {
    paused = false;
  }

  @Override
  protected void step() {
    if (!paused) {
      tick();
    }
  }

  private void tick() {
    if (restartRequested.getAndSet(false)) {
      doRestart();
    }
    Node node = client.nodes().withName(nodeName()).get();
    if (node != null && !node.getMetadata().getUid().equals(nodeUid)) {
      // not ours: another registration of the same name (never expected in these tests)
      error("Node " + nodeName() + " has UID " + node.getMetadata().getUid());
    }
    String cidr = node == null ? null : firstCidr(node);
    if (cidr != null && !cidr.equals(ipCidr)) {
      ipCidr = cidr;
      nextHost = 2;
    }
    if (node != null) {
      heartbeat(node, cidr != null);
    }
    List<Pod> pods =
        client.pods().inAnyNamespace().withField("spec.nodeName", nodeName()).list().getItems();
    for (Pod pod : pods) {
      syncPod(pod, node, cidr);
    }
    if (cidr != null) {
      agentResetPending = false;
    }
  }

  private void doRestart() {
    restarts.incrementAndGet();
    Node node = client.nodes().withName(nodeName()).get();
    if (node == null) {
      register(null);
    }
    // the restarted kubelet re-syncs every pod; the CNI agent re-reads the Node's CIDR
    agentResetPending = true;
    lastHeartbeat = Instant.EPOCH;
  }

  private void register(String podCidr) {
    NodeBuilder builder =
        new NodeBuilder()
            .withNewMetadata()
            .withName(nodeName())
            .withLabels(labels())
            .endMetadata()
            .withNewSpec()
            .withTaints(registration.taints())
            .withProviderID(registration.providerId())
            .endSpec()
            .withNewStatus()
            .withCapacity(resources())
            .withAllocatable(resources())
            .withConditions(readyCondition(podCidr != null, Instant.now()))
            .addNewAddress()
            .withType("InternalIP")
            .withAddress(registration.nodeIp())
            .endAddress()
            .addNewAddress()
            .withType("Hostname")
            .withAddress(nodeName())
            .endAddress()
            .withNewNodeInfo()
            .withKubeletVersion("v1.20.2")
            .withKubeProxyVersion("v1.20.2")
            .withContainerRuntimeVersion("containerd://1.4.0")
            .withOperatingSystem("linux")
            .withArchitecture("amd64")
            .withOsImage("Debian GNU/Linux 12 (bookworm)")
            .withKernelVersion("6.1.0")
            .withMachineID("")
            .withSystemUUID("")
            .withBootID("")
            .endNodeInfo()
            .endStatus();
    if (podCidr != null) {
      builder.editSpec().withPodCIDR(podCidr).withPodCIDRs(podCidr).endSpec();
    }
    Node created;
    try {
      created = client.nodes().resource(builder.build()).create();
      registrations.incrementAndGet();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      created = client.nodes().withName(nodeName()).get();
    }
    nodeUid = created.getMetadata().getUid();
    lastReady = podCidr != null;
    lastHeartbeat = Instant.now();
  }

  private Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("kubernetes.io/hostname", nodeName());
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", "amd64");
    labels.putAll(registration.labels());
    return labels;
  }

  private Map<String, Quantity> resources() {
    return Map.of(
        "cpu", new Quantity("4"),
        "memory", new Quantity("8Gi"),
        "pods", new Quantity(Integer.toString(registration.maxPods())));
  }

  /** Ready when the pod network is: the CNI agent needs the node's pod CIDR. */
  private static NodeCondition readyCondition(boolean ready, Instant now) {
    return new NodeConditionBuilder()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .withReason(ready ? "KubeletReady" : "KubeletNotReady")
        .withMessage(
            ready
                ? "kubelet is posting ready status"
                : "runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady"
                    + " message:Network plugin returns error: cni plugin not initialized")
        .withLastHeartbeatTime(now.toString())
        .withLastTransitionTime(now.toString())
        .build();
  }

  private void heartbeat(Node node, boolean ready) {
    Instant now = Instant.now();
    if (ready == lastReady && Duration.between(lastHeartbeat, now).compareTo(HEARTBEAT) < 0) {
      return;
    }
    List<NodeCondition> conditions = new ArrayList<>();
    if (node.getStatus() != null && node.getStatus().getConditions() != null) {
      for (NodeCondition c : node.getStatus().getConditions()) {
        if (!"Ready".equals(c.getType())) {
          conditions.add(c);
        }
      }
    }
    conditions.add(readyCondition(ready, now));
    node.getStatus().setConditions(conditions);
    try {
      client.nodes().resource(node).updateStatus();
      lastReady = ready;
      lastHeartbeat = now;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409 && e.getCode() != 404) {
        throw e;
      }
      // changed meanwhile (a cordon, the CIDR) or deleted: next tick
    }
  }

  private static String firstCidr(Node node) {
    if (node.getSpec() == null) {
      return null;
    }
    List<String> cidrs = node.getSpec().getPodCIDRs();
    if (cidrs != null && !cidrs.isEmpty()) {
      return cidrs.get(0);
    }
    return node.getSpec().getPodCIDR();
  }

  private void syncPod(Pod pod, Node node, String cidr) {
    String uid = pod.getMetadata().getUid();
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      Instant since = terminatingSince.computeIfAbsent(uid, u -> Instant.now());
      if (Duration.between(since, Instant.now()).compareTo(terminationDelay) >= 0) {
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
        terminatingSince.remove(uid);
      }
      return;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return;
    }
    if (runsKubeletRestart(pod)) {
      if (restartPodsDone.add(uid)) {
        doRestart();
      }
      writeStatus(pod, finished(pod));
      return;
    }
    if (node == null) {
      return; // the Node is gone: this kubelet cannot report status until it restarts
    }
    boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
    boolean agent = isCniAgent(pod);
    boolean ready = agent ? cidr != null && !agentResetPending : true;
    String ip;
    if (hostNetwork) {
      ip = registration.nodeIp();
    } else {
      if (cidr == null) {
        return; // no pod network: the sandbox cannot be created (FailedCreatePodSandBox)
      }
      String had = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      ip = had != null && !had.isEmpty() ? had : podIps.computeIfAbsent(uid, u -> nextIp());
    }
    if ("Running".equals(phase) && isReady(pod) == ready && ip.equals(pod.getStatus().getPodIP())) {
      return;
    }
    writeStatus(pod, running(pod, ip, ready));
    if (!hostNetwork) {
      podIps.put(uid, ip);
    }
  }

  private static boolean isReady(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return false;
    }
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static boolean isCniAgent(Pod pod) {
    return pod.getMetadata().getOwnerReferences().stream()
        .anyMatch(o -> "DaemonSet".equals(o.getKind()) && CNI_AGENT_DAEMONSET.equals(o.getName()));
  }

  /**
   * Whether the pod restarts this kubelet when it runs: a privileged container in the host's PID
   * namespace whose command ends in {@code systemctl restart kubelet} (through {@code nsenter -t
   * 1}), which is what it takes on a real node.
   */
  static boolean runsKubeletRestart(Pod pod) {
    if (!Boolean.TRUE.equals(pod.getSpec().getHostPID())) {
      return false;
    }
    for (Container container : pod.getSpec().getContainers()) {
      boolean privileged =
          container.getSecurityContext() != null
              && Boolean.TRUE.equals(container.getSecurityContext().getPrivileged());
      List<String> command = new ArrayList<>();
      if (container.getCommand() != null) {
        command.addAll(container.getCommand());
      }
      if (container.getArgs() != null) {
        command.addAll(container.getArgs());
      }
      String line = String.join(" ", command);
      if (privileged && line.contains("nsenter") && line.endsWith("systemctl restart kubelet")) {
        return true;
      }
    }
    return false;
  }

  private String nextIp() {
    String network = ipCidr.substring(0, ipCidr.indexOf('/'));
    String[] octets = network.split("\\.");
    long base =
        (Long.parseLong(octets[0]) << 24)
            | (Long.parseLong(octets[1]) << 16)
            | (Long.parseLong(octets[2]) << 8)
            | Long.parseLong(octets[3]);
    long address = base + nextHost++;
    return ((address >> 24) & 255)
        + "."
        + ((address >> 16) & 255)
        + "."
        + ((address >> 8) & 255)
        + "."
        + (address & 255);
  }

  private PodStatus running(Pod pod, String ip, boolean ready) {
    String now = Instant.now().toString();
    List<ContainerStatus> containers = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      containers.add(
          new ContainerStatusBuilder()
              .withName(c.getName())
              .withImage(c.getImage())
              .withImageID("")
              .withReady(ready)
              .withStarted(true)
              .withRestartCount(0)
              .withState(new ContainerStateBuilder().withNewRunning(now).build())
              .build());
    }
    return new PodStatusBuilder()
        .withPhase("Running")
        .withHostIP(registration.nodeIp())
        .withPodIP(ip)
        .withPodIPs(new PodIPBuilder().withIp(ip).build())
        .withStartTime(
            pod.getStatus() != null && pod.getStatus().getStartTime() != null
                ? pod.getStatus().getStartTime()
                : now)
        .withConditions(
            condition("Initialized", true, now),
            condition("Ready", ready, now),
            condition("ContainersReady", ready, now),
            condition("PodScheduled", true, now))
        .withContainerStatuses(containers)
        .withQosClass(pod.getStatus() == null ? null : pod.getStatus().getQosClass())
        .build();
  }

  private PodStatus finished(Pod pod) {
    String now = Instant.now().toString();
    List<ContainerStatus> containers = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      containers.add(
          new ContainerStatusBuilder()
              .withName(c.getName())
              .withImage(c.getImage())
              .withImageID("")
              .withReady(false)
              .withRestartCount(0)
              .withState(
                  new ContainerStateBuilder()
                      .withNewTerminated()
                      .withExitCode(0)
                      .withReason("Completed")
                      .withFinishedAt(now)
                      .endTerminated()
                      .build())
              .build());
    }
    return new PodStatusBuilder()
        .withPhase("Succeeded")
        .withHostIP(registration.nodeIp())
        .withConditions(condition("Ready", false, now), condition("PodScheduled", true, now))
        .withContainerStatuses(containers)
        .withQosClass(pod.getStatus() == null ? null : pod.getStatus().getQosClass())
        .build();
  }

  private static PodCondition condition(String type, boolean status, String now) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withLastTransitionTime(now)
        .build();
  }

  private void writeStatus(Pod pod, PodStatus status) {
    pod.setStatus(status);
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409 && e.getCode() != 404) {
        throw e;
      }
      // changed or gone meanwhile: the next tick sees it again
    }
  }
}
