package dev.podnet.node;

/** A node root or node folder that cannot be read at all; its message is one line for the user. */
public final class NodeFilesException extends Exception {
  private static final long serialVersionUID = 1L;

  public NodeFilesException(String message) {
    super(message);
  }

  public NodeFilesException(String message, Throwable cause) {
    super(message, cause);
  }
}
