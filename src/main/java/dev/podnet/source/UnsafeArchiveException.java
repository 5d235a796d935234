package dev.podnet.source;

import java.io.IOException;

/**
 * An archive was refused: a hostile or broken entry, truncation, or a size beyond the {@link
 * ArchiveLimits}. The message is one line naming the archive and the entry.
 */
public final class UnsafeArchiveException extends IOException {
  private static final long serialVersionUID = 1L;

  public UnsafeArchiveException(String message) {
    super(message);
  }

  public UnsafeArchiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
