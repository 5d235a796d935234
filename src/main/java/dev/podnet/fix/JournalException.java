package dev.podnet.fix;

/** A run's journal cannot be read: the message names the file and what is wrong. */
public final class JournalException extends Exception {
  private static final long serialVersionUID = 1L;

  public JournalException(String message) {
    super(message);
  }
}
