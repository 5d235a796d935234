package dev.podnet.source;

/**
 * Bounds on what an archive may expand to while {@link ArchiveReader} reads it: a snapshot, a
 * bundle, node files from a pod. Beyond any of them the archive is refused as a likely
 * decompression bomb or a hostile file.
 *
 * @param maxTotalBytes uncompressed bytes of all entries together (headers included)
 * @param maxEntryBytes bytes one entry may declare
 * @param maxEntries number of entries
 * @param maxRatio uncompressed bytes per compressed byte, judged after the first MiB
 */
public record ArchiveLimits(
    long maxTotalBytes, long maxEntryBytes, long maxEntries, long maxRatio) {
  /**
   * Generous enough for a 5,000-node cluster's kubectl output (about 2 GB of pods in one file), no
   * more. The ratio: kubectl JSON and runtime logs gzip 10 to 50 times smaller, DEFLATE at best
   * about 1,030 times (long runs of one byte), so 200 lets every real snapshot through and stops a
   * bomb within its first megabytes.
   */
  public static final ArchiveLimits DEFAULT =
      new ArchiveLimits(16L << 30, 8L << 30, 1_000_000, 200);

  public ArchiveLimits {
    if (maxTotalBytes < 1 || maxEntryBytes < 1 || maxEntries < 1 || maxRatio < 1) {
      throw new IllegalArgumentException("archive limits must be positive");
    }
  }
}
