package dev.podnet.fix;

import java.time.Duration;

/**
 * What the API server answered to one eviction, as a value: the executor's retry policy decides
 * what to do with it.
 *
 * @param code the HTTP status ({@link FixApiException#NO_ANSWER} when none came)
 * @param message the server's message
 * @param cause the {@code DisruptionBudget} cause text, e.g. {@code The disruption budget web needs
 *     2 healthy pods and has 2 currently}; empty when the server gave none
 * @param retryAfter the {@code Retry-After} the server asked for; {@link Duration#ZERO} when none
 */
public record EvictionResult(
    Outcome outcome, int code, String message, String cause, Duration retryAfter) {

  /** The kinds of answer the drain tells apart. */
  public enum Outcome {
    /** Accepted: the pod is being deleted. */
    EVICTED,
    /** The pod is gone already: done. */
    NOT_FOUND,
    /** 429: a PodDisruptionBudget does not allow it now; retry later. */
    BLOCKED,
    /** 500: more than one PodDisruptionBudget selects the pod; retrying cannot help. */
    MULTIPLE_PDBS,
    /** Anything else. */
    ERROR
  }

  /**
   * The server's text for more than one PDB on a pod (pkg/registry/core/pod/storage/eviction.go).
   */
  public static final String MULTIPLE_PDBS_MESSAGE =
      "This pod has more than one PodDisruptionBudget, which the eviction subresource does not"
          + " support.";

  public static EvictionResult evicted() {
    return new EvictionResult(Outcome.EVICTED, 201, "", "", Duration.ZERO);
  }

  public static EvictionResult notFound(String message) {
    return new EvictionResult(Outcome.NOT_FOUND, 404, message, "", Duration.ZERO);
  }

  public static EvictionResult blocked(String message, String cause, Duration retryAfter) {
    return new EvictionResult(Outcome.BLOCKED, 429, message, cause, retryAfter);
  }

  /**
   * Any other answer; a 500 with the multiple-PDB message becomes {@link Outcome#MULTIPLE_PDBS}.
   */
  public static EvictionResult error(int code, String message) {
    Outcome outcome =
        code == 500 && message != null && message.contains("more than one PodDisruptionBudget")
            ? Outcome.MULTIPLE_PDBS
            : Outcome.ERROR;
    return new EvictionResult(outcome, code, message == null ? "" : message, "", Duration.ZERO);
  }

  /** Whether an {@link Outcome#ERROR} may go away on its own (no answer, 409, 429, 5xx). */
  public boolean retryable() {
    return new FixApiException(code, message).retryable();
  }
}
