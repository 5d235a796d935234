package dev.podnet.fix;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The cluster-wide lock of a run: the Lease {@code kube-system/podnet-fix}, held by the run id.
 * Another run's unexpired lease refuses the start; an expired one (its run crashed) is taken over;
 * the run's own lease is taken back at once on resume. It is renewed while the run works and
 * released at the end.
 */
final class RunLock {
  /** Lost a race for the lease with another writer more often than this: stop. */
  private static final int RACES = 5;

  private final FixCluster cluster;
  private final String runId;
  private final Duration duration;
  private final Clock clock;
  private LeaseRecord held;

  RunLock(FixCluster cluster, String runId, Duration duration, Clock clock) {
    this.cluster = cluster;
    this.runId = runId;
    this.duration = duration;
    this.clock = clock;
  }

  /** Why the lock could not be taken: another run holds it. */
  static final class HeldElsewhere extends Exception {
    private static final long serialVersionUID = 1L;

    HeldElsewhere(String message) {
      super(message);
    }
  }

  /** Takes the lock, or says who holds it and until when. */
  LeaseRecord acquire() throws FixApiException, HeldElsewhere {
    for (int race = 0; race < RACES; race++) {
      Instant now = clock.instant();
      Optional<LeaseRecord> current = cluster.lease();
      try {
        if (current.isEmpty()) {
          held = cluster.createLease(runId, now, duration);
          return held;
        }
        LeaseRecord lease = current.get();
        if (!lease.holder().isEmpty() && !lease.holder().equals(runId) && !lease.expiredAt(now)) {
          throw new HeldElsewhere(
              "run "
                  + lease.holder()
                  + " holds the lock "
                  + FixCluster.NAMESPACE
                  + "/"
                  + FixCluster.LEASE_NAME
                  + " until "
                  + lease.expires()
                  + " (renewed "
                  + lease.renewed()
                  + "); wait for it to finish, or resume that run with: podnet fix resume "
                  + lease.holder());
        }
        Instant acquired = lease.holder().equals(runId) ? lease.acquired() : now;
        held =
            cluster.updateLease(
                new LeaseRecord(runId, acquired, now, duration, lease.resourceVersion()));
        return held;
      } catch (FixApiException e) {
        if (e.code() != 409) {
          throw e;
        }
        // someone wrote the lease between our read and our write: read it again
      }
    }
    throw new FixApiException(409, "the lease kept changing under us; try again");
  }

  /** Renews the lock when a third of its duration has passed since the last renewal. */
  void renewIfDue() throws FixApiException, HeldElsewhere {
    if (held == null) {
      return;
    }
    Instant now = clock.instant();
    if (Duration.between(held.renewed(), now).compareTo(duration.dividedBy(3)) < 0) {
      return;
    }
    try {
      held =
          cluster.updateLease(
              new LeaseRecord(runId, held.acquired(), now, duration, held.resourceVersion()));
    } catch (FixApiException e) {
      if (e.code() != 409 && !e.notFound()) {
        throw e;
      }
      // changed or removed under us: take it again if nobody else holds it
      acquire();
    }
  }

  /** How often {@link #renewIfDue} must be called at the least. */
  Duration renewEvery() {
    return duration.dividedBy(3);
  }

  /**
   * Releases the lock if this run still holds it: the holder is cleared with the lease's resource
   * version as precondition, so a run that took it over meanwhile keeps it.
   *
   * @return whether this run held it
   */
  boolean release() throws FixApiException {
    Optional<LeaseRecord> current = cluster.lease();
    boolean ours = current.isPresent() && current.get().holder().equals(runId);
    if (ours) {
      LeaseRecord lease = current.get();
      cluster.updateLease(
          new LeaseRecord(
              "", lease.acquired(), clock.instant(), lease.duration(), lease.resourceVersion()));
    }
    held = null;
    return ours;
  }
}
