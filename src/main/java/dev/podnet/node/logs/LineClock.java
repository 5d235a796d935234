package dev.podnet.node.logs;

/**
 * Reads the timestamp at the start of a log line: journalctl's short format ({@code Nov 20 09:35:02
 * host unit[pid]: }), {@code -o short-iso} and {@code short-iso-precise} ({@code
 * 2026-11-20T09:35:02+0000}), and for plain files a klog header ({@code E1120 09:35:02.412311}) or
 * containerd's {@code time="2026-11-20T09:35:02.412311123Z"}. Hand-written because it runs on every
 * failure line and a regular expression would cost more than the classification cache saves.
 */
final class LineClock {

  private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

  /**
   * A parsed reading; {@code year} is -1 and {@code offsetSeconds} is null when the line has none.
   */
  static final class Reading {
    int year;
    int month;
    int day;
    int hour;
    int minute;
    int second;
    int nanos;
    Integer offsetSeconds;
  }

  private LineClock() {}

  /** Fills {@code out} from the line's timestamp; false when the line has none that can be read. */
  static boolean read(String line, Reading out) {
    out.offsetSeconds = null;
    out.nanos = 0;
    if (line.length() >= 15 && isUpper(line.charAt(0)) && line.charAt(3) == ' ') {
      int month = MONTHS.indexOf(line.substring(0, 3));
      if (month >= 0 && month % 3 == 0 && line.charAt(6) == ' ') {
        int day = line.charAt(4) == ' ' ? digits(line, 5, 1) : digits(line, 4, 2);
        if (day > 0 && clock(line, 7, out)) {
          out.year = -1;
          out.month = month / 3 + 1;
          out.day = day;
          return day <= 31;
        }
      }
    }
    if (iso(line, 0, out)) {
      return true;
    }
    if (line.length() >= 14
        && "IWEF".indexOf(line.charAt(0)) >= 0
        && line.charAt(5) == ' '
        && clock(line, 6, out)) {
      int month = digits(line, 1, 2);
      int day = digits(line, 3, 2);
      if (month >= 1 && month <= 12 && day >= 1 && day <= 31) {
        out.year = -1;
        out.month = month;
        out.day = day;
        fraction(line, 14, out);
        return true;
      }
    }
    int time = line.indexOf("time=\"");
    return time >= 0 && time < 64 && iso(line, time + 6, out);
  }

  /** An ISO date-time at {@code at}: {@code 2026-11-20T09:35:02[.frac][Z|+0000|+00:00]}. */
  private static boolean iso(String line, int at, Reading out) {
    if (line.length() < at + 19
        || line.charAt(at + 4) != '-'
        || line.charAt(at + 7) != '-'
        || (line.charAt(at + 10) != 'T' && line.charAt(at + 10) != ' ')) {
      return false;
    }
    int year = digits(line, at, 4);
    int month = digits(line, at + 5, 2);
    int day = digits(line, at + 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || !clock(line, at + 11, out)) {
      return false;
    }
    out.year = year;
    out.month = month;
    out.day = day;
    int i = fraction(line, at + 19, out);
    if (i < line.length()) {
      char c = line.charAt(i);
      if (c == 'Z') {
        out.offsetSeconds = 0;
      } else if ((c == '+' || c == '-') && i + 5 <= line.length()) {
        int hours = digits(line, i + 1, 2);
        int minutesAt = line.charAt(i + 3) == ':' ? i + 4 : i + 3;
        int minutes = minutesAt + 2 <= line.length() ? digits(line, minutesAt, 2) : -1;
        if (hours >= 0 && hours <= 18 && minutes >= 0 && minutes < 60) {
          int seconds = hours * 3600 + minutes * 60;
          out.offsetSeconds = c == '-' ? -seconds : seconds;
        }
      }
    }
    return true;
  }

  /** {@code HH:MM:SS} at {@code at}. */
  private static boolean clock(String line, int at, Reading out) {
    if (line.length() < at + 8 || line.charAt(at + 2) != ':' || line.charAt(at + 5) != ':') {
      return false;
    }
    out.hour = digits(line, at, 2);
    out.minute = digits(line, at + 3, 2);
    out.second = digits(line, at + 6, 2);
    return out.hour >= 0
        && out.hour < 24
        && out.minute >= 0
        && out.minute < 60
        && out.second >= 0
        && out.second < 61;
  }

  /** Reads {@code .ffffff} at {@code at} into nanos; returns the index after it. */
  private static int fraction(String line, int at, Reading out) {
    if (at >= line.length() || line.charAt(at) != '.') {
      return at;
    }
    int i = at + 1;
    int nanos = 0;
    int count = 0;
    while (i < line.length() && isDigit(line.charAt(i))) {
      if (count < 9) {
        nanos = nanos * 10 + (line.charAt(i) - '0');
        count++;
      }
      i++;
    }
    while (count < 9) {
      nanos *= 10;
      count++;
    }
    out.nanos = nanos;
    return i;
  }

  private static int digits(String line, int at, int count) {
    int value = 0;
    for (int i = at; i < at + count; i++) {
      char c = line.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }
}
