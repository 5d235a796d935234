package dev.podnet.fix.reclaim;

import java.time.Instant;

/**
 * The verdict on one reservation with the reason in words.
 *
 * @param firstSeen since when it has looked leaked, or null when it does not
 * @param releasableAt the earliest time the cooldown allows releasing it, or null when it does not
 *     look leaked
 */
public record Decision(
    ReservationFile reservation,
    Verdict verdict,
    String why,
    Instant firstSeen,
    Instant releasableAt) {

  public Decision with(Verdict newVerdict, String newWhy) {
    return new Decision(reservation, newVerdict, newWhy, firstSeen, releasableAt);
  }
}
