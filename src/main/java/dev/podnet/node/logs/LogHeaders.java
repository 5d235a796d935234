package dev.podnet.node.logs;

/**
 * Where the log headers at the start of an ASCII line end, by the same rules as the classifier's
 * header patterns ({@code ErrorChainParser.LOG_HEADERS}): journald's {@code "Jul 11 04:35:48 host
 * kubelet[7018]: "}, klog's {@code "E0519 00:37:28.550351 1 network.go:102] "} and ISO timestamps
 * with the CRI stream marker or short-iso's host and process, one after another as the classifier
 * strips them. Calico's header is not taken (the line then keeps it, which costs cache hits, not
 * correctness).
 *
 * <p>The classifier matches its patterns on the normalised line (whitespace and control runs become
 * one space, {@code \"} becomes a quote). A header is taken here only when its raw bytes need no
 * normalising: printable ASCII without a backslash, single spaces (two allowed before a one-digit
 * day, as syslog pads it). So a header taken here is exactly one the classifier strips, and a
 * header the classifier would strip only after normalising is kept in the key: two lines with one
 * key then differ at most in what the classifier strips anyway. {@code LogHeadersTest} holds this
 * against the classifier.
 */
final class LogHeaders {

  private LogHeaders() {}

  /** The index in {@code [from, to]} where the headers starting at {@code from} end. */
  static int end(byte[] data, int from, int to) {
    int at = from;
    while (true) {
      int next = journald(data, at, to);
      if (next < 0) {
        next = klog(data, at, to);
      }
      if (next < 0) {
        next = iso(data, at, to);
      }
      if (next < 0) {
        return at;
      }
      at = next;
    }
  }

  /** {@code [A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \S{1,253} [^\s:\[]{1,64}(\[\d{1,10}\])?: } */
  static int journald(byte[] data, int at, int to) {
    if (at + 3 > to || !upper(data[at]) || !lower(data[at + 1]) || !lower(data[at + 2])) {
      return -1;
    }
    int i = blanks(data, at + 3, to);
    if (i < 0) {
      return -1;
    }
    int digits = digits(data, i, to);
    if (digits < 1 || digits > 2) {
      return -1;
    }
    i = clock(data, i + digits, to);
    if (i < 0) {
      return -1;
    }
    return hostAndProcess(data, i, to, false);
  }

  /** {@code [IWEF]\d{4} \d\d:\d\d:\d\d\.\d{1,9} \d{1,10} [^\s\]]{1,128}:\d{1,6}\] } */
  static int klog(byte[] data, int at, int to) {
    if (at + 5 > to) {
      return -1;
    }
    byte severity = data[at];
    if (severity != 'I' && severity != 'W' && severity != 'E' && severity != 'F') {
      return -1;
    }
    if (digits(data, at + 1, to) != 4) {
      return -1;
    }
    int i = blanks(data, at + 5, to);
    i = i < 0 ? -1 : time(data, i, to);
    if (i < 0 || !is(data, i, to, '.')) {
      return -1;
    }
    int fraction = digits(data, i + 1, to);
    i = fraction < 1 || fraction > 9 ? -1 : blanks(data, i + 1 + fraction, to);
    if (i < 0) {
      return -1;
    }
    int thread = digits(data, i, to);
    int file = thread < 1 || thread > 10 ? -1 : blanks(data, i + thread, to);
    if (file < 0) {
      return -1;
    }
    int close = file;
    int colon = -1;
    while (close < to && plain(data[close]) && data[close] != ']') {
      if (data[close] == ':') {
        colon = close;
      }
      close++;
    }
    if (colon < 0 || !is(data, close, to, ']')) {
      return -1;
    }
    int line = close - colon - 1;
    if (colon - file < 1 || colon - file > 128 || line < 1 || line > 6) {
      return -1;
    }
    return digits(data, colon + 1, to) == line ? blanks(data, close + 1, to) : -1;
  }

  /**
   * {@code \d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:?\d\d)?( (stdout|stderr) [FP]|
   * \S{1,253} [^\s:\[]{1,64}\[\d{1,10}\]:)? }
   */
  static int iso(byte[] data, int at, int to) {
    if (digits(data, at, to) != 4
        || !is(data, at + 4, to, '-')
        || digits(data, at + 5, to) != 2
        || !is(data, at + 7, to, '-')
        || digits(data, at + 8, to) != 2) {
      return -1;
    }
    int clock = is(data, at + 10, to, 'T') ? at + 11 : blanks(data, at + 10, to);
    int i = clock < 0 ? -1 : time(data, clock, to);
    if (i < 0) {
      return -1;
    }
    if (is(data, i, to, '.')) {
      int fraction = digits(data, i + 1, to);
      if (fraction < 1 || fraction > 9) {
        return -1; // the classifier can skip the fraction, but then needs a space at the dot
      }
      i += 1 + fraction;
    }
    if (is(data, i, to, 'Z')) {
      i++;
    } else if (is(data, i, to, '+') || is(data, i, to, '-')) {
      int zone = zone(data, i + 1, to);
      if (zone < 0) {
        return -1; // the classifier can skip the zone, but then needs a space at the sign
      }
      i = zone;
    }
    int tail = blanks(data, i, to);
    if (tail < 0) {
      return -1;
    }
    int stream = stream(data, tail, to);
    if (stream >= 0) {
      return stream;
    }
    int host = hostAndProcess(data, tail, to, true);
    if (host >= 0) {
      return host;
    }
    // Without the host the match ends at the timestamp, unless unescaping could still make one:
    // a backslash (or a byte beyond ASCII) where host and process would be leaves it in the key.
    for (int k = tail; k < Math.min(to, tail + HOST_AND_PROCESS); k++) {
      if (data[k] == '\\' || data[k] < 0) {
        return -1;
      }
    }
    return tail;
  }

  /** The most characters short-iso's {@code host process[pid]:} can take. */
  private static final int HOST_AND_PROCESS = 253 + 1 + 64 + 12 + 1;

  /** {@code (stdout|stderr) [FP] } after the timestamp's space, or -1. */
  private static int stream(byte[] data, int at, int to) {
    if (at + 6 > to) {
      return -1;
    }
    boolean name =
        data[at] == 's'
            && data[at + 1] == 't'
            && data[at + 2] == 'd'
            && ((data[at + 3] == 'o' && data[at + 4] == 'u' && data[at + 5] == 't')
                || (data[at + 3] == 'e' && data[at + 4] == 'r' && data[at + 5] == 'r'));
    int kind = name ? blanks(data, at + 6, to) : -1;
    if (kind >= 0 && (is(data, kind, to, 'F') || is(data, kind, to, 'P'))) {
      return blanks(data, kind + 1, to);
    }
    return -1;
  }

  /**
   * {@code \S{1,253} [^\s:\[]{1,64}(\[\d{1,10}\])?: } (the process id required when {@code pid}),
   * returning the index after the final space, or -1.
   */
  private static int hostAndProcess(byte[] data, int at, int to, boolean pid) {
    int i = at;
    while (i < to && plain(data[i])) {
      i++;
    }
    int process = i - at < 1 || i - at > 253 ? -1 : blanks(data, i, to);
    if (process < 0) {
      return -1;
    }
    i = process;
    while (i < to && plain(data[i]) && data[i] != ':' && data[i] != '[') {
      i++;
    }
    if (i - process < 1 || i - process > 64) {
      return -1;
    }
    if (is(data, i, to, '[')) {
      int digits = digits(data, i + 1, to);
      if (digits < 1 || digits > 10 || !is(data, i + 1 + digits, to, ']')) {
        return -1;
      }
      i += digits + 2;
    } else if (pid) {
      return -1;
    }
    return is(data, i, to, ':') ? blanks(data, i + 1, to) : -1;
  }

  /** {@code \d\d:\d\d:\d\d } after the day; the index after the final blanks, or -1. */
  private static int clock(byte[] data, int at, int to) {
    int i = blanks(data, at, to);
    i = i < 0 ? -1 : time(data, i, to);
    return i < 0 ? -1 : blanks(data, i, to);
  }

  /**
   * The index after a run of blanks starting at {@code at} (whitespace and control bytes, which the
   * classifier's normalising turns into one space), or -1 when none starts there.
   */
  private static int blanks(byte[] data, int at, int to) {
    int i = at;
    while (i < to && (data[i] >= 0 && data[i] <= ' ' || data[i] == 0x7F)) {
      i++;
    }
    return i > at ? i : -1;
  }

  /** {@code \d\d:\d\d:\d\d}; the index after it, or -1. */
  private static int time(byte[] data, int at, int to) {
    if (digits(data, at, to) != 2
        || !is(data, at + 2, to, ':')
        || digits(data, at + 3, to) != 2
        || !is(data, at + 5, to, ':')
        || digits(data, at + 6, to) != 2) {
      return -1;
    }
    return at + 8;
  }

  /** {@code \d\d:?\d\d} after the sign; the index after it, or -1. */
  private static int zone(byte[] data, int at, int to) {
    if (digits(data, at, to) == 4) {
      return at + 4;
    }
    if (digits(data, at, to) == 2 && is(data, at + 2, to, ':') && digits(data, at + 3, to) == 2) {
      return at + 5;
    }
    return -1;
  }

  /** How many ASCII digits start at {@code at}. */
  private static int digits(byte[] data, int at, int to) {
    int i = at;
    while (i < to && data[i] >= '0' && data[i] <= '9') {
      i++;
    }
    return i - at;
  }

  private static boolean is(byte[] data, int at, int to, char c) {
    return at < to && data[at] == c;
  }

  /** A byte that normalising leaves alone and {@code \S} matches: printable, not a backslash. */
  private static boolean plain(byte b) {
    return b > ' ' && b < 0x7F && b != '\\';
  }

  private static boolean upper(byte b) {
    return b >= 'A' && b <= 'Z';
  }

  private static boolean lower(byte b) {
    return b >= 'a' && b <= 'z';
  }
}
