package dev.podnet.model;

import java.time.Instant;

/**
 * Events of one reason about one object, aggregated (for example {@code NetworkNotReady} on the
 * pods of a node, or {@code CIDRNotAvailable} on a node).
 */
public record NodeEventSummary(
    String reason,
    String nodeName,
    String objectKind,
    String objectKey,
    long count,
    Instant firstSeen,
    Instant lastSeen,
    String message) {}
