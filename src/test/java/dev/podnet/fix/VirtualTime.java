package dev.podnet.fix;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when the run sleeps; each sleep lets the fake cluster's controllers run.
 */
final class VirtualTime extends Clock {
  private Instant now;
  private FakeCluster cluster;
  private long sleeps;

  VirtualTime(Instant start) {
    this.now = start;
  }

  void drive(FakeCluster cluster) {
    this.cluster = cluster;
  }

  /** The executor's sleeper: time passes, the controllers act. */
  FixExecutor.Sleeper sleeper() {
    return duration -> advance(duration);
  }

  void advance(Duration duration) {
    sleeps++;
    now = now.plus(duration);
    if (cluster != null) {
      cluster.tick();
    }
  }

  long sleeps() {
    return sleeps;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
