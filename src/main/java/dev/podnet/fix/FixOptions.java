package dev.podnet.fix;

import java.time.Duration;

/**
 * How the plan is to be carried out: chosen on the command line, saved with the plan, so a resumed
 * run behaves as the interrupted one did.
 *
 * @param kubeletRestart {@code manual} or {@code pod}
 * @param restartImage the image of the kubelet-restart pod (needs {@code nsenter})
 * @param canaryImage the image of the canary pod; null when no canary runs
 * @param evictUnreplicated evict pods that declare no controller ({@code kubectl drain --force});
 *     without it a node holding such a pod is refused, at plan time and at apply time alike
 */
public record FixOptions(
    String kubeletRestart,
    String restartImage,
    String canaryImage,
    boolean allowManagedNodes,
    Duration evictionTimeout,
    Duration registerTimeout,
    Duration cidrTimeout,
    Duration readyTimeout,
    Duration pollInterval,
    Duration leaseDuration,
    boolean evictUnreplicated) {

  public static final String MANUAL = "manual";
  public static final String POD = "pod";

  /** The options without {@code evictUnreplicated} (false). */
  public FixOptions(
      String kubeletRestart,
      String restartImage,
      String canaryImage,
      boolean allowManagedNodes,
      Duration evictionTimeout,
      Duration registerTimeout,
      Duration cidrTimeout,
      Duration readyTimeout,
      Duration pollInterval,
      Duration leaseDuration) {
    this(
        kubeletRestart,
        restartImage,
        canaryImage,
        allowManagedNodes,
        evictionTimeout,
        registerTimeout,
        cidrTimeout,
        readyTimeout,
        pollInterval,
        leaseDuration,
        false);
  }

  public static FixOptions defaults() {
    return new FixOptions(
        MANUAL,
        "busybox:1.36",
        null,
        false,
        Duration.ofMinutes(5),
        Duration.ofMinutes(10),
        Duration.ofMinutes(2),
        Duration.ofMinutes(5),
        Duration.ofSeconds(2),
        Duration.ofSeconds(60),
        false);
  }

  public boolean canary() {
    return canaryImage != null;
  }
}
