package dev.podnet.node.logs;

import java.time.Duration;
import java.util.List;

/**
 * What a scan of one log found: totals over the whole input and one {@link CauseSummary} per root
 * cause seen, in {@code RootCause} order.
 *
 * @param name the name the caller gave the log (a path, {@code journalctl -u kubelet})
 * @param lines lines read (a last line without a newline counts)
 * @param bytes bytes read
 * @param candidateLines lines the byte-level prefilter passed on to be decoded
 * @param matchedLines sandbox/CNI failure lines: the sum of the causes' counts
 * @param truncatedLines lines longer than {@link ScanOptions#maxLineBytes()}; only their start was
 *     read
 * @param undatedLines failure lines without a readable timestamp (counted, not in the histogram)
 * @param bucket the histogram's bucket width
 * @param yearSource where the year of year-less timestamps came from
 * @param classifications how many times the catalog actually ran (the rest came from the cache)
 */
public record LogSummary(
    String name,
    long lines,
    long bytes,
    long candidateLines,
    long matchedLines,
    long truncatedLines,
    long undatedLines,
    Duration bucket,
    YearSource yearSource,
    long classifications,
    List<CauseSummary> causes) {

  /** Where the year of timestamps printed without one was taken from. */
  public enum YearSource {
    /** Every timestamp carried its year, or there were none. */
    NOT_NEEDED,
    /** Given by the caller ({@link ScanOptions#year()}). */
    GIVEN,
    /** Taken from the first ISO timestamp in the file. */
    FROM_FILE,
    /** Unknown: year-less times are reported as month, day and time only. */
    UNKNOWN
  }

  public LogSummary {
    causes = List.copyOf(causes);
  }
}
