package dev.podnet.fix.reclaim;

import java.time.Instant;

/**
 * What the observations so far say about one reservation that looked leaked: since when, without a
 * break, it has been seen leaked with the same container id.
 *
 * @param path the reservation file relative to the node root
 * @param containerId the container id the file held every time
 * @param firstSeen the first observation of the unbroken run that saw it leaked
 * @param lastSeen the latest such observation
 * @param observations how many observations saw it leaked in that run
 */
public record Sighting(
    String path, String containerId, Instant firstSeen, Instant lastSeen, int observations) {}
