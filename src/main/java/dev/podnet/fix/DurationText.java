package dev.podnet.fix;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people and kubectl write them ({@code 200ms}, {@code 30s}, {@code 5m}, {@code 1h},
 * {@code 1m30s}): the form of the command-line options and of a saved plan.
 */
public final class DurationText {
  private static final Pattern WHOLE = Pattern.compile("(?:[0-9]+(?:ms|h|m|s))+");
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|h|m|s)");

  private DurationText() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException naming the value and the accepted form
   */
  public static Duration parse(String text) {
    String value = text == null ? "" : text.strip();
    if (!WHOLE.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "invalid duration '"
              + text
              + "': use a number and a unit, e.g. 200ms, 30s, 5m, 1h, 1m30s");
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(value);
    try {
      while (part.find()) {
        long amount = Long.parseLong(part.group(1));
        total =
            total.plus(
                switch (part.group(2)) {
                  case "ms" -> Duration.ofMillis(amount);
                  case "s" -> Duration.ofSeconds(amount);
                  case "m" -> Duration.ofMinutes(amount);
                  default -> Duration.ofHours(amount);
                });
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("invalid duration '" + text + "': too large", e);
    }
    return total;
  }

  /** The shortest form that {@link #parse} reads back to the same duration: {@code 1m30s}. */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("negative duration " + duration);
    }
    StringBuilder text = new StringBuilder();
    long hours = duration.toHours();
    long minutes = duration.toMinutesPart();
    long seconds = duration.toSecondsPart();
    long millis = duration.toMillisPart();
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (minutes > 0) {
      text.append(minutes).append('m');
    }
    if (seconds > 0) {
      text.append(seconds).append('s');
    }
    if (millis > 0) {
      text.append(millis).append("ms");
    }
    return text.toString();
  }
}
