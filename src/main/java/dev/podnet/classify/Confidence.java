package dev.podnet.classify;

import java.util.Locale;

/**
 * How sure the catalog is of a classification: {@code HIGH} when a specific rule matched the
 * innermost error, {@code MEDIUM} when only an outer layer or a generic rule matched, {@code LOW}
 * for weak hints, {@code NONE} when nothing matched and the cause is {@code unknown}.
 */
public enum Confidence {
  HIGH,
  MEDIUM,
  LOW,
  NONE;

  /** The stable lower-case id used in every output, e.g. {@code high}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a stable id; throws {@link IllegalArgumentException} naming the id when unknown. */
  public static Confidence fromId(String id) {
    for (Confidence confidence : values()) {
      if (confidence.id().equals(id)) {
        return confidence;
      }
    }
    throw new IllegalArgumentException("unknown confidence '" + id + "'");
  }

  /** The weaker of this and {@code other}; an outer-layer match can never be surer than MEDIUM. */
  public Confidence atMost(Confidence other) {
    return ordinal() >= other.ordinal() ? this : other;
  }
}
