package dev.podnet.check;

import dev.podnet.model.ClusterModel;
import dev.podnet.model.CniAgent;
import dev.podnet.model.ContainerState;
import dev.podnet.model.NodeEventSummary;
import dev.podnet.model.PodInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The CNI agent pods of a cluster, looked up by node, and what makes one unhealthy. */
final class AgentView {
  /** Restarts above which a ready agent is still worth a warning. */
  static final int RESTART_WARNING = 5;

  private final ClusterModel model;
  private final Map<String, List<PodInfo>> byNode = new HashMap<>();

  AgentView(ClusterModel model) {
    this.model = model;
    for (PodInfo pod : model.agentPods()) {
      if (pod.nodeName() != null) {
        byNode.computeIfAbsent(pod.nodeName(), n -> new ArrayList<>()).add(pod);
      }
    }
  }

  /** The agent that owns a pod. */
  static Optional<CniAgent> agentOf(PodInfo pod) {
    Optional<CniAgent> byOwner =
        "DaemonSet".equals(pod.ownerKind())
            ? CniAgent.byDaemonSet(pod.ownerName())
            : Optional.empty();
    return byOwner.isPresent() ? byOwner : CniAgent.byPodName(pod.name());
  }

  /** The agents running on a node, worst first. */
  List<PodInfo> onNode(String node) {
    return byNode.getOrDefault(node, List.of()).stream()
        .sorted(Comparator.comparing((PodInfo p) -> !unhealthy(p)).thenComparing(PodInfo::key))
        .toList();
  }

  /** The agents of the cluster: those with a pod somewhere, most pods first. */
  List<CniAgent> products() {
    Map<CniAgent, Integer> counts = new HashMap<>();
    for (PodInfo pod : model.agentPods()) {
      agentOf(pod).ifPresent(a -> counts.merge(a, 1, Integer::sum));
    }
    return counts.entrySet().stream()
        .sorted(
            Map.Entry.<CniAgent, Integer>comparingByValue()
                .reversed()
                .thenComparing(e -> e.getKey().product()))
        .map(Map.Entry::getKey)
        .toList();
  }

  /** The namespace the agent's pods run in, from any of its pods. */
  Optional<String> namespaceOf(CniAgent agent) {
    return model.agentPods().stream()
        .filter(p -> agentOf(p).filter(agent::equals).isPresent())
        .map(PodInfo::namespace)
        .findFirst();
  }

  /** The agent pod on a node that serves a plugin type, else the node's worst agent pod. */
  Optional<PodInfo> forPlugin(String node, String pluginType) {
    List<PodInfo> pods = onNode(node);
    Optional<CniAgent> agent = CniAgent.byPluginType(pluginType);
    if (agent.isPresent()) {
      Optional<PodInfo> match =
          pods.stream().filter(p -> agentOf(p).filter(agent.get()::equals).isPresent()).findFirst();
      if (match.isPresent()) {
        return match;
      }
    }
    return pods.stream().findFirst();
  }

  /** True when the agent pod is not running ready, or crash-looping. */
  static boolean unhealthy(PodInfo pod) {
    return !"Running".equals(pod.phase()) || !pod.allContainersReady() || pod.crashLooping();
  }

  /** One line saying what is wrong with an agent pod, in kubectl's words. */
  static String state(PodInfo pod) {
    List<String> parts = new ArrayList<>();
    parts.add("phase " + pod.phase());
    for (ContainerState container : pod.containers()) {
      StringBuilder line = new StringBuilder(container.init() ? "init " : "");
      line.append(container.name()).append(container.ready() ? " ready" : " not ready");
      if (container.waitingReason() != null) {
        line.append(", waiting: ").append(container.waitingReason());
      }
      if (container.restartCount() > 0) {
        line.append(", ").append(container.restartCount()).append(" restarts");
      }
      if (container.lastExitCode() != null) {
        line.append(", last exit code ").append(container.lastExitCode());
        if (container.lastTerminationReason() != null) {
          line.append(" (").append(container.lastTerminationReason()).append(')');
        }
      }
      parts.add(line.toString());
    }
    return String.join("; ", parts);
  }

  /** Evidence about an agent pod: its state, its last termination message, its probe events. */
  List<Evidence> evidence(PodInfo pod) {
    List<Evidence> evidence = new ArrayList<>();
    String subject = "pod " + pod.key();
    evidence.add(new Evidence("pod-status", subject, state(pod)));
    for (ContainerState container : pod.containers()) {
      if (container.lastTerminationMessage() != null
          && !container.lastTerminationMessage().isBlank()) {
        evidence.add(
            new Evidence(
                "pod-status",
                subject,
                container.name()
                    + " last terminated: "
                    + container.lastTerminationMessage().strip()));
      }
    }
    for (NodeEventSummary event : model.nodeEvents()) {
      if ("Pod".equals(event.objectKind()) && pod.key().equals(event.objectKey())) {
        evidence.add(
            new Evidence(
                "event",
                subject,
                event.reason() + " (x" + event.count() + "): " + event.message()));
      }
    }
    return evidence;
  }
}
