package dev.podnet.fix;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Run ids: the start time to the second and a random suffix, {@code 20261120-095830-7f3a9c}; they
 * sort by time, are unique in practice, and are valid label values and path names.
 */
public final class RunId {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final Pattern VALID = Pattern.compile("[0-9]{8}-[0-9]{6}-[0-9a-f]{6}");

  private RunId() {}

  public static String next(Clock clock, Random random) {
    byte[] suffix = new byte[3];
    random.nextBytes(suffix);
    return TIME.format(clock.instant()) + "-" + HexFormat.of().formatHex(suffix);
  }

  /** Whether the text is a run id (so that it cannot name a path outside the journal directory). */
  public static boolean valid(String text) {
    return text != null && VALID.matcher(text).matches();
  }

  /** The random part, short enough for pod names. */
  static String suffix(String runId) {
    return runId.substring(runId.lastIndexOf('-') + 1);
  }
}
