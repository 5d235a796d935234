package dev.podnet.it.fix;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code podnet fix} command lines the ITs run, with timings fit for the test cluster: the
 * simulated kubelets and the real controllers answer within a second or two, so the waits are tens
 * of seconds instead of minutes, and the executor polls every 100 ms.
 */
final class FixCommands {
  private FixCommands() {}

  /** Options a plan saves (so {@code --plan FILE --apply} and {@code fix resume} reuse them). */
  static List<String> planOptions(String kubeletRestart, Duration evictionTimeout) {
    return List.of(
        "--kubelet-restart",
        kubeletRestart,
        "--poll-interval",
        "100ms",
        "--eviction-timeout",
        evictionTimeout.toSeconds() + "s",
        "--register-timeout",
        "30s",
        "--cidr-timeout",
        "30s",
        "--ready-timeout",
        "30s",
        "--lease-duration",
        "15s");
  }

  /** {@code fix node-cidr --node N... | --all-drifted, -o json --save-plan FILE}. */
  static List<String> plan(
      Path kubeconfig, List<String> nodes, List<String> options, Path savePlan) {
    List<String> args = new ArrayList<>(List.of("fix", "node-cidr"));
    if (nodes.isEmpty()) {
      args.add("--all-drifted");
    }
    for (String node : nodes) {
      args.add("--node");
      args.add(node);
    }
    args.addAll(List.of("--kubeconfig", kubeconfig.toString(), "-o", "json"));
    args.addAll(options);
    if (savePlan != null) {
      args.add("--save-plan");
      args.add(savePlan.toString());
    }
    return args;
  }

  /** {@code fix node-cidr --plan FILE --apply --journal-dir DIR}. */
  static List<String> applyPlan(Path kubeconfig, Path plan, Path journalDir) {
    return List.of(
        "fix",
        "node-cidr",
        "--plan",
        plan.toString(),
        "--apply",
        "--kubeconfig",
        kubeconfig.toString(),
        "--journal-dir",
        journalDir.toString());
  }

  /** {@code fix resume RUN --journal-dir DIR --kubeconfig FILE}. */
  static List<String> resume(Path kubeconfig, String runId, Path journalDir) {
    return List.of(
        "fix",
        "resume",
        runId,
        "--journal-dir",
        journalDir.toString(),
        "--kubeconfig",
        kubeconfig.toString());
  }

  /** {@code fix status RUN --journal-dir DIR}. */
  static List<String> status(String runId, Path journalDir) {
    return List.of("fix", "status", runId, "--journal-dir", journalDir.toString());
  }
}
