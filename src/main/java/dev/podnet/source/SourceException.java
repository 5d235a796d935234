package dev.podnet.source;

/**
 * The source could not be read: an unreachable cluster, a malformed or truncated snapshot. The
 * message is one line that names the file or object and what is wrong; the CLI prints it and exits
 * with code 4.
 */
public final class SourceException extends Exception {
  private static final long serialVersionUID = 1L;

  public SourceException(String message) {
    super(message);
  }

  public SourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
