package dev.podnet.model;

import java.util.Locale;

/** How bad a finding is; decides the exit code (DESIGN.md section 1). */
public enum Severity {
  CRITICAL,
  WARNING,
  INFO;

  /** The lower-case id used in outputs. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
