package dev.podnet.node.logs;

import dev.podnet.classify.CauseCatalog;
import dev.podnet.classify.Explanation;
import dev.podnet.model.RootCause;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Classifies the sandbox and CNI failure lines of a kubelet, containerd or CRI-O log as a stream.
 *
 * <p>The input is read in 1 MiB chunks cut at line ends. Scanner threads make one pass over a chunk
 * in 8-byte words: they count its newlines and sample it with the byte-level {@link Prefilter},
 * then decode each candidate line (malformed UTF-8 becomes U+FFFD, a trailing CR is dropped), read
 * its timestamp and compute its cache key. A candidate is a line whose first {@link
 * ScanOptions#maxLineBytes()} bytes, the part that is decoded, hold an anchor. The calling thread
 * reads the next chunks meanwhile and then takes the chunks' results strictly in input order and
 * classifies each candidate with the {@link CauseCatalog}. Classifications are cached by the
 * message with the log header, pod fields and long hex ids taken out, so a million retries of one
 * failure cost one classification. Memory is a handful of chunk buffers, a bounded cache and
 * per-cause counters: it does not grow with the size of the log.
 */
public final class LogScanner {

  static final int CHUNK_BYTES = 1 << 20;

  /** Room after a chunk's bytes for its closing newline and for reading one word past its end. */
  private static final int CHUNK_SLACK = 16;

  private static final int CACHE_LIMIT = 8192;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long HIGH = 0x8080808080808080L;
  private static final long ONES = 0x0101010101010101L;

  /** Clock fields kept per candidate line: see {@link Chunk#clocks}. */
  private static final int CLOCK_FIELDS = 8;

  private static final int NO_OFFSET = Integer.MIN_VALUE;

  private final CauseCatalog catalog;
  private final Prefilter prefilter;
  private final ScanOptions options;

  LogScanner(CauseCatalog catalog, ScanOptions options) {
    this.catalog = catalog;
    this.prefilter = Prefilter.forCatalog(catalog);
    this.options = options;
  }

  /** Scans with the bundled catalog and {@link ScanOptions#DEFAULTS}; does not close {@code in}. */
  public static LogSummary scan(InputStream in, String name) throws IOException {
    return scan(in, name, ScanOptions.DEFAULTS);
  }

  /** Scans with time buckets of the given width. */
  public static LogSummary scan(InputStream in, String name, Duration bucket) throws IOException {
    return scan(in, name, ScanOptions.DEFAULTS.withBucket(bucket));
  }

  /** Scans with the bundled catalog and the given options. */
  public static LogSummary scan(InputStream in, String name, ScanOptions options)
      throws IOException {
    return new LogScanner(CauseCatalog.load(), options).run(in, name);
  }

  /** The prefilter in use, for tests. */
  Prefilter prefilter() {
    return prefilter;
  }

  // ---------------------------------------------------------------------------------------------
  // Pipeline

  /**
   * A chunk of whole lines, and what a scanner thread found in it. Chunks are pooled and used again
   * with their arrays, so a scan allocates little besides the candidates' texts and keys.
   */
  private static final class Chunk {
    final byte[] data = new byte[CHUNK_BYTES + CHUNK_SLACK];
    int length;
    boolean cutLongLine;
    long lines;
    long truncated;
    int[] spans = new int[256];
    int spanCount;
    String[] texts = new String[128];
    String[] keys = new String[128];

    /**
     * Per candidate: dated (1 or 0), year (-1 when the line has none), month, day, second of the
     * day (a leap second counts as :59), nanos, offset seconds ({@link #NO_OFFSET} when none),
     * unused.
     */
    int[] clocks = new int[128 * CLOCK_FIELDS];

    /** Where {@link #cacheKey} writes; sized for the longest line on first use. */
    byte[] scratch = new byte[0];

    /** Ready to be filled again: no lines, no candidates. */
    void reset() {
      length = 0;
      cutLongLine = false;
      lines = 0;
      truncated = 0;
      spanCount = 0;
    }

    void span(int start, int end) {
      if (spanCount * 2 + 2 > spans.length) {
        spans = Arrays.copyOf(spans, spans.length * 2);
      }
      spans[spanCount * 2] = start;
      spans[spanCount * 2 + 1] = end;
      spanCount++;
    }
  }

  LogSummary run(InputStream in, String name) throws IOException {
    Tally tally = new Tally(options, catalog);
    int threads = options.threads();
    int inFlight = Math.max(1, threads * 2);
    BlockingQueue<Chunk> pool = new ArrayBlockingQueue<>(inFlight + 2);
    for (int i = 0; i < inFlight + 2; i++) {
      pool.add(new Chunk());
    }
    ExecutorService executor =
        threads == 0
            ? null
            : Executors.newFixedThreadPool(
                threads,
                task -> {
                  Thread thread = new Thread(task, "podnet-log-scan");
                  thread.setDaemon(true);
                  return thread;
                });
    ArrayDeque<Future<Chunk>> pending = new ArrayDeque<>();
    long bytes = 0;
    try {
      byte[] carry = new byte[0];
      int carryLength = 0;
      boolean skipping = false;
      boolean eof = false;
      while (!eof) {
        Chunk chunk = take(pool);
        chunk.reset();
        byte[] data = chunk.data;
        System.arraycopy(carry, 0, data, 0, carryLength);
        int filled = carryLength;
        carryLength = 0;
        while (filled < CHUNK_BYTES) {
          int read = in.read(data, filled, CHUNK_BYTES - filled);
          if (read < 0) {
            eof = true;
            break;
          }
          if (skipping) {
            int newline = indexOf(data, (byte) '\n', filled, filled + read);
            bytes += read;
            if (newline < 0) {
              continue; // still inside the cut line: keep discarding
            }
            skipping = false;
            System.arraycopy(data, newline + 1, data, filled, filled + read - newline - 1);
            filled += read - (newline + 1 - filled);
            continue;
          }
          bytes += read;
          filled += read;
        }
        int lastNewline = lastIndexOf(data, (byte) '\n', filled);
        if (eof) {
          if (filled > 0 && data[filled - 1] != '\n') {
            data[filled++] = '\n'; // the last line has no newline; it still counts
          }
          chunk.length = filled;
        } else if (lastNewline < 0) {
          // One line fills a whole chunk: keep its start as a cut line, drop the rest.
          int keep = Math.min(options.maxLineBytes(), CHUNK_BYTES);
          data[keep] = '\n';
          chunk.length = keep + 1;
          chunk.cutLongLine = true;
          skipping = true;
        } else {
          chunk.length = lastNewline + 1;
          carryLength = filled - chunk.length;
          if (carry.length < carryLength) {
            carry = new byte[CHUNK_BYTES];
          }
          System.arraycopy(data, chunk.length, carry, 0, carryLength);
        }
        if (chunk.length == 0) {
          pool.add(chunk);
          continue;
        }
        if (executor == null) {
          scanChunk(chunk);
          consume(chunk, tally, pool);
        } else {
          pending.add(executor.submit(() -> scanChunk(chunk)));
          while (pending.size() >= inFlight) {
            consume(await(pending.poll()), tally, pool);
          }
        }
      }
      while (!pending.isEmpty()) {
        consume(await(pending.poll()), tally, pool);
      }
    } finally {
      if (executor != null) {
        executor.shutdownNow();
      }
    }
    return tally.summary(name, bytes);
  }

  private static Chunk take(BlockingQueue<Chunk> pool) throws IOException {
    try {
      return pool.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("log scan interrupted");
    }
  }

  private static Chunk await(Future<Chunk> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("log scan interrupted");
    } catch (ExecutionException e) {
      throw new IOException("log scanner thread failed", e.getCause());
    }
  }

  /** Finds the chunk's lines and candidates, then decodes and prepares every candidate. */
  private Chunk scanChunk(Chunk chunk) {
    if (prefilter.sampled()) {
      scanWords(chunk, prefilter, options.maxLineBytes());
    } else {
      scanLines(chunk, prefilter, options.maxLineBytes());
    }
    prepare(chunk, options.maxLineBytes());
    return chunk;
  }

  /**
   * The fast path, one pass over the chunk in 8-byte words. Counts the newlines and the lines
   * longer than {@code limit} (only the first newline of a word can end a long line: the others end
   * lines shorter than eight bytes), and tests the two grams of every word against the prefilter.
   * After a hit the rest of the line is not sampled; its span is recorded at its newline.
   */
  static void scanWords(Chunk chunk, Prefilter prefilter, int limit) {
    byte[] data = chunk.data;
    int length = chunk.length;
    long lines = 0;
    long truncated = chunk.cutLongLine ? 1 : 0;
    int lineStart = 0;
    int open = -1; // start of a candidate line whose newline is still ahead
    int resume = 0; // samples before this position lie in a line already taken
    for (int i = 0; i < length; i += 8) {
      long word = (long) LONGS.get(data, i);
      long zero = equalBytes(word, '\n');
      if (length - i < 8) {
        zero &= (1L << ((length - i) << 3)) - 1; // bytes after the chunk are not newlines
      }
      if (open >= 0 && zero != 0) {
        int end = i + (Long.numberOfTrailingZeros(zero) >>> 3);
        chunk.span(open, end);
        open = -1;
        resume = end + 1;
      }
      if (open < 0) {
        int found = -1;
        int foundLineStart = 0;
        if (i >= resume && prefilter.mayMatch((int) word)) {
          int to = Math.min(length, lineStart + limit);
          long folded = Prefilter.foldCase(word);
          if (prefilter.verifySampled(data, i, (int) folded, folded, lineStart, to) >= 0) {
            found = i;
            foundLineStart = lineStart;
          }
        }
        int at = i + 4;
        if (found < 0 && at >= resume && prefilter.mayMatch((int) (word >>> 32))) {
          long before = zero & 0xFFFFFFFFL;
          int start =
              before == 0 ? lineStart : i + ((63 - Long.numberOfLeadingZeros(before)) >>> 3) + 1;
          long eight = Prefilter.foldCase((word >>> 32) | ((long) LONGS.get(data, i + 8) << 32));
          int to = Math.min(length, start + limit);
          if (prefilter.verifySampled(data, at, (int) eight, eight, start, to) >= 0) {
            found = at;
            foundLineStart = start;
          }
        }
        if (found >= 0) {
          long after = zero & (-1L << ((found - i) << 3));
          if (after != 0) {
            int end = i + (Long.numberOfTrailingZeros(after) >>> 3);
            chunk.span(foundLineStart, end);
            resume = end + 1;
          } else {
            open = foundLineStart;
          }
        }
      }
      if (zero != 0) {
        lines += Long.bitCount(zero);
        int first = i + (Long.numberOfTrailingZeros(zero) >>> 3);
        if (first - lineStart > limit) {
          truncated++;
        }
        lineStart = i + ((63 - Long.numberOfLeadingZeros(zero)) >>> 3) + 1;
      }
    }
    chunk.lines = lines;
    chunk.truncated = truncated;
  }

  /**
   * The general path, line by line, for a catalog with an anchor shorter than the fast path needs
   * or a pattern without any anchor.
   */
  static void scanLines(Chunk chunk, Prefilter prefilter, int limit) {
    byte[] data = chunk.data;
    int length = chunk.length;
    long lines = 0;
    long truncated = chunk.cutLongLine ? 1 : 0;
    int start = 0;
    while (start < length) {
      int end = indexOf(data, (byte) '\n', start, length);
      lines++;
      if (end - start > limit) {
        truncated++;
      }
      if (prefilter.find(data, start, Math.min(end, start + limit)) >= 0) {
        chunk.span(start, end);
      }
      start = end + 1;
    }
    chunk.lines = lines;
    chunk.truncated = truncated;
  }

  /** Decodes each candidate's first {@code limit} bytes, reads its clock, computes its key. */
  private static void prepare(Chunk chunk, int limit) {
    int count = chunk.spanCount;
    if (chunk.texts.length < count) {
      int size = Math.max(count, chunk.texts.length * 2);
      chunk.texts = new String[size];
      chunk.keys = new String[size];
      chunk.clocks = new int[size * CLOCK_FIELDS];
    }
    byte[] data = chunk.data;
    if (chunk.scratch.length < 2 * Math.min(limit, CHUNK_BYTES) + 16) {
      chunk.scratch = new byte[2 * Math.min(limit, CHUNK_BYTES) + 16]; // a key can double '#'s
    }
    byte[] scratch = chunk.scratch;
    LineClock.Reading reading = new LineClock.Reading();
    for (int k = 0; k < count; k++) {
      int start = chunk.spans[k * 2];
      int end = Math.min(chunk.spans[k * 2 + 1], start + limit);
      if (end > start && data[end - 1] == '\r') {
        end--;
      }
      String text = new String(data, start, end - start, StandardCharsets.UTF_8);
      String key = cacheKey(data, start, end, text, scratch);
      if (key == null) {
        key = text; // not plain ASCII: only the same line shares its verdict
      }
      key.hashCode(); // computed here, on the scanner thread; the String keeps it
      chunk.texts[k] = text;
      chunk.keys[k] = key;
      int at = k * CLOCK_FIELDS;
      if (LineClock.read(text, reading)) {
        chunk.clocks[at] = 1;
        chunk.clocks[at + 1] = reading.year;
        chunk.clocks[at + 2] = reading.month;
        chunk.clocks[at + 3] = reading.day;
        chunk.clocks[at + 4] = secondOfDay(reading);
        chunk.clocks[at + 5] = reading.nanos;
        chunk.clocks[at + 6] =
            reading.offsetSeconds == null ? NO_OFFSET : reading.offsetSeconds.intValue();
      } else {
        chunk.clocks[at] = 0;
      }
    }
  }

  /** Hours, minutes and seconds in seconds; a leap second (:60) counts as :59. */
  private static int secondOfDay(LineClock.Reading reading) {
    return reading.hour * 3600 + reading.minute * 60 + Math.min(reading.second, 59);
  }

  private void consume(Chunk chunk, Tally tally, BlockingQueue<Chunk> pool) {
    tally.lines += chunk.lines;
    tally.truncated += chunk.truncated;
    int[] clocks = chunk.clocks;
    for (int k = 0; k < chunk.spanCount; k++) {
      tally.candidate(chunk.keys[k], chunk.texts[k], clocks, k * CLOCK_FIELDS);
      chunk.texts[k] = null;
      chunk.keys[k] = null;
    }
    chunk.spanCount = 0;
    pool.add(chunk);
  }

  private static int indexOf(byte[] data, byte value, int from, int to) {
    for (int i = from; i < to; i++) {
      if (data[i] == value) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(byte[] data, byte value, int to) {
    for (int i = to - 1; i >= 0; i--) {
      if (data[i] == value) {
        return i;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------------------------------------
  // Classification and counting (calling thread only)

  /**
   * What the catalog said about one normalised message, and where its lines are counted once the
   * first of them was: the innermost-error counter of a text never changes once chosen (the map
   * only grows, and a text refused for want of room is refused for good).
   */
  static final class Verdict {
    final RootCause cause;
    final String ruleId;
    final String innermost;
    CauseTally tally;
    long[] ruleCounter;
    long[] innermostCounter; // null with tally set: counted as "other"
    boolean shared = true; // false: lines with this key are each classified

    Verdict(RootCause cause, String ruleId, String innermost) {
      this.cause = cause;
      this.ruleId = ruleId;
      this.innermost = innermost;
    }
  }

  /**
   * Whether the innermost error shows a part of the line that its cache key leaves out (the pod's
   * name or a volatile field): then lines with the same key can have different innermost errors,
   * and each is classified for itself.
   */
  private static boolean showsWhatTheKeyDrops(String innermost, String line) {
    for (String field : VOLATILE_FIELDS) {
      if (innermost.contains(field)) {
        return true;
      }
    }
    String pod = podName(line);
    return pod != null && pod.length() >= 3 && innermost.contains(pod);
  }

  /** What the catalog says about a line, and whether lines with its cache key may share it. */
  static Verdict verdict(CauseCatalog catalog, String line) {
    Explanation explanation = catalog.explain(line);
    String innermost = hideIds(explanation.chain().innermost());
    Verdict verdict = new Verdict(explanation.cause(), explanation.ruleId(), innermost);
    verdict.shared = !showsWhatTheKeyDrops(innermost, line);
    return verdict;
  }

  /** Running counts; everything in it is bounded by causes, buckets and the configured limits. */
  static final class Tally {
    final ScanOptions options;
    final CauseCatalog catalog;
    final long bucketSeconds;
    final Map<String, Verdict> cache = new HashMap<>();
    final Map<RootCause, CauseTally> causes = new EnumMap<>(RootCause.class);
    long lines;
    long truncated;
    long candidates;
    long matched;
    long undated;
    long classifications;
    int isoYear = -1;
    int previousMonth = -1;
    int rollovers;
    boolean yearless;
    // the last date turned into days, since consecutive lines mostly share one
    int lastYear = Integer.MIN_VALUE;
    int lastMonth;
    int lastDay;
    long lastEpochDay;

    Tally(ScanOptions options, CauseCatalog catalog) {
      this.options = options;
      this.catalog = catalog;
      this.bucketSeconds = options.bucket().toSeconds();
    }

    void candidate(String key, String line, int[] clocks, int at) {
      candidates++;
      Verdict verdict = cache.get(key);
      boolean fresh = verdict == null;
      if (fresh) {
        verdict = classify(line);
        if (cache.size() >= CACHE_LIMIT) {
          cache.clear(); // bounded: a log with more distinct failures pays more classifications
        }
        cache.put(key, verdict);
      }
      if (verdict.cause == RootCause.UNKNOWN && !looksLikeFailure(line)) {
        return; // decided per line: the words can sit in what the key leaves out
      }
      if (!fresh && !verdict.shared) {
        verdict = classify(line); // the cause is the key's, the innermost error the line's own
      }
      matched++;
      CauseTally cause = verdict.tally;
      if (cause == null) {
        cause = causes.computeIfAbsent(verdict.cause, c -> new CauseTally());
        verdict.tally = cause;
        verdict.ruleCounter = cause.rules.computeIfAbsent(verdict.ruleId, r -> new long[1]);
        verdict.innermostCounter = cause.innermostCounter(verdict.innermost, options);
      }
      cause.count++;
      verdict.ruleCounter[0]++;
      if (verdict.innermostCounter != null) {
        verdict.innermostCounter[0]++;
      } else {
        cause.otherInnermost++;
      }
      if (clocks[at] == 0) {
        undated++;
        return;
      }
      int year = clocks[at + 1];
      int offset = clocks[at + 6];
      long seconds = epochSeconds(year, clocks[at + 2], clocks[at + 3], clocks[at + 4]);
      cause.seen(seconds, clocks[at + 5], year >= 0, offset == NO_OFFSET ? null : offset);
      cause.bucket(Math.floorDiv(seconds, bucketSeconds) * bucketSeconds);
    }

    private Verdict classify(String line) {
      classifications++;
      return LogScanner.verdict(catalog, line);
    }

    /**
     * Seconds of the reading's clock as if it were UTC; year-less readings get a stand-in year
     * (2000 plus the New Year crossings seen so far, a leap year so that Feb 29 stays valid) that
     * {@link #summary} replaces.
     */
    private long epochSeconds(int readYear, int month, int day, int secondOfDay) {
      int year = readYear;
      if (year < 0) {
        yearless = true;
        if (previousMonth > 0 && month < previousMonth - 6) {
          rollovers++;
        }
        previousMonth = month;
        year = STAND_IN_YEAR + rollovers;
      } else if (isoYear < 0) {
        isoYear = year;
      }
      if (year != lastYear || month != lastMonth || day != lastDay) {
        int valid = Math.min(day, YearMonth.of(year, month).lengthOfMonth());
        lastEpochDay = LocalDate.of(year, month, valid).toEpochDay();
        lastYear = year;
        lastMonth = month;
        lastDay = day;
      }
      return lastEpochDay * 86400L + secondOfDay;
    }

    LogSummary summary(String name, long bytes) {
      Integer year = options.year();
      LogSummary.YearSource source;
      if (!yearless) {
        source = LogSummary.YearSource.NOT_NEEDED;
      } else if (year != null) {
        source = LogSummary.YearSource.GIVEN;
      } else if (isoYear >= 0) {
        source = LogSummary.YearSource.FROM_FILE;
        year = isoYear;
      } else {
        source = LogSummary.YearSource.UNKNOWN;
      }
      List<CauseSummary> list = new ArrayList<>();
      for (Map.Entry<RootCause, CauseTally> entry : causes.entrySet()) {
        list.add(entry.getValue().summary(entry.getKey(), year));
      }
      return new LogSummary(
          name,
          lines,
          bytes,
          candidates,
          matched,
          truncated,
          undated,
          options.bucket(),
          source,
          classifications,
          list);
    }
  }

  static final int STAND_IN_YEAR = 2000;

  /** Counters of one cause. */
  static final class CauseTally {
    long count;
    long firstSeconds = Long.MAX_VALUE;
    int firstNanos;
    boolean firstHasYear;
    Integer firstOffset;
    long lastSeconds = Long.MIN_VALUE;
    int lastNanos;
    boolean lastHasYear;
    Integer lastOffset;
    final java.util.TreeMap<Long, Long> buckets = new java.util.TreeMap<>();
    // the bucket lines are being counted into, moved into `buckets` when another one starts
    long currentBucket;
    long currentBucketCount;
    final Map<String, long[]> rules = new java.util.TreeMap<>();
    final Map<String, long[]> innermost = new java.util.LinkedHashMap<>();
    long otherInnermost;

    /**
     * The counter of an innermost error text, made when there is room; null when the cause already
     * keeps {@link ScanOptions#maxInnermostPerCause()} other texts.
     */
    long[] innermostCounter(String text, ScanOptions options) {
      long[] counter = innermost.get(text);
      if (counter == null && innermost.size() < options.maxInnermostPerCause()) {
        counter = new long[1];
        innermost.put(text, counter);
      }
      return counter;
    }

    void bucket(long start) {
      if (currentBucketCount > 0 && start != currentBucket) {
        buckets.merge(currentBucket, currentBucketCount, Long::sum);
        currentBucketCount = 0;
      }
      currentBucket = start;
      currentBucketCount++;
    }

    void seen(long seconds, int nanos, boolean hasYear, Integer offset) {
      if (seconds < firstSeconds || (seconds == firstSeconds && nanos < firstNanos)) {
        firstSeconds = seconds;
        firstNanos = nanos;
        firstHasYear = hasYear;
        firstOffset = offset;
      }
      if (seconds > lastSeconds || (seconds == lastSeconds && nanos >= lastNanos)) {
        lastSeconds = seconds;
        lastNanos = nanos;
        lastHasYear = hasYear;
        lastOffset = offset;
      }
    }

    CauseSummary summary(RootCause cause, Integer year) {
      if (currentBucketCount > 0) {
        buckets.merge(currentBucket, currentBucketCount, Long::sum);
        currentBucketCount = 0;
      }
      LogTime first =
          firstSeconds == Long.MAX_VALUE
              ? null
              : time(firstSeconds, firstNanos, firstHasYear, firstOffset, year);
      LogTime last =
          lastSeconds == Long.MIN_VALUE
              ? null
              : time(lastSeconds, lastNanos, lastHasYear, lastOffset, year);
      List<TimeBucket> histogram = new ArrayList<>();
      for (Map.Entry<Long, Long> bucket : buckets.entrySet()) {
        // Whether a bucket's lines had a year is not kept: a bucket is dated like the first line.
        histogram.add(
            new TimeBucket(
                time(bucket.getKey(), 0, firstHasYear, firstOffset, year), bucket.getValue()));
      }
      Map<String, Long> ruleCounts = new java.util.TreeMap<>();
      for (Map.Entry<String, long[]> rule : rules.entrySet()) {
        ruleCounts.put(rule.getKey(), rule.getValue()[0]);
      }
      List<InnermostError> errors = new ArrayList<>();
      for (Map.Entry<String, long[]> entry : innermost.entrySet()) {
        errors.add(new InnermostError(entry.getKey(), entry.getValue()[0]));
      }
      errors.sort(
          (a, b) ->
              a.count() != b.count()
                  ? Long.compare(b.count(), a.count())
                  : a.text().compareTo(b.text()));
      return new CauseSummary(
          cause, count, first, last, histogram, ruleCounts, errors, otherInnermost);
    }

    private static LogTime time(
        long seconds, int nanos, boolean hasYear, Integer offset, Integer year) {
      java.time.LocalDateTime local =
          java.time.LocalDateTime.ofEpochSecond(seconds, nanos, java.time.ZoneOffset.UTC);
      java.time.ZoneOffset zone =
          offset == null ? null : java.time.ZoneOffset.ofTotalSeconds(offset);
      if (hasYear) {
        return new LogTime(local, zone, true);
      }
      if (year == null) {
        return new LogTime(local, zone, false);
      }
      return new LogTime(local.withYear(year + local.getYear() - STAND_IN_YEAR), zone, true);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Text helpers

  /**
   * A line the catalog does not recognise still counts (as {@code unknown}) when it names a
   * sandbox, CNI or network and says something failed.
   */
  static boolean looksLikeFailure(String line) {
    String lower = line.toLowerCase(Locale.ROOT);
    boolean context = false;
    for (String word : Prefilter.CONTEXT_WORDS) {
      if (lower.contains(word)) {
        context = true;
        break;
      }
    }
    return context
        && (lower.contains("fail")
            || lower.contains("error")
            || lower.contains("not ready")
            || lower.contains("notready")
            || lower.contains("unable"));
  }

  /** The pod's name from kubelet's {@code pod="ns/name"} or containerd's sandbox metadata. */
  static String podName(String line) {
    int at = line.indexOf(" pod=\"");
    if (at >= 0) {
      int slash = line.indexOf('/', at);
      int close = line.indexOf('"', at + 6);
      if (slash > 0 && close > slash) {
        return line.substring(slash + 1, close);
      }
    }
    at = line.indexOf("PodSandboxMetadata{Name:");
    if (at >= 0) {
      int comma = line.indexOf(',', at);
      if (comma > 0) {
        return line.substring(at + "PodSandboxMetadata{Name:".length(), comma);
      }
    }
    return null;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /**
   * The cache key of the ASCII line {@code data[from, to)}: the message without the log headers the
   * classifier strips ({@link LogHeaders}), with markers in place of the {@code time=}, {@code
   * pod=}, {@code podUID=} and {@code podSandboxID=} fields ({@code #f}), of every id {@link
   * #hideIds} hides ({@code #}, its length and its letters' case) and of the pod's name ({@code
   * #p}); a literal {@code #} is doubled so that no line can forge a marker. Null when the line has
   * a byte outside ASCII: its decoded text is then its key, exactly. None of what is left out
   * decides a classification (the catalog drops the headers, reads the pod fields only as metadata
   * and no rule looks inside an id); where the pod's name or a field shows in the innermost error,
   * the verdict is not shared ({@link #verdict}). {@code LogScanReferenceTest} holds lines with one
   * key to one verdict. {@code text} is the line decoded; {@code scratch} holds at least twice
   * {@code to - from} bytes.
   */
  static String cacheKey(byte[] data, int from, int to, String text, byte[] scratch) {
    // The loops live in ascii and keyBytes, not here: this method runs once per candidate line,
    // and a loop in it would have the JIT compile all of it again for each loop entered (OSR).
    if (!ascii(data, from, to)) {
      return null;
    }
    int length = keyBytes(data, LogHeaders.end(data, from, to), to, scratch);
    String key = new String(scratch, 0, length, StandardCharsets.ISO_8859_1);
    String pod = podName(text);
    if (pod == null || pod.length() < 3 || pod.indexOf('#') >= 0) {
      return key;
    }
    int at = key.indexOf(pod);
    if (at < 0) {
      return key;
    }
    return new String(
        scratch, 0, hidePod(key, pod, at, scratch, length), StandardCharsets.ISO_8859_1);
  }

  /** True when {@code data[from, to)} is plain ASCII. */
  private static boolean ascii(byte[] data, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      if (((long) LONGS.get(data, i) & HIGH) != 0) {
        return false;
      }
    }
    for (; i < to; i++) {
      if (data[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes the key of the ASCII message {@code data[start, to)} (its headers already off) to {@code
   * scratch} without the pod's name, and returns its length.
   */
  private static int keyBytes(byte[] data, int start, int to, byte[] scratch) {
    // Every byte is copied as it is read; the rare places where the key differs from the text are
    // mended behind: a run of hex digits and dashes that is an id when it ends, a volatile field at
    // its '="', a '#' at once. Eight bytes at a time where none of that can happen in them.
    int length = 0;
    int run = 0; // length of the run of hex digits and dashes that ends before i
    int fieldsFrom = start; // a field's name starts here or later: before lies a field taken
    int i = start;
    while (i < to) {
      int stop = Math.min(to, i + 8);
      if (stop - i == 8) {
        long word = (long) LONGS.get(data, i);
        long hex = hexDigits(word);
        long hexOrDash = hex | equalBytes(word, '-');
        long special = equalBytes(word, '#') | equalBytes(word, '=');
        long other = ~hexOrDash & HIGH; // the bytes that end a run
        if (special == 0
            && other != 0
            && run + (Long.numberOfTrailingZeros(other) >>> 3) < MIN_ID_LENGTH) {
          // No id can end here (the run coming in ends at the first other byte, short, and the
          // runs after it are shorter than the word), no field, no '#': the key has these bytes.
          LONGS.set(scratch, length, word);
          length += 8;
          i += 8;
          // The run going out: the trailing hex digits and dashes from the first digit among them.
          long tail = hex & ~((-1L >>> Long.numberOfLeadingZeros(other)));
          run = tail == 0 ? 0 : 8 - (Long.numberOfTrailingZeros(tail) >>> 3);
          continue;
        }
      }
      while (i < stop) { // byte by byte; a field taken can leave i past stop
        byte c = data[i];
        int kind = KEY_KIND[c]; // c >= 0: the line is ASCII
        boolean inRun = kind >= DIGIT || (kind == DASH && run > 0); // a run starts at a digit
        if (!inRun && run >= MIN_ID_LENGTH) {
          length = closeRun(data, i - run, i, scratch, length);
        }
        if (kind == SPECIAL) {
          if (c == '#') {
            scratch[length++] = '#'; // a literal '#' doubled, so that markers cannot be forged
          } else {
            int name = fieldName(data, i, fieldsFrom, start, to);
            int close = name < 0 ? -1 : indexOf(data, (byte) '"', i + 2, to);
            if (close >= 0) {
              length -= i - name; // the name was copied: the marker takes its place
              scratch[length++] = '#';
              scratch[length++] = 'f';
              i = close + 1;
              fieldsFrom = i;
              run = 0;
              continue;
            }
          }
        }
        scratch[length++] = c;
        run = inRun ? run + 1 : 0;
        i++;
      }
    }
    if (run >= MIN_ID_LENGTH) {
      length = closeRun(data, to - run, to, scratch, length);
    }
    return length;
  }

  /**
   * As {@code key.replace(pod, "#p")}, from the first occurrence at {@code at}, found by String's
   * own search and mended in {@code scratch}, which still holds the key's {@code length} bytes; the
   * name is longer than its marker, so the rest moves left. Returns the new length.
   */
  private static int hidePod(String key, String pod, int at, byte[] scratch, int length) {
    int out = at;
    int next = at;
    while (at >= 0) {
      System.arraycopy(scratch, next, scratch, out, at - next);
      out += at - next;
      scratch[out++] = '#';
      scratch[out++] = 'p';
      next = at + pod.length();
      at = key.indexOf(pod, next);
    }
    System.arraycopy(scratch, next, scratch, out, length - next);
    return out + length - next;
  }

  /**
   * Writes an id's marker: {@code #}, its length, and which letters it has ({@code n}one, {@code
   * l}ower, {@code u}pper, {@code m}ixed), since the classifier reads an id's length (CRI-O's
   * sandbox names) and some patterns its case. The run after an id is never a hex digit, so the
   * length's digits end where the letter starts.
   */
  private static int idMarker(byte[] scratch, int at, int runLength, int letters) {
    int length = at;
    scratch[length++] = '#';
    for (byte digit : Integer.toString(runLength).getBytes(StandardCharsets.US_ASCII)) {
      scratch[length++] = digit;
    }
    scratch[length++] = (byte) "nlum".charAt(letters);
    return length;
  }

  /** A canonical UUID's dashes: 8-4-4-4-12. */
  private static boolean uuid(byte[] data, int from, int to) {
    return to - from == 36
        && data[from + 8] == '-'
        && data[from + 13] == '-'
        && data[from + 18] == '-'
        && data[from + 23] == '-';
  }

  private static final String[] VOLATILE_FIELDS = {
    "time=\"", "pod=\"", "podUID=\"", "podSandboxID=\""
  };
  private static final byte[][] VOLATILE_FIELD_BYTES =
      Arrays.stream(VOLATILE_FIELDS)
          .map(field -> field.getBytes(StandardCharsets.US_ASCII))
          .toArray(byte[][]::new);

  /** The high bit of every byte of an ASCII word that is a hex digit, in either case. */
  private static long hexDigits(long word) {
    long lower = word | 0x2020202020202020L; // 'A'-'F' become 'a'-'f'; no other byte does
    return inRange(word, '0', '9') | inRange(lower, 'a', 'f');
  }

  /** The high bit of every byte of an ASCII word in {@code [low, high]}. */
  private static long inRange(long word, int low, int high) {
    long atLeast = word + ONES * (0x80 - low); // bytes < 0x80: no carry into the next byte
    long above = word + ONES * (0x7F - high);
    return atLeast & ~above & HIGH;
  }

  /** The high bit of every byte of {@code word} equal to {@code value}, exactly. */
  private static long equalBytes(long word, int value) {
    long x = word ^ (ONES * value);
    return ~(((x & LOW7) + LOW7) | x | LOW7);
  }

  /**
   * Where the name of a volatile field that ends at the {@code '='} at {@code at} starts, when a
   * {@code '"'} follows, the name starts the message or follows a space, and no earlier field took
   * it; else -1. Names never share an end, so at most one fits.
   */
  private static int fieldName(byte[] data, int at, int fieldsFrom, int start, int to) {
    if (at + 1 >= to || data[at + 1] != '"') {
      return -1;
    }
    for (byte[] field : VOLATILE_FIELD_BYTES) {
      int name = at - (field.length - 2); // the field's bytes end with '="'
      if (name >= fieldsFrom
          && (name == start || data[name - 1] == ' ')
          && Arrays.equals(data, name, at, field, 0, field.length - 2)) {
        return name;
      }
    }
    return -1;
  }

  /**
   * Mends the key where the run of hex digits and dashes {@code data[from, to)}, already copied, is
   * an id (as {@link #hideIds} takes it): its marker replaces it. Returns the key's new length.
   */
  private static int closeRun(byte[] data, int from, int to, byte[] scratch, int length) {
    int digits = 0;
    int letters = 0; // bit 1: a lower-case letter, bit 2: an upper-case one
    for (int k = from; k < to; k++) {
      int kind = KEY_KIND[data[k]];
      digits += kind >= DIGIT ? 1 : 0;
      letters |= kind >= DIGIT ? kind - DIGIT : 0; // DIGIT: none, LOWER_HEX: 1, UPPER_HEX: 2
    }
    if (hidden(to - from, digits) && (to - from == digits || uuid(data, from, to))) {
      return idMarker(scratch, length - (to - from), to - from, letters);
    }
    return length;
  }

  // What each ASCII byte is to cacheKey: text (0), a dash, a '#' or '=' (SPECIAL), a hex digit.
  private static final int DASH = 1;
  private static final int SPECIAL = 2;
  private static final int DIGIT = 4;
  private static final int LOWER_HEX = DIGIT + 1;
  private static final int UPPER_HEX = DIGIT + 2;
  private static final byte[] KEY_KIND = new byte[128];

  static {
    KEY_KIND['-'] = DASH;
    KEY_KIND['#'] = SPECIAL;
    KEY_KIND['='] = SPECIAL;
    for (int c = 0; c < 128; c++) {
      if (c >= '0' && c <= '9') {
        KEY_KIND[c] = DIGIT;
      } else if (c >= 'a' && c <= 'f') {
        KEY_KIND[c] = LOWER_HEX;
      } else if (c >= 'A' && c <= 'F') {
        KEY_KIND[c] = UPPER_HEX;
      }
    }
  }

  /** The shortest run of hex digits and dashes that {@link #hidden} can take for an id. */
  private static final int MIN_ID_LENGTH = 16;

  /**
   * Whether a run of hex digits and dashes is an id: 16 or more digits without a dash, or a UUID's
   * 32 digits with its dashes.
   */
  private static boolean hidden(int length, int digits) {
    return (digits >= 16 && length == digits) || (length >= 36 && digits == 32);
  }

  /** Replaces runs of 16 or more hex digits and UUIDs by {@code <id>}. */
  static String hideIds(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (isHex(c) && (i == 0 || !isHex(text.charAt(i - 1)))) {
        int j = i;
        while (j < n && (isHex(text.charAt(j)) || text.charAt(j) == '-')) {
          j++;
        }
        int digits = 0;
        for (int k = i; k < j; k++) {
          digits += text.charAt(k) == '-' ? 0 : 1;
        }
        if (hidden(j - i, digits)) {
          out.append("<id>");
          i = j;
          continue;
        }
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }
}
