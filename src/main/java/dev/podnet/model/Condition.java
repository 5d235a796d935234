package dev.podnet.model;

import java.time.Instant;

/** One entry of an object's {@code status.conditions}, as the analysis needs it. */
public record Condition(
    String type, String status, String reason, String message, Instant lastTransition) {

  /** True when the condition's status is exactly {@code "True"}. */
  public boolean isTrue() {
    return "True".equals(status);
  }

  /** True when the condition's status is exactly {@code "False"}. */
  public boolean isFalse() {
    return "False".equals(status);
  }
}
