package dev.podnet.node.logs;

import dev.podnet.classify.CauseCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny entry point for {@code bench/logs.sh}: scans one file and prints the summary in a few
 * lines, so the whole-process time and memory can be compared with {@code grep -c}.
 *
 * <p>{@code java -cp podnet.jar dev.podnet.node.logs.LogScanBench FILE [--year 2026] [--threads
 * N]}; with {@code --anchors} instead of a file it prints the prefilter's anchors, one per line.
 */
public final class LogScanBench {

  private LogScanBench() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      throw new IllegalArgumentException(
          "usage: LogScanBench FILE [--year YYYY] [--threads N] | LogScanBench --anchors");
    }
    if (args[0].equals("--anchors")) {
      // The words the prefilter searches for, one per line: for grep -F -f, the same search alone.
      for (String anchor : Prefilter.forCatalog(CauseCatalog.load()).anchors()) {
        System.out.println(anchor);
      }
      return;
    }
    ScanOptions options = ScanOptions.DEFAULTS;
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--year" -> options = options.withYear(Integer.valueOf(args[i + 1]));
        case "--threads" -> options = options.withThreads(Integer.parseInt(args[i + 1]));
        default -> {
          throw new IllegalArgumentException("LogScanBench: unknown option " + args[i]);
        }
      }
    }
    Path file = Path.of(args[0]);
    long started = System.nanoTime();
    LogSummary summary;
    try (InputStream in = Files.newInputStream(file)) {
      summary = LogScanner.scan(in, file.toString(), options);
    }
    long elapsed = System.nanoTime() - started;
    print(summary, elapsed, System.out);
  }

  static void print(LogSummary summary, long elapsedNanos, PrintStream out) {
    out.printf(
        "%s: %d lines, %d bytes, %d candidates, %d failure lines, %d truncated, %d undated,"
            + " %d classifications, year %s, scan %.3f s%n",
        summary.name(),
        summary.lines(),
        summary.bytes(),
        summary.candidateLines(),
        summary.matchedLines(),
        summary.truncatedLines(),
        summary.undatedLines(),
        summary.classifications(),
        summary.yearSource().name().toLowerCase(java.util.Locale.ROOT),
        elapsedNanos / 1e9);
    for (CauseSummary cause : summary.causes()) {
      out.printf(
          "  %-22s %9d  %s .. %s  %d buckets  %d distinct errors (+%d other)%n",
          cause.cause().id(),
          cause.count(),
          cause.firstSeen(),
          cause.lastSeen(),
          cause.buckets().size(),
          cause.innermostErrors().size(),
          cause.otherInnermostCount());
      if (!cause.innermostErrors().isEmpty()) {
        InnermostError top = cause.innermostErrors().get(0);
        String text = top.text().length() > 110 ? top.text().substring(0, 110) + "…" : top.text();
        out.printf("      top: %d × %s%n", top.count(), text);
      }
    }
  }
}
