package dev.podnet.node.logs;

import dev.podnet.classify.CauseCatalog;
import dev.podnet.classify.Explanation;
import dev.podnet.model.RootCause;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The log scan written the plain way, to check {@link LogScanner} against: the whole input in
 * memory, split at newlines, every line decoded and classified by the catalog (no prefilter, no
 * cache, no threads, no chunks), candidates found with {@link String#contains} on a folded copy,
 * times made with {@code java.time}. Only {@link LineClock} (reading a timestamp) and the catalog
 * are shared with the scanner. {@code classifications} is not computed: it counts the scanner's
 * cache misses, which this has none of.
 */
final class LogScanReference {

  private LogScanReference() {}

  private static final class Cause {
    long count;
    LocalDateTime first;
    boolean firstHasYear;
    Integer firstOffset;
    LocalDateTime last;
    boolean lastHasYear;
    Integer lastOffset;
    final TreeMap<Long, Long> buckets = new TreeMap<>();
    final TreeMap<String, Long> rules = new TreeMap<>();
    final LinkedHashMap<String, Long> innermost = new LinkedHashMap<>();
    long other;
  }

  static LogSummary scan(byte[] input, String name, ScanOptions options, CauseCatalog catalog) {
    List<String> anchors = Prefilter.forCatalog(catalog).anchors();
    boolean everyLine = Prefilter.forCatalog(catalog).everyLine();
    int limit = options.maxLineBytes();
    long lines = 0;
    long truncated = 0;
    long candidates = 0;
    long matched = 0;
    long undated = 0;
    boolean yearless = false;
    int isoYear = -1;
    int previousMonth = -1;
    int rollovers = 0;
    Map<RootCause, Cause> causes = new EnumMap<>(RootCause.class);
    LineClock.Reading reading = new LineClock.Reading();
    int start = 0;
    while (start < input.length) {
      int end = start;
      while (end < input.length && input[end] != '\n') {
        end++;
      }
      lines++;
      if (end - start > limit) {
        truncated++;
      }
      int kept = Math.min(end, start + limit);
      if (kept > start && input[kept - 1] == '\r') {
        kept--;
      }
      byte[] part = java.util.Arrays.copyOfRange(input, start, kept);
      start = end + 1;
      String text = new String(part, StandardCharsets.UTF_8);
      String folded = fold(part);
      boolean candidate = everyLine || anchors.stream().anyMatch(folded::contains);
      if (candidate) {
        candidates++;
      }
      Explanation explanation = catalog.explain(text);
      if (explanation.cause() == RootCause.UNKNOWN && !LogScanner.looksLikeFailure(text)) {
        continue;
      }
      if (!candidate) {
        throw new AssertionError("a failure line holds no anchor: " + text);
      }
      matched++;
      Cause cause = causes.computeIfAbsent(explanation.cause(), c -> new Cause());
      cause.count++;
      cause.rules.merge(explanation.ruleId(), 1L, Long::sum);
      String innermost = LogScanner.hideIds(explanation.chain().innermost());
      if (cause.innermost.containsKey(innermost)) {
        cause.innermost.merge(innermost, 1L, Long::sum);
      } else if (cause.innermost.size() < options.maxInnermostPerCause()) {
        cause.innermost.put(innermost, 1L);
      } else {
        cause.other++;
      }
      if (!LineClock.read(text, reading)) {
        undated++;
        continue;
      }
      int year = reading.year;
      boolean hasYear = year >= 0;
      if (!hasYear) {
        yearless = true;
        if (previousMonth > 0 && reading.month < previousMonth - 6) {
          rollovers++; // a year-less journal crossed New Year
        }
        previousMonth = reading.month;
        year = LogScanner.STAND_IN_YEAR + rollovers;
      } else if (isoYear < 0) {
        isoYear = year;
      }
      int day = Math.min(reading.day, YearMonth.of(year, reading.month).lengthOfMonth());
      LocalDateTime time =
          LocalDateTime.of(
              year,
              reading.month,
              day,
              reading.hour,
              reading.minute,
              Math.min(reading.second, 59),
              reading.nanos);
      if (cause.first == null || time.isBefore(cause.first)) {
        cause.first = time;
        cause.firstHasYear = hasYear;
        cause.firstOffset = reading.offsetSeconds;
      }
      if (cause.last == null || !time.isBefore(cause.last)) {
        cause.last = time;
        cause.lastHasYear = hasYear;
        cause.lastOffset = reading.offsetSeconds;
      }
      long width = options.bucket().toSeconds();
      long bucket = Math.floorDiv(time.toEpochSecond(ZoneOffset.UTC), width) * width;
      cause.buckets.merge(bucket, 1L, Long::sum);
    }

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
    List<CauseSummary> summaries = new ArrayList<>();
    for (Map.Entry<RootCause, Cause> entry : causes.entrySet()) {
      Cause cause = entry.getValue();
      List<TimeBucket> histogram = new ArrayList<>();
      for (Map.Entry<Long, Long> bucket : cause.buckets.entrySet()) {
        LocalDateTime at = LocalDateTime.ofEpochSecond(bucket.getKey(), 0, ZoneOffset.UTC);
        histogram.add(
            new TimeBucket(
                time(at, cause.firstHasYear, cause.firstOffset, year), bucket.getValue()));
      }
      List<InnermostError> errors = new ArrayList<>();
      cause.innermost.forEach((text, count) -> errors.add(new InnermostError(text, count)));
      errors.sort(
          (a, b) ->
              a.count() != b.count()
                  ? Long.compare(b.count(), a.count())
                  : a.text().compareTo(b.text()));
      summaries.add(
          new CauseSummary(
              entry.getKey(),
              cause.count,
              cause.first == null
                  ? null
                  : time(cause.first, cause.firstHasYear, cause.firstOffset, year),
              cause.last == null
                  ? null
                  : time(cause.last, cause.lastHasYear, cause.lastOffset, year),
              histogram,
              cause.rules,
              errors,
              cause.other));
    }
    return new LogSummary(
        name,
        lines,
        input.length,
        candidates,
        matched,
        truncated,
        undated,
        options.bucket(),
        source,
        0,
        summaries);
  }

  /** Lower-case ASCII letters; every control byte but the newline, and DEL, become a space. */
  private static String fold(byte[] part) {
    char[] chars = new char[part.length];
    for (int i = 0; i < part.length; i++) {
      int b = part[i] & 0xff;
      chars[i] = (b < 0x20 && b != '\n') || b == 0x7f ? ' ' : (char) b;
    }
    return new String(chars).toLowerCase(Locale.ROOT);
  }

  private static LogTime time(LocalDateTime local, boolean hasYear, Integer offset, Integer year) {
    ZoneOffset zone = offset == null ? null : ZoneOffset.ofTotalSeconds(offset);
    if (hasYear) {
      return new LogTime(local, zone, true);
    }
    if (year == null) {
      return new LogTime(local, zone, false);
    }
    return new LogTime(
        local.withYear(year + local.getYear() - LogScanner.STAND_IN_YEAR), zone, true);
  }
}
