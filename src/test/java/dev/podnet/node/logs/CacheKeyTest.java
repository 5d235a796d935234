package dev.podnet.node.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LogScanner#cacheKey} reads eight bytes at a time where nothing in them can change the key
 * and byte by byte elsewhere. Whatever path it takes, the key must be the one that the plain
 * definition below gives, character by character: headers off ({@link LogHeaders}), {@code #f} for
 * a volatile field, {@code #<length><case>} for an id, {@code ##} for a {@code #}, {@code #p} for
 * the pod's name. The inputs put every boundary where the word path can go wrong: ids of 15, 16 and
 * 17 digits, UUIDs with dashes in and out of place, runs crossing words, fields and {@code '='} at
 * every offset. The seed is printed; replay with {@code -Dpodnet.seed=N}.
 */
class CacheKeyTest {

  private static final List<String> FIELDS =
      List.of("time=\"", "pod=\"", "podUID=\"", "podSandboxID=\"");

  @Test
  void knownLinesGiveTheirKeys() {
    assertThat(key("Nov 20 00:00:01 worker-7 containerd[818]: time=\"2026-11-20T00:00:01Z\" x"))
        .isEqualTo("#f x");
    assertThat(
            key("sandbox \\\"3018b70f56bb72f266091ca85313fa685566dbe893f1b4aeec805ce66ea7656e\\\""))
        .isEqualTo("sandbox \\\"#64l\\\"");
    assertThat(key("uid 0e72f936-ca02-ead5-3a90-2d0cb7f01ce9 and 0E72F936CA02EAD5 end"))
        .isEqualTo("uid #36l and #16u end");
    assertThat(key("fifteen 0123456789abcde stays")).isEqualTo("fifteen 0123456789abcde stays");
    assertThat(key("wrong dashes 0e72f936c-a02-ead5-3a90-2d0cb7f01ce9"))
        .isEqualTo("wrong dashes 0e72f936c-a02-ead5-3a90-2d0cb7f01ce9");
    assertThat(key("a # and a=b and xtime=\"1\"")).isEqualTo("a ## and a=b and xtime=\"1\"");
    assertThat(key("err=\"x\" pod=\"web/api-1\" for api-1 again api-1"))
        .isEqualTo("err=\"x\" #f for #p again #p");
    assertThat(key("caf\u00e9 time=\"1\"")).isNull();
  }

  @Test
  void everyPathGivesTheDefinedKey() {
    long seed = Long.getLong("podnet.seed", System.nanoTime());
    System.out.println("CacheKeyTest seed " + seed + " (replay: -Dpodnet.seed=" + seed + ")");
    Random random = new Random(seed);
    byte[] scratch = new byte[1 << 12];
    for (int round = 0; round < 200_000; round++) {
      String line = line(random);
      byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
      // The line sits somewhere inside a larger buffer, with bytes around it that must not count.
      int before = random.nextInt(9);
      byte[] data = new byte[before + bytes.length + random.nextInt(9)];
      random.nextBytes(data);
      System.arraycopy(bytes, 0, data, before, bytes.length);
      String actual = LogScanner.cacheKey(data, before, before + bytes.length, line, scratch);
      assertThat(actual).as("seed %d round %d: %s", seed, round, line).isEqualTo(defined(line));
    }
  }

  private static String key(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    return LogScanner.cacheKey(bytes, 0, bytes.length, line, new byte[2 * bytes.length + 16]);
  }

  // ---------------------------------------------------------------------------------------------
  // The definition, on characters

  private static String defined(String line) {
    if (line.chars().anyMatch(c -> c > 0x7F)) {
      return null;
    }
    byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
    int start = LogHeaders.end(bytes, 0, bytes.length);
    StringBuilder key = new StringBuilder();
    int i = start;
    scan:
    while (i < line.length()) {
      char c = line.charAt(i);
      if ((c == 't' || c == 'p') && (i == start || line.charAt(i - 1) == ' ')) {
        for (String field : FIELDS) {
          if (line.startsWith(field, i)) {
            int close = line.indexOf('"', i + field.length());
            if (close >= 0) {
              key.append("#f");
              i = close + 1;
              continue scan;
            }
            break;
          }
        }
      }
      if (hex(c)) {
        int j = i;
        while (j < line.length() && (hex(line.charAt(j)) || line.charAt(j) == '-')) {
          j++;
        }
        String run = line.substring(i, j);
        int digits = run.replace("-", "").length();
        // 16 or more digits without a dash, or a UUID: 32 digits, dashes after 8, 12, 16, 20.
        boolean uuid =
            run.length() == 36
                && digits == 32
                && run.charAt(8) == '-'
                && run.charAt(13) == '-'
                && run.charAt(18) == '-'
                && run.charAt(23) == '-';
        boolean id = (digits >= 16 && run.length() == digits) || uuid;
        if (id) {
          boolean lower = !run.equals(run.toUpperCase(java.util.Locale.ROOT));
          boolean upper = !run.equals(run.toLowerCase(java.util.Locale.ROOT));
          key.append('#')
              .append(run.length())
              .append("nlum".charAt((lower ? 1 : 0) | (upper ? 2 : 0)));
        } else {
          key.append(run);
        }
        i = j;
        continue;
      }
      key.append(c);
      if (c == '#') {
        key.append('#');
      }
      i++;
    }
    String pod = LogScanner.podName(line); // which name: not what this test is about
    String result = key.toString();
    return pod != null && pod.length() >= 3 && pod.indexOf('#') < 0
        ? result.replace(pod, "#p")
        : result;
  }

  private static boolean hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  // ---------------------------------------------------------------------------------------------
  // Lines

  private static final String[] HEADERS = {
    "",
    "Nov 20 00:00:01 worker-7 containerd[818]: ",
    "E1120 00:00:01.791709    1193 log.go:32] ",
    "2025-01-07T10:00:01+0000 worker-1 containerd[812]: ",
    "Nov  2 00:00:01 ab12 kubelet: "
  };

  private static final String[] WORDS = {
    "failed to setup network for sandbox",
    "plugin type=\\\"bridge\\\"",
    "cni plugin not initialized",
    "-",
    "--",
    "#",
    "=",
    "\"",
    " ",
    " ",
    "t",
    "p",
    "x",
    "G",
    "g",
    "z",
    "=\"",
    "\\\"",
    "err=\"",
    "msg=\"RunPodSandbox\"",
    "PodSandboxMetadata{Name:",
    ",Uid:",
    "pod=\"web/",
    "api-55e32f56e-ed2f2",
    "\u00e9"
  };

  private static String line(Random random) {
    StringBuilder line = new StringBuilder(HEADERS[random.nextInt(HEADERS.length)]);
    int pieces = random.nextInt(24);
    for (int k = 0; k < pieces; k++) {
      switch (random.nextInt(7)) {
        case 0 -> line.append(FIELDS.get(random.nextInt(FIELDS.size())));
        case 1, 2 -> line.append(hexRun(random, random.nextInt(40) + 1));
        case 3 -> line.append(uuid(random));
        default -> {
          String word = WORDS[random.nextInt(WORDS.length)];
          if (!word.equals("\u00e9") || random.nextInt(20) == 0) {
            line.append(word);
          }
        }
      }
    }
    return line.toString();
  }

  private static String hexRun(Random random, int length) {
    String digits = random.nextInt(3) == 0 ? "0123456789ABCDEF" : "0123456789abcdef";
    StringBuilder run = new StringBuilder();
    for (int k = 0; k < length; k++) {
      run.append(random.nextInt(12) == 0 ? '-' : digits.charAt(random.nextInt(digits.length())));
    }
    return run.toString();
  }

  private static String uuid(Random random) {
    StringBuilder uuid = new StringBuilder(hexRun(random, 32).replace('-', 'a'));
    for (int at : new int[] {8, 13, 18, 23}) {
      uuid.insert(random.nextInt(10) == 0 ? at + 1 : at, '-');
    }
    return uuid.toString();
  }
}
