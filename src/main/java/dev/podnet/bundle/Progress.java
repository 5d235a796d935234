package dev.podnet.bundle;

import java.io.PrintWriter;

/**
 * Where a bundle run says how far it got: one line rewritten in place with {@code \r} on a
 * terminal, nothing otherwise (a redirected stderr gets only the notes that matter).
 */
public interface Progress {
  /** Shows the current step, e.g. {@code cluster/pods.json: 1500 items}. */
  void update(String line);

  /** Clears the line, so that what is printed next starts clean. */
  void done();

  /** No progress output. */
  static Progress silent() {
    return new Progress() {
      @Override
      public void update(String line) {}

      @Override
      public void done() {}
    };
  }

  /** A single {@code \r}-rewritten line on the given terminal stream. */
  static Progress line(PrintWriter terminal) {
    return new Progress() {
      private int width;

      @Override
      public void update(String line) {
        String shown = line.length() > 100 ? line.substring(0, 100) : line;
        terminal.print("\r" + shown + " ".repeat(Math.max(0, width - shown.length())));
        terminal.flush();
        width = shown.length();
      }

      @Override
      public void done() {
        if (width > 0) {
          terminal.print("\r" + " ".repeat(width) + "\r");
          terminal.flush();
          width = 0;
        }
      }
    };
  }
}
