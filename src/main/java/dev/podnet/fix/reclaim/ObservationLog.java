package dev.podnet.fix.reclaim;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The observations {@code reclaim-ips} keeps between runs on one node: per reservation that looked
 * leaked, since when. A reservation that stops looking leaked (or changes container id) drops out,
 * so only an unbroken run of agreeing observations counts.
 *
 * @param node the node the observations are of
 * @param lastObservation when the node was last observed, or null before the first
 * @param sightings reservation path to its sighting
 */
public record ObservationLog(
    String node, Instant lastObservation, Map<String, Sighting> sightings) {
  public ObservationLog {
    sightings = java.util.Collections.unmodifiableMap(new TreeMap<>(sightings));
  }

  public static ObservationLog empty(String node) {
    return new ObservationLog(node, null, Map.of());
  }

  public Optional<Sighting> sighting(String path) {
    return Optional.ofNullable(sightings.get(path));
  }

  /** The same log without the given reservations (after they were released). */
  public ObservationLog without(java.util.Collection<String> paths) {
    Map<String, Sighting> kept = new TreeMap<>(sightings);
    paths.forEach(kept::remove);
    return new ObservationLog(node, lastObservation, kept);
  }
}
