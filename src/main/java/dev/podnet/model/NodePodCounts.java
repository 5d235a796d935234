package dev.podnet.model;

/**
 * Pods counted per node while streaming, without keeping them.
 *
 * @param total pods bound to the node
 * @param podNetwork running pods that use the pod network (not hostNetwork): they hold an IP
 * @param waitingForSandbox pods waiting for a sandbox on that node
 */
public record NodePodCounts(int total, int podNetwork, int waitingForSandbox) {
  public static final NodePodCounts EMPTY = new NodePodCounts(0, 0, 0);
}
