package dev.podnet.fix;

import java.time.Duration;
import java.time.Instant;

/**
 * The run lock as stored in a coordination.k8s.io Lease.
 *
 * @param holder the run id holding it; empty when released
 * @param resourceVersion for an update that fails when someone else changed it meanwhile
 */
public record LeaseRecord(
    String holder, Instant acquired, Instant renewed, Duration duration, String resourceVersion) {

  /** When the lock lapses unless renewed. */
  public Instant expires() {
    return renewed.plus(duration);
  }

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expires());
  }
}
