package dev.podnet.cli;

import picocli.CommandLine.Option;

/** How to reach the live cluster, as kubectl would: every command that talks to the API. */
final class ClusterOptions {
  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Kubeconfig file (default: KUBECONFIG, ~/.kube/config, or the in-cluster service account).")
  String kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", description = "Kubeconfig context to use.")
  String context;

  @Option(
      names = "--request-timeout",
      paramLabel = "SECONDS",
      description = "Give up on an API request after this long (default: ${DEFAULT-VALUE}).")
  long requestTimeout = 30;

  /** True when a kubeconfig or a context was named. */
  boolean named() {
    return kubeconfig != null || context != null;
  }

  FixRuns.Connection connection() {
    return new FixRuns.Connection(kubeconfig, context, requestTimeout);
  }
}
