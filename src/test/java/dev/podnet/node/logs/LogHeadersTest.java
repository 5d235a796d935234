package dev.podnet.node.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.classify.CauseCatalog;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LogHeaders} against the classifier it mirrors: what it takes off a line is exactly what
 * the classifier strips (the message left over classifies the same), and on headers that need no
 * normalising it takes all of them. The classifier is the oracle: a bare message the catalog does
 * not know is shown whole as the innermost error, so the innermost error says where the
 * classifier's headers ended.
 */
class LogHeadersTest {

  private static final CauseCatalog CATALOG = CauseCatalog.load();
  private static final String MESSAGE = "zq frobnicated the widget quietly";

  @Test
  void takesTheHeadersOfRealJournalShapes() {
    for (String header :
        List.of(
            "Jul 11 04:35:48 ip-10-0-1-7 kubelet[7018]: ",
            "Dec  1 04:35:48 worker-1 kubelet[7018]: ",
            "Dec 31 23:59:59 worker-1 containerd: ",
            "E0519 00:37:28.550351 1 network.go:102] ",
            "I1231 23:59:59.1 1187 pkg/kubelet/kubelet.go:2457] ",
            "Jul 11 04:35:48 host kubelet[7018]: E0711 04:35:48.412311    7018 log.go:32] ",
            "2024-06-23T18:22:34.666112544+03:00 stdout F ",
            "2024-06-23T18:22:34Z stderr P ",
            "2025-01-07T10:00:01+0000 node-a containerd[812]: ",
            "2025-01-07T10:00:01.123456+02:00 node-a kubelet[1187]: ",
            "2025-01-07 10:00:01 ",
            "2025-01-07T10:00:01+0000 node-a kubelet[1187]: E0107 10:00:01.000001 1187 pod.go:1] ",
            "Dec 31\t23:21:34 worker-2  kubelet[1]:   ", // blank runs: normalised to one space
            "2024-06-23T18:22:34Z  stdout\tF ")) {
      String line = header + MESSAGE;
      assertThat(end(line)).as(header).isEqualTo(header.length());
      assertThat(innermost(line)).as(header).isEqualTo(MESSAGE);
    }
  }

  @Test
  void leavesHeadersTheClassifierKeepsOrOnlyStripsAfterNormalising() {
    for (String header :
        List.of(
            "dEc 31 23:21:34 worker-2 kubelet[1]: ", // the classifier wants a capital month
            "Dec 31 23:21:34 worke\uFFFD( r-2 kubelet[1]: ", // a space inside the host
            "Dec 311 23:21:34 worker-2 kubelet[1]: ",
            "Dec 31 23:21:34 worker-2 kubelet[x]: ",
            "Dec 31 23:21:34 worker-2 kube\\\"let[1]: ", // an escaped quote in the process
            "2025-01-02T01:56:02+0000 ip-10-0-1-7.e\\\"2 kubelet[31853]: ", // unescaped: short-iso
            "2025-01-07T10:00:01+0000 node-a containerd: ", // short-iso without a pid
            "2025-01-07T10:00:01.1234567891Z ",
            "2025-01-07T10:00:01+02:0 ",
            "E0519 00:37:28.550351 1 network.go] ",
            "E0519 00:37:28 1 network.go:102] ",
            "E0519 00:37:28.550351 1 network.go:1234567] ",
            "[ERROR][4035329] plugin.go 121: ")) {
      String line = header + MESSAGE;
      int end = end(line);
      assertThat(end).as(header).isLessThan(header.length());
      assertSound(line, end);
    }
  }

  @Test
  void randomHeadersAreTakenExactlyAsTheClassifierStripsThem() {
    long seed = Long.getLong("podnet.seed", System.nanoTime());
    System.out.println("LogHeadersTest seed " + seed + " (replay: -Dpodnet.seed=" + seed + ")");
    Random random = new Random(seed);
    int whole = 0;
    for (int i = 0; i < 4_000; i++) {
      StringBuilder header = new StringBuilder();
      for (int parts = 1 + random.nextInt(3); parts > 0; parts--) {
        header.append(part(random));
      }
      String clean = header.toString();
      String line = mutate(clean, random) + MESSAGE;
      int end = end(line);
      assertSound(line, end);
      if (line.equals(clean + MESSAGE) && innermost(line).equals(MESSAGE)) {
        assertThat(end).as("seed %d: %s", seed, line).isEqualTo(clean.length());
        whole++;
      }
    }
    assertThat(whole).as("seed %d: headers taken whole", seed).isGreaterThan(1_000);
  }

  /** The classifier gives the same innermost error with or without what was taken. */
  private static void assertSound(String line, int end) {
    assertThat(innermost(line.substring(end))).as(line).isEqualTo(innermost(line));
  }

  private static int end(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    int end = LogHeaders.end(bytes, 0, bytes.length);
    return new String(bytes, 0, end, StandardCharsets.UTF_8).length();
  }

  private static String innermost(String line) {
    return CATALOG.explain(line).chain().innermost();
  }

  private static final String[] MONTHS = {"Jan", "Feb", "Dec", "May"};

  private static String part(Random random) {
    String hms = two(random, 24) + ":" + two(random, 60) + ":" + two(random, 60);
    String host = random.nextBoolean() ? "worker-" + random.nextInt(100) : "ip-10-0-1-7.ec2";
    String process = random.nextBoolean() ? "kubelet" : "containerd";
    String pid = "[" + (1 + random.nextInt(99999)) + "]";
    return switch (random.nextInt(4)) {
      case 0 -> {
        int day = 1 + random.nextInt(31);
        String pad = day < 10 && random.nextBoolean() ? "  " : " ";
        yield MONTHS[random.nextInt(MONTHS.length)]
            + pad
            + day
            + " "
            + hms
            + " "
            + host
            + " "
            + process
            + (random.nextBoolean() ? pid : "")
            + ": ";
      }
      case 1 ->
          "IWEF".charAt(random.nextInt(4))
              + two(random, 13)
              + two(random, 29)
              + " "
              + hms
              + "."
              + (1 + random.nextInt(999999))
              + " "
              + (1 + random.nextInt(9999))
              + " "
              + (random.nextBoolean() ? "pkg/kubelet/kubelet.go:" : "log.go:")
              + (1 + random.nextInt(9999))
              + "] ";
      case 2 ->
          "2025-"
              + two(random, 13)
              + "-"
              + two(random, 29)
              + (random.nextBoolean() ? "T" : " ")
              + hms
              + (random.nextBoolean() ? "." + random.nextInt(1_000_000) : "")
              + List.of("", "Z", "+0000", "-02:00").get(random.nextInt(4))
              + " "
              + (random.nextBoolean() ? "stdout F " : "");
      default ->
          "2025-01-0"
              + (1 + random.nextInt(9))
              + "T"
              + hms
              + "+0000 "
              + host
              + " "
              + process
              + pid
              + ": ";
    };
  }

  private static String two(Random random, int bound) {
    int value = random.nextInt(bound);
    return value < 10 ? "0" + value : Integer.toString(value);
  }

  /** Now and then one change the classifier may or may not forgive. */
  private static String mutate(String header, Random random) {
    if (random.nextInt(3) != 0 || header.isEmpty()) {
      return header;
    }
    int at = random.nextInt(header.length());
    String replacement =
        switch (random.nextInt(7)) {
          case 0 -> "\t";
          case 1 -> "  ";
          case 2 -> String.valueOf(Character.toLowerCase(header.charAt(at)));
          case 3 -> String.valueOf(Character.toUpperCase(header.charAt(at)));
          case 4 -> "7";
          case 5 -> "\\\"";
          default -> "\u00e9";
        };
    return header.substring(0, at) + replacement + header.substring(at + 1);
  }
}
