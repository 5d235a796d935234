package dev.podnet.node.logs;

import java.time.Duration;

/**
 * How {@link LogScanner} reads a log.
 *
 * @param bucket width of the time histogram buckets (default one hour)
 * @param year year for timestamps that have none (journalctl's short format, klog headers); null
 *     takes it from the file's first ISO timestamp, and without one the times are reported as
 *     month, day and time only
 * @param maxInnermostPerCause distinct innermost errors kept per cause; the rest are counted
 * @param maxLineBytes longer lines are cut to this many bytes (and counted as truncated); only the
 *     part kept is searched and classified; 256 bytes to 512 KiB
 * @param threads scanner threads besides the reading thread; 0 scans on the calling thread
 */
public record ScanOptions(
    Duration bucket, Integer year, int maxInnermostPerCause, int maxLineBytes, int threads) {

  /** One-hour buckets, no year, 20 distinct errors per cause, 64 KiB lines, up to 2 threads. */
  public static final ScanOptions DEFAULTS =
      new ScanOptions(
          Duration.ofHours(1),
          null,
          20,
          64 * 1024,
          Math.min(2, Runtime.getRuntime().availableProcessors()));

  /** The longest line limit: half of the scanner's chunk. */
  public static final int MAX_LINE_BYTES = 512 * 1024;

  public ScanOptions {
    if (bucket == null || bucket.isNegative() || bucket.isZero() || bucket.toSeconds() < 1) {
      throw new IllegalArgumentException("bucket must be at least one second");
    }
    // Below the scanner's chunk size, so that a line filling a chunk is always a truncated one.
    if (maxInnermostPerCause < 1
        || maxLineBytes < 256
        || maxLineBytes > MAX_LINE_BYTES
        || threads < 0) {
      throw new IllegalArgumentException(
          "maxInnermostPerCause >= 1, 256 <= maxLineBytes <= 524288, threads >= 0");
    }
  }

  public ScanOptions withBucket(Duration value) {
    return new ScanOptions(value, year, maxInnermostPerCause, maxLineBytes, threads);
  }

  public ScanOptions withYear(Integer value) {
    return new ScanOptions(bucket, value, maxInnermostPerCause, maxLineBytes, threads);
  }

  public ScanOptions withMaxInnermostPerCause(int value) {
    return new ScanOptions(bucket, year, value, maxLineBytes, threads);
  }

  public ScanOptions withMaxLineBytes(int value) {
    return new ScanOptions(bucket, year, maxInnermostPerCause, value, threads);
  }

  public ScanOptions withThreads(int value) {
    return new ScanOptions(bucket, year, maxInnermostPerCause, maxLineBytes, value);
  }
}
