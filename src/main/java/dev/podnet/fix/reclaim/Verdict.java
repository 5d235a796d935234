package dev.podnet.fix.reclaim;

/** What {@code reclaim-ips} decided about one reservation, and what it did. */
public enum Verdict {
  /** All guards agree; released with {@code --apply}. */
  RELEASABLE("releasable"),
  /** Moved to the backup folder by this run. */
  RELEASED("released"),
  /** Looks leaked, but not yet seen so by two observations the cooldown apart. */
  WAITING("waiting"),
  /** A running sandbox or a pod in the API holds the address. */
  IN_USE("in use"),
  /**
   * The runtime still has the sandbox, stopped: removing it ({@code crictl rmp}) runs the CNI DEL
   * that releases the address the proper way.
   */
  SANDBOX_STOPPED("sandbox stopped"),
  /** Reserved after the sandbox list was saved, so the list cannot speak for it. */
  TOO_NEW("too new"),
  /** Looks leaked, but a guard could not be checked (the API could not be read). */
  BLOCKED("blocked"),
  /** The sandbox list was not read, so nothing is known about its holder. */
  UNKNOWN("unknown"),
  /** Not a regular file: host-local writes nothing else, so podnet does not touch it. */
  LEFT_ALONE("left alone"),
  /** Its content changed between reading and moving; left (or put back) where it was. */
  CHANGED("changed");

  private final String label;

  Verdict(String label) {
    this.label = label;
  }

  /** The word shown in the table and the JSON, e.g. {@code in use}. */
  public String label() {
    return label;
  }

  /** Whether it looked leaked in this observation (and so counts towards the cooldown). */
  public boolean leaked() {
    return this == RELEASABLE || this == RELEASED || this == WAITING || this == BLOCKED;
  }
}
