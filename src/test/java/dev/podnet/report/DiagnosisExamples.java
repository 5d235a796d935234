package dev.podnet.report;

import dev.podnet.check.AffectedPod;
import dev.podnet.check.Diagnosis;
import dev.podnet.check.Evidence;
import dev.podnet.check.Finding;
import dev.podnet.check.NextStep;
import dev.podnet.check.Table;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import dev.podnet.model.SourceInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Diagnoses built by hand for the renderer tests. The messages follow the real formats quoted in
 * {@code shared/reference/cni-config-and-messages.md}: containerd's CRI wrapper, libcni's {@code
 * plugin type="flannel" failed (add)}, flannel's delegation to bridge and host-local.
 */
final class DiagnosisExamples {
  static final SourceInfo ARCHIVE =
      new SourceInfo("snapshot-archive", "incident-4711.tar.gz", null, "2024-05-14T03:12:09Z");

  private DiagnosisExamples() {}

  /**
   * Flannel cluster of three nodes: worker-1's host-local range is full and 18 pods wait for a
   * sandbox there; the flannel agent on worker-2 keeps restarting but no pod is stuck yet.
   */
  static Diagnosis ipamExhaustedOnWorker1() {
    return new Diagnosis(
        "diagnose",
        ARCHIVE,
        new Diagnosis.Summary(3, 18, 18, 2, 1, 1, 0),
        List.of(ipamExhausted(), agentRestarting()),
        List.of(),
        List.of(
            new Diagnosis.NotCollected(
                "nodes/worker-1/var/lib/cni/networks/cbr0",
                "no node files were collected for worker-1; run podnet bundle on the node to add"
                    + " them",
                List.of("host-local-leaks", "ipam-capacity"))),
        List.of(
            new Diagnosis.SkippedCheck(
                "ipam-capacity",
                "needs the host-local state of each node (nodes/<node>/var/lib/cni/networks) or"
                    + " an IP pool CRD; neither was collected")));
  }

  static Diagnosis healthy() {
    return new Diagnosis(
        "diagnose",
        new SourceInfo("live", "https://10.0.0.1:6443", "prod-eu-1", null),
        new Diagnosis.Summary(3, 0, 0, 0, 0, 0, 0),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  /**
   * {@code podnet cidr} on the flannel cluster of {@link #ipamExhaustedOnWorker1}: every layer
   * states 10.244.0.0/16 except kube-proxy, which was left at an older range; worker-1's /24 is
   * full; worker-3's host-local state was not collected.
   */
  static Diagnosis cidrWithTwoTables() {
    Table layers =
        new Table(
            "layers",
            "Cluster CIDR by layer",
            List.of("LAYER", "SOURCE", "VALUE"),
            List.of(
                List.of("kubeadm", "configmap kube-system/kubeadm-config", "10.244.0.0/16"),
                List.of("controller-manager", "--cluster-cidr", "10.244.0.0/16"),
                List.of("flannel", "configmap kube-flannel/kube-flannel-cfg", "10.244.0.0/16"),
                List.of("kube-proxy", "--cluster-cidr | clusterCIDR", "10.32.0.0/12"),
                List.of("kubelet", "--pod-cidr", "-")));
    Table nodes =
        new Table(
            "nodes",
            "Nodes",
            List.of("NODE", "POD CIDR", "USABLE", "USED", "FREE", "USE%"),
            List.of(
                List.of("control-plane-1", "10.244.0.0/24", "253", "9", "244", "4%"),
                List.of("worker-1", "10.244.1.0/24", "253", "253", "0", "100%"),
                List.of("worker-2", "10.244.2.0/24", "253", "220", "33", "87%"),
                List.of("worker-3", "10.244.3.0/24", "253", "-", "-", "-")));
    Finding kubeProxy =
        new Finding(
            "cidr-layers",
            RootCause.CIDR_CONFLICT,
            Severity.WARNING,
            Finding.CLUSTER,
            "kube-proxy clusterCIDR 10.32.0.0/12 differs from the cluster CIDR 10.244.0.0/16",
            "kube-proxy treats traffic from 10.244.0.0/16 as coming from outside the cluster and"
                + " masquerades it.",
            List.of(),
            List.of(),
            List.of(
                new Evidence(
                    "configmap",
                    "configmap kube-system/kube-proxy",
                    "config.conf: clusterCIDR: 10.32.0.0/12")),
            List.of(
                new NextStep(
                    "Set clusterCIDR to 10.244.0.0/16 and restart kube-proxy",
                    "kubectl -n kube-system edit configmap kube-proxy")));
    return new Diagnosis(
        "cidr",
        ARCHIVE,
        new Diagnosis.Summary(4, 0, 0, 0, 0, 1, 0),
        List.of(kubeProxy),
        List.of(layers, nodes),
        List.of(),
        List.of());
  }

  private static final String[][] STUCK_PODS = {
    // namespace, name, attempts, first seen, last seen
    {"monitoring", "grafana-7b9c5d6f8-kq2zt", "21", "2024-05-14T02:41:07Z", "2024-05-14T03:11:52Z"},
    {
      "monitoring",
      "kube-state-metrics-6f4d8b7c9-h7v2m",
      "19",
      "2024-05-14T02:43:30Z",
      "2024-05-14T03:11:40Z"
    },
    {
      "monitoring",
      "prometheus-server-5d9f7c8b6-tr8wq",
      "18",
      "2024-05-14T02:44:02Z",
      "2024-05-14T03:11:31Z"
    },
    {"shop", "cart-6d8f7b9c4-2xkqp", "23", "2024-05-14T02:39:55Z", "2024-05-14T03:11:58Z"},
    {"shop", "cart-6d8f7b9c4-9fzlm", "22", "2024-05-14T02:40:13Z", "2024-05-14T03:11:49Z"},
    {"shop", "catalog-84c6b9d7f5-4nqsd", "17", "2024-05-14T02:47:21Z", "2024-05-14T03:11:20Z"},
    {"shop", "catalog-84c6b9d7f5-vx6tj", "17", "2024-05-14T02:47:22Z", "2024-05-14T03:11:18Z"},
    {"shop", "checkout-5f7c9d8b4-jw5rc", "16", "2024-05-14T02:49:48Z", "2024-05-14T03:11:07Z"},
    {"shop", "checkout-5f7c9d8b4-lp3xn", "16", "2024-05-14T02:49:50Z", "2024-05-14T03:11:05Z"},
    {"shop", "frontend-7c8d9f6b5-2mhkw", "14", "2024-05-14T02:53:11Z", "2024-05-14T03:10:51Z"},
    {"shop", "frontend-7c8d9f6b5-qz8tv", "14", "2024-05-14T02:53:12Z", "2024-05-14T03:10:49Z"},
    {"shop", "frontend-7c8d9f6b5-xr4ds", "13", "2024-05-14T02:54:40Z", "2024-05-14T03:10:44Z"},
    {"shop", "payments-6b7f8c9d5-8kgwz", "11", "2024-05-14T02:58:03Z", "2024-05-14T03:10:30Z"},
    {
      "shop", "recommendations-9d8c7b6f5-5tnbj", "9", "2024-05-14T03:01:37Z", "2024-05-14T03:10:12Z"
    },
    {"shop", "search-5c7d9b8f6-w9lmn", "7", "2024-05-14T03:04:15Z", "2024-05-14T03:09:58Z"},
    {"shop", "shipping-78d9c6b5f4-c2vqh", "5", "2024-05-14T03:06:49Z", "2024-05-14T03:09:40Z"},
    {"shop", "shipping-78d9c6b5f4-ndx7p", "4", "2024-05-14T03:07:26Z", "2024-05-14T03:09:31Z"},
    {"shop", "worker-65f8d7c9b4-rb6zj", "2", "2024-05-14T03:09:02Z", "2024-05-14T03:09:24Z"},
  };

  static final String INNERMOST = "no IP addresses available in range set: 10.244.1.1-10.244.1.254";

  static String flannelExhausted(String sandboxId) {
    return "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network"
        + " for sandbox \""
        + sandboxId
        + "\": plugin type=\"flannel\" failed (add): failed to delegate add: failed to allocate"
        + " for range 0: "
        + INNERMOST;
  }

  private static Finding ipamExhausted() {
    List<AffectedPod> pods = new ArrayList<>();
    long attempts = 0;
    for (String[] pod : STUCK_PODS) {
      long podAttempts = Long.parseLong(pod[2]);
      attempts += podAttempts;
      pods.add(
          new AffectedPod(
              pod[0], pod[1], "worker-1", podAttempts, (int) podAttempts, pod[3], pod[4]));
    }
    List<String> kubeletLog = new ArrayList<>();
    for (int second = 0; second < 12; second++) {
      kubeletLog.add(
          String.format(
              "May 14 03:11:%02d worker-1 kubelet[1187]: E0514 03:11:%02d.4123%02d    1187"
                  + " log.go:32] \"RunPodSandbox from runtime service failed\" err=\"rpc error:"
                  + " code = Unknown desc = failed to setup network for sandbox: plugin"
                  + " type=\\\"flannel\\\" failed (add): failed to delegate add: failed to"
                  + " allocate for range 0: %s\"",
              40 + second, 40 + second, second, INNERMOST));
    }
    return new Finding(
        "sandbox-failures",
        RootCause.IPAM_EXHAUSTED,
        Severity.CRITICAL,
        "worker-1",
        "No free pod IP addresses on worker-1",
        "18 pods cannot get a sandbox on worker-1 ("
            + attempts
            + " failed attempts). Innermost error: "
            + INNERMOST
            + ".",
        List.of("worker-1"),
        pods,
        List.of(
            new Evidence(
                "classification",
                "18 pods",
                "innermost error \""
                    + INNERMOST
                    + "\" -> ipam_exhausted (rule host-local-range-full), confidence high,"
                    + " plugin flannel"),
            new Evidence(
                "event",
                "pod monitoring/grafana-7b9c5d6f8-kq2zt",
                "FailedCreatePodSandBox (x21): "
                    + flannelExhausted(
                        "7f1c2a9e4b6d8f03a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1")),
            new Evidence(
                "node-spec",
                "node worker-1",
                "spec.podCIDR 10.244.1.0/24 gives 254 pod addresses; status.capacity.pods is 250"
                    + " and 232 pods hold an address"),
            new Evidence("log", "node worker-1 kubelet", String.join("\n", kubeletLog)),
            new Evidence(
                "distribution",
                "worker-1",
                "failures on 1 node of 3: clustered, so look at what these nodes have in common")),
        List.of(
            new NextStep(
                "Read the sandbox error of a stuck pod",
                "kubectl -n monitoring describe pod grafana-7b9c5d6f8-kq2zt | sed -n"
                    + " '/^Events:/,$p'"),
            new NextStep(
                "Count the pods holding an IP on worker-1",
                "kubectl get pods -A -o wide --field-selector"
                    + " spec.nodeName=worker-1,status.phase=Running"),
            new NextStep(
                "Reclaim leaked reservations: compare the host-local state with the sandboxes that"
                    + " still exist",
                "kubectl debug node/worker-1 -it --image=busybox -- chroot /host sh -c 'ls"
                    + " /var/lib/cni/networks/*/; crictl pods -q'"),
            new NextStep(
                "Enlarge the pool: widen the host-local range in the CNI config or the node's pod"
                    + " CIDR (node mask), or add an IP pool; a node's pod CIDR is immutable, so a"
                    + " wider one means re-registering the node",
                null),
            new NextStep(
                "Verify recovery: delete a stuck pod and watch its replacement get an IP",
                "kubectl -n monitoring delete pod grafana-7b9c5d6f8-kq2zt && kubectl -n"
                    + " monitoring get pods -o wide --field-selector spec.nodeName=worker-1 -w")));
  }

  private static Finding agentRestarting() {
    return new Finding(
        "cni-agents",
        RootCause.AGENT_NOT_READY,
        Severity.WARNING,
        "worker-2",
        "CNI agent not ready on worker-2",
        "The flannel agent kube-flannel/kube-flannel-ds-7xk2p on worker-2 restarted 14 times;"
            + " it is ready now, but pods scheduled there while it is down will not get a sandbox.",
        List.of("worker-2"),
        List.of(),
        List.of(
            new Evidence(
                "pod-status",
                "pod kube-flannel/kube-flannel-ds-7xk2p",
                "container kube-flannel: ready, 14 restarts; last terminated: Error (exit code 1)"
                    + " at 2024-05-14T03:02:17Z"),
            new Evidence(
                "pod-status",
                "pod kube-flannel/kube-flannel-ds-7xk2p",
                "last log line of the terminated container: E0514 03:02:17.118902 1 main.go:335]"
                    + " Error registering network: failed to configure interface flannel.1: failed"
                    + " to ensure address of interface flannel.1: link has incompatible addresses."
                    + " Remove additional addresses and try again."),
            new Evidence(
                "daemonset",
                "daemonset kube-flannel/kube-flannel-ds",
                "3 desired, 3 ready, 1 restarting more than 5 times")),
        List.of(
            new NextStep(
                "Inspect the CNI agent on the node",
                "kubectl -n kube-flannel describe pod kube-flannel-ds-7xk2p"),
            new NextStep(
                "Read why it failed last time",
                "kubectl -n kube-flannel logs kube-flannel-ds-7xk2p -c kube-flannel --previous"
                    + " --tail=200"),
            new NextStep(
                "Recreate it (its DaemonSet starts a fresh one)",
                "kubectl -n kube-flannel delete pod kube-flannel-ds-7xk2p"),
            new NextStep(
                "Verify recovery: the node reports Ready", "kubectl get node worker-2 -w")));
  }

  /** One finding whose texts carry what breaks naive YAML, Markdown and terminal output. */
  static Diagnosis awkwardText(String evidenceText) {
    Finding finding =
        new Finding(
            "sandbox-failures",
            RootCause.UNKNOWN,
            Severity.INFO,
            "cluster",
            "Unrecognised sandbox failure on 2 nodes | see *evidence* <b>",
            "yes",
            List.of("on", "10.0.0.0/8"),
            List.of(new AffectedPod("a|b", "no", null, 0, 0, null, "2024-05-14T03:12:09Z")),
            List.of(new Evidence("event", "key: value # not a comment", evidenceText)),
            List.of(new NextStep("~ `tick` _under_ [link](x)", "echo 'a | b' ```")));
    Table table =
        new Table(
            "awkward",
            "Cells | with *markup*",
            List.of("A|B", "yes"),
            List.of(List.of("x | y", evidenceText), List.of("-", "10.0.0.0/8 # c")));
    return new Diagnosis(
        "diagnose",
        new SourceInfo("snapshot-dir", "./my snapshot: 2024", null, null),
        new Diagnosis.Summary(2, 1, 1, 2, 0, 0, 1),
        List.of(finding),
        List.of(table),
        List.of(new Diagnosis.NotCollected("cluster/events.json", "absent | empty", List.of())),
        List.of(new Diagnosis.SkippedCheck("x", "kubectl get pods | grep -v Running")));
  }
}
