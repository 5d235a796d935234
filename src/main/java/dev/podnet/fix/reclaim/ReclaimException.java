package dev.podnet.fix.reclaim;

/**
 * Why {@code reclaim-ips} could not do what was asked, in one line naming the file or directory: an
 * unreadable root, a state file that is not podnet's, a refused restore. Nothing was changed, or
 * what was changed was rolled back (the message says which).
 */
public final class ReclaimException extends Exception {
  private static final long serialVersionUID = 1L;

  public ReclaimException(String message) {
    super(message);
  }

  public ReclaimException(String message, Throwable cause) {
    super(message, cause);
  }
}
