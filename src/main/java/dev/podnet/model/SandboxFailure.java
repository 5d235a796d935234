package dev.podnet.model;

import java.time.Instant;
import java.util.List;

/**
 * The {@code FailedCreatePodSandBox} events of one pod, aggregated: event counts summed, first and
 * last seen, distinct sandboxes, and the distinct messages (a bounded sample, newest last).
 *
 * @param nodeName the node the kubelet reported from ({@code source.host} or reportingInstance)
 * @param attempts the sum of the events' {@code count}
 * @param sandboxIds the distinct sandbox ids named in the messages
 * @param messages distinct messages with sandbox ids normalised, at most {@link #MAX_MESSAGES}
 * @param latestMessage the message of the most recent event, verbatim
 */
public record SandboxFailure(
    String namespace,
    String podName,
    String podUid,
    String nodeName,
    long attempts,
    Instant firstSeen,
    Instant lastSeen,
    List<String> sandboxIds,
    List<String> messages,
    String latestMessage) {

  /** How many distinct messages a failure keeps as evidence. */
  public static final int MAX_MESSAGES = 5;

  public SandboxFailure {
    sandboxIds = List.copyOf(sandboxIds);
    messages = List.copyOf(messages);
  }

  /** {@code namespace/name} of the pod. */
  public String podKey() {
    return namespace + "/" + podName;
  }
}
