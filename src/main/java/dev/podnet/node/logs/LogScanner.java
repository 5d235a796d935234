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
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * <p>The input is read in 4 MiB chunks cut at line ends. Scanner threads count the lines of a chunk
 * and find candidate lines with the byte-level {@link Prefilter}; the calling thread reads the next
 * chunks meanwhile and then takes the chunks' results strictly in input order, decodes each
 * candidate line (malformed UTF-8 becomes U+FFFD, a trailing CR is dropped), reads its timestamp
 * and classifies it with the {@link CauseCatalog}. Classifications are cached by the message with
 * the log header, pod fields and long hex ids taken out, so a million retries of one failure cost
 * one classification. Memory is a handful of chunk buffers, a bounded cache and per-cause counters:
 * it does not grow with the size of the log.
 */
public final class LogScanner {

  static final int CHUNK_BYTES = 4 << 20;
  private static final int CACHE_LIMIT = 8192;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long NEWLINES = ONES * '\n';

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

  /** A chunk of whole lines, and what a scanner thread found in it. */
  private static final class Chunk {
    final byte[] data;
    int length;
    boolean cutLongLine;
    long lines;
    long truncated;
    int[] spans = new int[256];
    int spanCount;

    Chunk(byte[] data) {
      this.data = data;
    }
  }

  LogSummary run(InputStream in, String name) throws IOException {
    Tally tally = new Tally(options, catalog);
    int threads = options.threads();
    int inFlight = Math.max(1, threads * 2);
    BlockingQueue<byte[]> pool = new ArrayBlockingQueue<>(inFlight + 2);
    for (int i = 0; i < inFlight + 2; i++) {
      pool.add(new byte[CHUNK_BYTES + 1]);
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
        byte[] data = take(pool);
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
        Chunk chunk = new Chunk(data);
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
          pool.add(data);
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

  private static byte[] take(BlockingQueue<byte[]> pool) throws IOException {
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

  /** Counts lines and long lines, and records the spans of candidate lines. */
  private Chunk scanChunk(Chunk chunk) {
    countLines(chunk, options.maxLineBytes());
    findCandidates(chunk);
    return chunk;
  }

  /**
   * Counts the newlines of a chunk eight bytes at a time, and the lines longer than {@code limit}:
   * only the first newline of a word can end a long line, since the others end lines shorter than
   * eight bytes.
   */
  static void countLines(Chunk chunk, int limit) {
    byte[] data = chunk.data;
    int length = chunk.length;
    long lines = 0;
    long truncated = chunk.cutLongLine ? 1 : 0;
    int lineStart = 0;
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      long word = (long) LONGS.get(data, i) ^ NEWLINES;
      long zero = ~(((word & LOW7) + LOW7) | word | LOW7);
      if (zero != 0) {
        lines += Long.bitCount(zero);
        int first = i + (Long.numberOfTrailingZeros(zero) >>> 3);
        if (first - lineStart > limit) {
          truncated++;
        }
        lineStart = i + ((63 - Long.numberOfLeadingZeros(zero)) >>> 3) + 1;
      }
    }
    for (; i < length; i++) {
      if (data[i] == '\n') {
        if (i - lineStart > limit) {
          truncated++;
        }
        lines++;
        lineStart = i + 1;
      }
    }
    chunk.lines = lines;
    chunk.truncated = truncated;
  }

  private void findCandidates(Chunk chunk) {
    byte[] data = chunk.data;
    int length = chunk.length;
    int position = 0;
    while (position < length) {
      int anchorEnd = prefilter.findAnchorEnd(data, position, length);
      if (anchorEnd < 0) {
        break;
      }
      int start = anchorEnd - 1;
      while (start > position && data[start - 1] != '\n') {
        start--;
      }
      int end = indexOf(data, (byte) '\n', anchorEnd - 1, length);
      if (chunk.spanCount * 2 + 2 > chunk.spans.length) {
        chunk.spans = java.util.Arrays.copyOf(chunk.spans, chunk.spans.length * 2);
      }
      chunk.spans[chunk.spanCount * 2] = start;
      chunk.spans[chunk.spanCount * 2 + 1] = end;
      chunk.spanCount++;
      position = end + 1;
    }
  }

  private void consume(Chunk chunk, Tally tally, BlockingQueue<byte[]> pool) {
    tally.lines += chunk.lines;
    tally.truncated += chunk.truncated;
    int limit = options.maxLineBytes();
    for (int k = 0; k < chunk.spanCount; k++) {
      int start = chunk.spans[k * 2];
      int end = Math.min(chunk.spans[k * 2 + 1], start + limit);
      if (end > start && chunk.data[end - 1] == '\r') {
        end--;
      }
      tally.candidate(new String(chunk.data, start, end - start, StandardCharsets.UTF_8));
    }
    chunk.spanCount = 0;
    pool.add(chunk.data);
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

  /** What the catalog said about one normalised message. */
  private record Verdict(RootCause cause, String ruleId, String innermost) {}

  private static final Verdict NOT_A_FAILURE = new Verdict(null, null, null);

  /** Running counts; everything in it is bounded by causes, buckets and the configured limits. */
  static final class Tally {
    final ScanOptions options;
    final CauseCatalog catalog;
    final Map<String, Verdict> cache = new HashMap<>();
    final Map<RootCause, CauseTally> causes = new EnumMap<>(RootCause.class);
    final LineClock.Reading reading = new LineClock.Reading();
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

    Tally(ScanOptions options, CauseCatalog catalog) {
      this.options = options;
      this.catalog = catalog;
    }

    void candidate(String line) {
      candidates++;
      String key = cacheKey(line);
      Verdict verdict = cache.get(key);
      if (verdict == null) {
        verdict = classify(line);
        if (cache.size() >= CACHE_LIMIT) {
          cache.clear(); // bounded: a log with more distinct failures pays more classifications
        }
        cache.put(key, verdict);
      }
      if (verdict.cause() == null) {
        return;
      }
      matched++;
      CauseTally cause = causes.computeIfAbsent(verdict.cause(), c -> new CauseTally());
      cause.count++;
      cause.rules.merge(verdict.ruleId(), 1L, Long::sum);
      cause.innermost(verdict.innermost(), options.maxInnermostPerCause());
      if (!LineClock.read(line, reading)) {
        undated++;
        return;
      }
      long seconds = epochSeconds(reading);
      cause.seen(seconds, reading.nanos, reading.year >= 0, reading.offsetSeconds);
      long width = options.bucket().toSeconds();
      cause.buckets.merge(Math.floorDiv(seconds, width) * width, 1L, Long::sum);
    }

    private Verdict classify(String line) {
      classifications++;
      Explanation explanation = catalog.explain(line);
      if (explanation.cause() == RootCause.UNKNOWN && !looksLikeFailure(line)) {
        return NOT_A_FAILURE;
      }
      return new Verdict(
          explanation.cause(), explanation.ruleId(), hideIds(explanation.chain().innermost()));
    }

    /**
     * Seconds of the reading's clock as if it were UTC; year-less readings get a stand-in year
     * (2000 plus the New Year crossings seen so far, a leap year so that Feb 29 stays valid) that
     * {@link #summary} replaces.
     */
    private long epochSeconds(LineClock.Reading r) {
      int year = r.year;
      if (year < 0) {
        yearless = true;
        if (previousMonth > 0 && r.month < previousMonth - 6) {
          rollovers++;
        }
        previousMonth = r.month;
        year = STAND_IN_YEAR + rollovers;
      } else if (isoYear < 0) {
        isoYear = year;
      }
      int day = Math.min(r.day, java.time.YearMonth.of(year, r.month).lengthOfMonth());
      return java.time.LocalDate.of(year, r.month, day).toEpochDay() * 86400L
          + r.hour * 3600L
          + r.minute * 60L
          + Math.min(r.second, 59);
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
    final Map<String, Long> rules = new java.util.TreeMap<>();
    final Map<String, long[]> innermost = new java.util.LinkedHashMap<>();
    long otherInnermost;

    void innermost(String text, int limit) {
      long[] counter = innermost.get(text);
      if (counter == null) {
        if (innermost.size() >= limit) {
          otherInnermost++;
          return;
        }
        innermost.put(text, counter = new long[1]);
      }
      counter[0]++;
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
      List<InnermostError> errors = new ArrayList<>();
      for (Map.Entry<String, long[]> entry : innermost.entrySet()) {
        errors.add(new InnermostError(entry.getKey(), entry.getValue()[0]));
      }
      errors.sort(
          (a, b) ->
              a.count() != b.count()
                  ? Long.compare(b.count(), a.count())
                  : a.text().compareTo(b.text()));
      return new CauseSummary(cause, count, first, last, histogram, rules, errors, otherInnermost);
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

  /**
   * The cache key of a line: the message without the journal and klog headers, without the {@code
   * time=}, {@code pod=}, {@code podUID=} and {@code podSandboxID=} fields, and with every run of
   * 16 or more hex digits replaced. None of these decide a classification: the catalog drops the
   * headers and reads the pod fields only as metadata, and no rule looks inside an id.
   */
  static String cacheKey(String line) {
    int start = 0;
    int journal = line.indexOf("]: ");
    if (journal >= 0 && journal < 160) {
      start = journal + 3;
    }
    int klog = line.indexOf("] ", start);
    if (klog >= 0 && klog - start < 90 && start + 1 < line.length()) {
      char severity = line.charAt(start);
      if ("IWEF".indexOf(severity) >= 0 && Character.isDigit(line.charAt(start + 1))) {
        start = klog + 2;
      }
    }
    StringBuilder key = new StringBuilder(line.length() - start);
    int i = start;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if ((c == 't' || c == 'p') && (i == start || line.charAt(i - 1) == ' ')) {
        int skip = skipField(line, i);
        if (skip > i) {
          i = skip;
          continue;
        }
      }
      if (isHex(c)) {
        int j = i;
        int digits = 0;
        while (j < n
            && (isHex(line.charAt(j))
                || (line.charAt(j) == '-' && j + 1 < n && isHex(line.charAt(j + 1))))) {
          digits += line.charAt(j) == '-' ? 0 : 1;
          j++;
        }
        if (digits >= 16 && (j - i == digits || (j - i == 36 && digits == 32))) {
          key.append('#');
        } else {
          key.append(line, i, j);
        }
        i = j;
        continue;
      }
      key.append(c);
      i++;
    }
    String pod = podName(line);
    if (pod != null && pod.length() >= 3) {
      return key.toString().replace(pod, "<pod>");
    }
    return key.toString();
  }

  /** The pod's name from kubelet's {@code pod="ns/name"} or containerd's sandbox metadata. */
  private static String podName(String line) {
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

  private static final String[] VOLATILE_FIELDS = {
    "time=\"", "pod=\"", "podUID=\"", "podSandboxID=\""
  };

  /** The index after {@code name="value"} when one of the volatile fields starts at i; else i. */
  private static int skipField(String line, int i) {
    for (String field : VOLATILE_FIELDS) {
      if (line.startsWith(field, i)) {
        int close = line.indexOf('"', i + field.length());
        return close < 0 ? i : close + 1;
      }
    }
    return i;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
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
        String run = text.substring(i, j);
        String digits = run.replace("-", "");
        boolean uuid = run.length() >= 36 && digits.length() == 32;
        if ((digits.length() >= 16 && run.indexOf('-') < 0) || uuid) {
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
