package dev.podnet.check;

/**
 * A pod a finding concerns.
 *
 * @param attempts sandbox creation attempts seen in events (0 when no event was collected)
 * @param sandboxes distinct sandboxes that failed
 * @param firstSeen RFC 3339, or null
 * @param lastSeen RFC 3339, or null
 */
public record AffectedPod(
    String namespace,
    String name,
    String node,
    long attempts,
    int sandboxes,
    String firstSeen,
    String lastSeen) {}
