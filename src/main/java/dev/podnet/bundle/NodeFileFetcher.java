package dev.podnet.bundle;

import java.io.IOException;
import java.io.InputStream;

/**
 * Gets a node's files (CNI configs, plugin listing, CNI state, flannel subnet, runtime logs) as a
 * {@code .tar.gz} stream; {@link PodNodeFileFetcher} does it with a short-lived pod on the node.
 */
public interface NodeFileFetcher extends AutoCloseable {
  /** Receives the node's archive; the fetcher cleans up after it returns or throws. */
  @FunctionalInterface
  interface ArchiveHandler {
    void read(InputStream tarGz) throws IOException;
  }

  /**
   * Fetches one node's files and hands them to the handler.
   *
   * @throws NodeSkipped when the node's files cannot be had (not permitted, did not start in time);
   *     the bundle notes it and goes on
   */
  void fetch(String node, ArchiveHandler handler) throws NodeSkipped, IOException;

  /** Releases what the fetcher holds (a client); nothing by default. */
  @Override
  default void close() {}

  /** A node whose files could not be fetched, and why (one line). */
  final class NodeSkipped extends Exception {
    private static final long serialVersionUID = 1L;

    public NodeSkipped(String reason) {
      super(reason);
    }
  }
}
