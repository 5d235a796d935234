package dev.podnet.node.logs;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * When a log line was written, as the line says it. {@code offset} is null when the line carries no
 * zone (journalctl's short format, klog headers): the time is then the node's local clock, as
 * printed. {@code yearKnown} is false when neither the line, nor another line of the file, nor the
 * caller gave a year: {@code time}'s year is then meaningless and {@link #text()} prints only
 * month, day and time, like the journal did.
 */
public record LogTime(LocalDateTime time, ZoneOffset offset, boolean yearKnown)
    implements Comparable<LogTime> {

  private static final DateTimeFormatter ISO_SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);
  private static final DateTimeFormatter NO_YEAR =
      DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ROOT);

  /**
   * ISO-8601 to the second, with the fraction (to the microsecond) and the offset when the line had
   * them ({@code 2026-11-20T09:35:02.412311+00:00}); without a year, {@code Nov 20 09:35:02}.
   */
  public String text() {
    if (!yearKnown) {
      return NO_YEAR.format(time);
    }
    StringBuilder text = new StringBuilder(ISO_SECONDS.format(time));
    int micros = time.getNano() / 1000;
    if (micros != 0) {
      String fraction = String.format(Locale.ROOT, "%06d", micros).replaceAll("0+$", "");
      text.append('.').append(fraction);
    }
    if (offset != null) {
      text.append(offset.getTotalSeconds() == 0 ? "+00:00" : offset.getId());
    }
    return text.toString();
  }

  /** Orders by the printed clock reading; lines of one file share one clock. */
  @Override
  public int compareTo(LogTime other) {
    return time.compareTo(other.time);
  }

  @Override
  public String toString() {
    return text();
  }
}
