package dev.podnet.check;

import dev.podnet.model.RootCause;
import java.util.ArrayList;
import java.util.List;

/**
 * The next steps for each root cause, with the real names filled in, in the order the field guides
 * give them: read the delegated error; reclaim leaks and enlarge the pool; clean stale config; heal
 * the agent; restore the datastore; ensure node CIDRs; verify recovery by deleting the stuck pod.
 */
final class Runbook {

  /**
   * What a runbook needs to name.
   *
   * @param node the node concerned, or null for a cluster-wide finding
   * @param pod a stuck pod as {@code namespace/name}, or null
   * @param agentNamespace the namespace of the CNI agent pods, or null when none is known
   * @param agentPod the agent pod on the node, or null
   * @param agentDaemonSet the agent's DaemonSet, or null
   * @param agentContainer the agent's main container, or null
   * @param plugin the CNI plugin type the error chain names, or null
   * @param agentState the state of the agent pod named, which decides how to heal it
   * @param runtimeUnit the systemd unit of the node's container runtime (containerd, crio, docker)
   * @param controllerManagerPod the kube-controller-manager pod, or null
   * @param remediation the catalog's remediation for the classified message, used for causes that
   *     have no command of their own
   */
  record Names(
      String node,
      String pod,
      String agentNamespace,
      String agentPod,
      String agentDaemonSet,
      String agentContainer,
      String plugin,
      AgentState agentState,
      String runtimeUnit,
      String controllerManagerPod,
      List<String> remediation) {

    /**
     * The systemd unit of a runtime named as in {@code status.nodeInfo.containerRuntimeVersion}.
     */
    static String runtimeUnit(String containerRuntimeVersion) {
      if (containerRuntimeVersion == null) {
        return "containerd";
      }
      if (containerRuntimeVersion.startsWith("cri-o")) {
        return "crio";
      }
      if (containerRuntimeVersion.startsWith("docker")) {
        return "kubelet";
      }
      return "containerd";
    }
  }

  /** What the agent pod is doing, as far as healing it goes. */
  enum AgentState {
    /** Runs ready: read its log. */
    HEALTHY,
    /** Its containers never started (image pull, scheduling, init): describe it. */
    NOT_STARTED,
    /** Started and died: read the previous container's log. */
    CRASHED,
    /** Runs but is not ready: read its log and probes. */
    NOT_READY;

    static AgentState of(dev.podnet.model.PodInfo pod) {
      if (!AgentView.unhealthy(pod)) {
        return HEALTHY;
      }
      if (pod.crashLooping() || pod.restarts() > 0) {
        return CRASHED;
      }
      if (!"Running".equals(pod.phase())) {
        return NOT_STARTED;
      }
      return NOT_READY;
    }
  }

  private Runbook() {}

  static List<NextStep> steps(RootCause cause, Names names) {
    List<NextStep> steps = new ArrayList<>();
    readTheError(cause, names, steps);
    switch (cause) {
      case IPAM_EXHAUSTED -> {
        if (names.node() != null) {
          steps.add(
              new NextStep(
                  "Count the pods holding an IP on " + names.node(),
                  "kubectl get pods -A -o wide --field-selector spec.nodeName="
                      + names.node()
                      + ",status.phase=Running"));
          steps.add(
              new NextStep(
                  "Reclaim leaked reservations: compare the host-local state with the sandboxes that"
                      + " still exist",
                  debugNode(names.node(), "sh -c 'ls /var/lib/cni/networks/*/; crictl pods -q'")));
        }
        if ("calico".equals(names.plugin())) {
          steps.add(
              new NextStep(
                  "List Calico's leaked addresses before releasing any",
                  "calicoctl ipam check --show-problem-ips"));
        }
        steps.add(
            new NextStep(
                "Enlarge the pool: widen the host-local range in the CNI config or the node's"
                    + " pod CIDR (node mask), or add an IP pool; a node's pod CIDR is immutable, so"
                    + " a wider one means re-registering the node",
                null));
      }
      case CNI_CONFIG_MISSING, CNI_CONFIG_INVALID, CNI_BINARY_MISSING -> {
        if (names.node() != null) {
          steps.add(
              new NextStep(
                  "See which CNI configs and plugin binaries the runtime finds on " + names.node(),
                  debugNode(names.node(), "sh -c 'ls -la /etc/cni/net.d /opt/cni/bin'")));
          steps.add(
              new NextStep(
                  "Read the runtime's view of the CNI config",
                  debugNode(
                      names.node(),
                      "journalctl -u "
                          + names.runtimeUnit()
                          + " -b --no-pager -n 200 --grep cni")));
        }
        if (cause == RootCause.CNI_CONFIG_INVALID) {
          steps.add(
              new NextStep(
                  "Remove stale or conflicting files from /etc/cni/net.d (the runtime loads the"
                      + " lexicographically first one) and keep only the current CNI's config",
                  null));
        }
        healAgent(names, steps);
      }
      case AGENT_NOT_READY -> healAgent(names, steps);
      case DATASTORE_UNREACHABLE -> {
        if (names.agentNamespace() != null && names.agentDaemonSet() != null) {
          steps.add(
              new NextStep(
                  "Read the agents' own errors about their datastore",
                  "kubectl -n "
                      + names.agentNamespace()
                      + " logs ds/"
                      + names.agentDaemonSet()
                      + container(names)
                      + " --tail=200"));
        }
        steps.add(
            new NextStep(
                "Check the API server behind the kubernetes Service is reachable",
                "kubectl get endpoints kubernetes -o wide"));
        if (names.agentNamespace() != null && names.agentDaemonSet() != null) {
          steps.add(
              new NextStep(
                  "Restore the datastore credentials: restarting the agents rewrites the CNI"
                      + " kubeconfig and its token",
                  "kubectl -n "
                      + names.agentNamespace()
                      + " rollout restart daemonset/"
                      + names.agentDaemonSet()));
        }
      }
      case NODE_CIDR_MISSING -> {
        if (names.node() != null) {
          steps.add(
              new NextStep(
                  "Confirm the node has no pod CIDR",
                  "kubectl get node "
                      + names.node()
                      + " -o jsonpath='{.spec.podCIDR}{\"\\n\"}{.spec.podCIDRs}{\"\\n\"}'"));
        }
        steps.add(
            new NextStep(
                "Compare with the other nodes",
                "kubectl get nodes -o custom-columns=NAME:.metadata.name,CIDR:.spec.podCIDR"));
        if (names.controllerManagerPod() != null) {
          steps.add(
              new NextStep(
                  "Check the controller-manager allocates node CIDRs and from which range",
                  "kubectl -n kube-system get pod "
                      + names.controllerManagerPod()
                      + " -o yaml | grep -E 'allocate-node-cidrs|cluster-cidr|node-cidr-mask-size'"));
          steps.add(
              new NextStep(
                  "Read why it did not allocate one",
                  "kubectl -n kube-system logs "
                      + names.controllerManagerPod()
                      + " | grep -i cidr"));
        }
        if (names.node() != null) {
          steps.add(
              new NextStep(
                  "Re-register the node so it receives a CIDR (the pod CIDR is immutable once set):"
                      + " cordon, drain, delete the Node, restart the kubelet on it",
                  "kubectl cordon "
                      + names.node()
                      + " && kubectl drain "
                      + names.node()
                      + " --ignore-daemonsets --delete-emptydir-data && kubectl delete node "
                      + names.node()));
          steps.add(
              new NextStep(
                  "Restart the kubelet on the host so it registers again",
                  "ssh " + names.node() + " sudo systemctl restart kubelet"));
        }
      }
      default -> {
        if (names.node() != null) {
          steps.add(
              new NextStep(
                  "Read the kubelet and runtime journals on " + names.node(),
                  debugNode(
                      names.node(),
                      "journalctl -u kubelet -u "
                          + names.runtimeUnit()
                          + " -b --no-pager -n 300")));
        }
        for (String remediation : names.remediation()) {
          steps.add(new NextStep(remediation, null));
        }
      }
    }
    verify(names, steps);
    return steps;
  }

  private static void readTheError(RootCause cause, Names names, List<NextStep> steps) {
    if (names.pod() != null) {
      String[] pod = names.pod().split("/", 2);
      steps.add(
          new NextStep(
              "Read the sandbox error of a stuck pod",
              "kubectl -n " + pod[0] + " describe pod " + pod[1] + " | sed -n '/^Events:/,$p'"));
    } else if (names.node() != null && cause != RootCause.NODE_CIDR_MISSING) {
      steps.add(
          new NextStep(
              "Read the node's conditions",
              "kubectl describe node "
                  + names.node()
                  + " | sed -n '/^Conditions:/,/^Addresses:/p'"));
    }
  }

  private static void healAgent(Names names, List<NextStep> steps) {
    if (names.agentPod() != null) {
      String inNamespace = "kubectl -n " + names.agentNamespace();
      switch (names.agentState()) {
        case HEALTHY ->
            steps.add(
                new NextStep(
                    "Read the CNI agent's log on the node (it runs ready: look for errors writing"
                        + " the CNI config)",
                    inNamespace + " logs " + names.agentPod() + container(names) + " --tail=200"));
        case NOT_STARTED ->
            steps.add(
                new NextStep(
                    "See why the CNI agent on the node never started (its events name the image,"
                        + " volume or init container at fault)",
                    inNamespace + " describe pod " + names.agentPod()));
        case CRASHED -> {
          steps.add(
              new NextStep(
                  "Inspect the CNI agent on the node",
                  inNamespace + " describe pod " + names.agentPod()));
          steps.add(
              new NextStep(
                  "Read why it failed last time",
                  inNamespace
                      + " logs "
                      + names.agentPod()
                      + container(names)
                      + " --previous --tail=200"));
        }
        case NOT_READY -> {
          steps.add(
              new NextStep(
                  "Inspect the CNI agent on the node and its readiness probe",
                  inNamespace + " describe pod " + names.agentPod()));
          steps.add(
              new NextStep(
                  "Read its log",
                  inNamespace + " logs " + names.agentPod() + container(names) + " --tail=200"));
        }
      }
      if (names.agentState() != AgentState.HEALTHY) {
        steps.add(
            new NextStep(
                "Once the cause is fixed, recreate it (its DaemonSet starts a fresh one)",
                inNamespace + " delete pod " + names.agentPod()));
      }
    } else if (names.agentDaemonSet() != null && names.node() != null) {
      steps.add(
          new NextStep(
              "Find out why the DaemonSet runs no agent on " + names.node(),
              "kubectl -n "
                  + names.agentNamespace()
                  + " describe daemonset "
                  + names.agentDaemonSet()));
    } else if (names.node() != null) {
      steps.add(
          new NextStep(
              "Find the CNI agent pods of the node",
              "kubectl get pods -A -o wide --field-selector spec.nodeName=" + names.node()));
    }
  }

  private static void verify(Names names, List<NextStep> steps) {
    if (names.pod() != null) {
      String[] pod = names.pod().split("/", 2);
      String watch =
          names.node() == null
              ? "kubectl -n " + pod[0] + " get pods -o wide -w"
              : "kubectl -n "
                  + pod[0]
                  + " get pods -o wide --field-selector spec.nodeName="
                  + names.node()
                  + " -w";
      steps.add(
          new NextStep(
              "Verify recovery: delete a stuck pod and watch its replacement get an IP",
              "kubectl -n " + pod[0] + " delete pod " + pod[1] + " && " + watch));
    } else if (names.node() != null) {
      steps.add(
          new NextStep(
              "Verify recovery: the node reports Ready",
              "kubectl get node " + names.node() + " -w"));
    }
  }

  private static String container(Names names) {
    return names.agentContainer() == null ? "" : " -c " + names.agentContainer();
  }

  /** Runs a command on a node's host through an ephemeral debug pod. */
  static String debugNode(String node, String command) {
    return "kubectl debug node/" + node + " -it --image=busybox -- chroot /host " + command;
  }
}
