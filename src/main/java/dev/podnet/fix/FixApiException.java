package dev.podnet.fix;

/**
 * A request of the fix to the API server failed: the HTTP status (0 when no answer came: refused
 * connection, timeout) and the server's one-line message. The executor decides from it whether to
 * retry, never the client library.
 */
public final class FixApiException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The status code when the server could not be reached or did not answer in time. */
  public static final int NO_ANSWER = 0;

  private final int code;

  public FixApiException(int code, String message) {
    super(message);
    this.code = code;
  }

  public FixApiException(int code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The HTTP status, or {@link #NO_ANSWER}. */
  public int code() {
    return code;
  }

  /**
   * Whether the same request may succeed a moment later: no answer, a conflict (someone else
   * changed the object: read it again), too many requests, or a server-side error.
   */
  public boolean retryable() {
    return code == NO_ANSWER || code == 409 || code == 429 || code >= 500;
  }

  public boolean notFound() {
    return code == 404;
  }

  /** {@code HTTP 500: message}, or {@code no answer: message}. */
  public String describe() {
    return (code == NO_ANSWER ? "no answer" : "HTTP " + code) + ": " + getMessage();
  }
}
