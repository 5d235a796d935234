package dev.podnet.fix;

import java.util.List;
import java.util.Map;

/**
 * A short-lived pod podnet runs on one node: the kubelet restart or the canary. It is pinned with
 * {@code nodeName} (no scheduler involved, so a cordoned node takes it), tolerates every taint, is
 * never restarted and carries podnet's labels so that a person can find and remove it.
 *
 * @param command the container command; empty for the image's own
 * @param privileged privileged with the host's PID namespace, for {@code nsenter -t 1}
 */
public record HelperPod(
    String namespace,
    String name,
    String node,
    String image,
    List<String> command,
    boolean privileged,
    Map<String, String> labels) {
  public HelperPod {
    command = List.copyOf(command);
    labels = Map.copyOf(labels);
  }
}
