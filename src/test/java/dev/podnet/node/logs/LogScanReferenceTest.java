package dev.podnet.node.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.classify.CauseCatalog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast scanner (chunks, word-wise sampling, threads, byte-level cache keys, cached verdicts)
 * finds exactly what {@link LogScanReference}, the plain line-by-line scan, finds: per cause the
 * count, first and last seen, the time buckets, the rules and the distinct innermost errors, and
 * the totals (lines, candidates, failure lines, truncated and undated lines, the year source).
 * Inputs are the real log fixtures and the real messages of the classifier's test set in journal
 * shapes, and seeded random journals full of edge cases: anchors cut by the line limit, control
 * bytes and case changes inside anchors, CRLF, invalid UTF-8, lines longer than a chunk, short
 * lines, New Year in a year-less journal, time going backwards. The seed is printed; replay with
 * {@code -Dpodnet.seed=N}.
 */
class LogScanReferenceTest {

  private static final CauseCatalog CATALOG = CauseCatalog.load();
  private static final DateTimeFormatter SHORT =
      DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ROOT);
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);
  private static final DateTimeFormatter KLOG =
      DateTimeFormatter.ofPattern("MMdd HH:mm:ss", Locale.ROOT);

  @Test
  void realFixturesAgreeWithTheReference() throws IOException {
    for (String name :
        List.of(
            "kubelet-flannel-subnet-env.journal",
            "kubelet-network-plugin-not-ready.journal",
            "crictl-calico-pods-not-found.log",
            "containerd-short-iso.journal")) {
      byte[] bytes;
      try (InputStream in = LogScanReferenceTest.class.getResourceAsStream(name)) {
        assertThat(in).as(name).isNotNull();
        bytes = in.readAllBytes();
      }
      for (ScanOptions options :
          List.of(
              ScanOptions.DEFAULTS,
              ScanOptions.DEFAULTS.withThreads(0).withMaxLineBytes(256).withYear(2024))) {
        assertAgrees(bytes, options, name);
      }
    }
  }

  @Test
  void realMessagesInJournalShapesAgreeWithTheReference() throws IOException {
    long seed = seed();
    Random random = new Random(seed);
    List<String> messages = realMessages();
    assertThat(messages).hasSizeGreaterThan(100);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Clock clock = new Clock(random);
    for (int round = 0; round < 3; round++) {
      for (String message : messages) {
        out.writeBytes(line(clock, message, random).getBytes(StandardCharsets.UTF_8));
        out.write('\n');
      }
    }
    byte[] bytes = out.toByteArray();
    assertAgrees(bytes, ScanOptions.DEFAULTS, "real messages, seed " + seed);
    assertAgrees(
        bytes,
        ScanOptions.DEFAULTS.withThreads(0).withMaxInnermostPerCause(3).withMaxLineBytes(300),
        "real messages, cut at 300 bytes, seed " + seed);
  }

  @Test
  void generatedJournalsWithEdgeCasesAgreeWithTheReference() throws IOException {
    long seed = seed();
    Random random = new Random(seed);
    List<String> messages = realMessages();
    for (int round = 0; round < 4; round++) {
      int limit = 256 + random.nextInt(2048);
      ScanOptions options =
          ScanOptions.DEFAULTS
              .withMaxLineBytes(limit)
              .withThreads(random.nextInt(3))
              .withMaxInnermostPerCause(1 + random.nextInt(12))
              .withBucket(Duration.ofSeconds(1 + random.nextInt(7200)))
              .withYear(random.nextBoolean() ? null : 2020 + random.nextInt(10));
      byte[] bytes = journal(random, messages, limit, round == 0 ? 3_000_000 : 400_000);
      assertAgrees(bytes, options, "seed " + seed + " round " + round + " " + options);
    }
  }

  /**
   * The cache's contract: two lines with one key get one cause and rule, and one innermost error
   * whenever the verdict is marked shared; lines whose verdict is not shared are classified each.
   * Lines in every shape {@link #line} makes, with header mutations, pods named in the message and
   * ids of every length.
   */
  @Test
  void linesWithOneKeyShareOneVerdict() {
    long seed = seed();
    Random random = new Random(seed);
    List<String> messages = realMessages();
    Clock clock = new Clock(random);
    byte[] scratch = new byte[1 << 16];
    Map<String, List<String>> byKey = new HashMap<>();
    int lines = 20_000;
    for (int i = 0; i < lines; i++) {
      String text = line(clock, messages.get(random.nextInt(messages.size())), random);
      text =
          switch (random.nextInt(6)) {
            case 0 -> text.replaceFirst("^([A-Z][a-z]{2})", random.nextBoolean() ? "dEc" : "Dec ");
            case 1 -> text.replace("kubelet[1]", "kubelet[" + random.nextInt(9) + "]");
            case 2 ->
                text.replace(
                    "\" pod=\"default/web-", " web-" + random.nextInt(9) + "\" pod=\"default/web-");
            case 3 -> text.replaceAll("[0-9a-f]{8}", Long.toHexString(random.nextLong()));
            default -> text;
          };
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      String key = LogScanner.cacheKey(bytes, 0, bytes.length, text, scratch);
      byKey.computeIfAbsent(key == null ? text : key, k -> new ArrayList<>()).add(text);
    }
    int shared = 0;
    for (Map.Entry<String, List<String>> group : byKey.entrySet()) {
      List<String> members = group.getValue();
      List<LogScanner.Verdict> verdicts =
          members.stream().map(line -> LogScanner.verdict(CATALOG, line)).toList();
      for (int a = 0; a < verdicts.size(); a++) {
        assertThat(verdicts.get(a).cause + " " + verdicts.get(a).ruleId)
            .as("seed %d: key %s, every line's cause\n  %s", seed, group.getKey(), members.get(a))
            .isEqualTo(verdicts.get(0).cause + " " + verdicts.get(0).ruleId);
        if (!verdicts.get(a).shared) {
          continue;
        }
        for (int b = 0; b < verdicts.size(); b++) {
          assertThat(describe(verdicts.get(b)))
              .as(
                  "seed %d: key %s\n  %s\n  %s",
                  seed, group.getKey(), members.get(a), members.get(b))
              .isEqualTo(describe(verdicts.get(a)));
        }
      }
      shared += verdicts.get(0).shared ? members.size() - 1 : 0;
    }
    assertThat(shared).as("seed %d: lines that share a verdict", seed).isGreaterThan(lines / 4);
  }

  private static String describe(LogScanner.Verdict verdict) {
    return verdict.cause + " " + verdict.ruleId + " " + verdict.innermost;
  }

  // ---------------------------------------------------------------------------------------------

  private static long seed() {
    long seed = Long.getLong("podnet.seed", System.nanoTime());
    System.out.println(
        "LogScanReferenceTest seed " + seed + " (replay: -Dpodnet.seed=" + seed + ")");
    return seed;
  }

  private static void assertAgrees(byte[] bytes, ScanOptions options, String what)
      throws IOException {
    LogSummary expected = LogScanReference.scan(bytes, what, options, CATALOG);
    LogSummary actual = LogScanner.scan(new ByteArrayInputStream(bytes), what, options);
    assertThat(withoutClassifications(actual)).as(what).isEqualTo(expected);
  }

  private static LogSummary withoutClassifications(LogSummary summary) {
    return new LogSummary(
        summary.name(),
        summary.lines(),
        summary.bytes(),
        summary.candidateLines(),
        summary.matchedLines(),
        summary.truncatedLines(),
        summary.undatedLines(),
        summary.bucket(),
        summary.yearSource(),
        0,
        summary.causes());
  }

  /** The messages of the classifier's real-message set, one log line per message line. */
  private static List<String> realMessages() {
    List<String> messages = new ArrayList<>();
    try (InputStream in =
        LogScanReferenceTest.class.getResourceAsStream("/dev/podnet/classify/real-messages.yaml")) {
      assertThat(in).as("real-messages.yaml").isNotNull();
      boolean inMessage = false;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("  message: |")) {
          inMessage = true;
        } else if (inMessage && line.startsWith("    ")) {
          messages.add(line.substring(4));
        } else {
          inMessage = false;
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return messages;
  }

  /** A clock that mostly moves forward, sometimes back, and crosses New Year now and then. */
  private static final class Clock {
    final Random random;
    LocalDateTime now;

    Clock(Random random) {
      this.random = random;
      this.now = LocalDateTime.of(2025, 12, 31, 22, 0).plusSeconds(random.nextInt(7200));
    }

    LocalDateTime tick() {
      int step = random.nextInt(20) == 0 ? -random.nextInt(600) : random.nextInt(40);
      now = now.plusSeconds(step).withNano(random.nextInt(1_000_000) * 1000);
      return now;
    }
  }

  /** A message in one of the shapes journalctl, klog and containerd print, or bare. */
  private static String line(Clock clock, String message, Random random) {
    LocalDateTime at = clock.tick();
    String host = "worker-" + random.nextInt(4);
    String id = Long.toHexString(random.nextLong() | Long.MIN_VALUE).repeat(4);
    String pod = "web-" + Integer.toHexString(random.nextInt()) + "-x" + random.nextInt(99);
    String escaped = message.replace("\\", "\\\\").replace("\"", "\\\"");
    return switch (random.nextInt(8)) {
      case 0 ->
          SHORT.format(at)
              + " "
              + host
              + " kubelet[1187]: E"
              + KLOG.format(at)
              + ".412311    1187 log.go:32] \"RunPodSandbox from runtime service failed\""
              + " err=\"rpc error: code = Unknown desc = failed to setup network for sandbox \\\""
              + id
              + "\\\": "
              + escaped
              + "\" pod=\"default/"
              + pod
              + "\"";
      case 1 ->
          ISO.format(at)
              + (random.nextBoolean() ? "+0000" : ".123456+02:00")
              + " "
              + host
              + " containerd[812]: time=\""
              + ISO.format(at)
              + ".412311123Z\" level=error msg=\"RunPodSandbox for &PodSandboxMetadata{Name:"
              + pod
              + ",Uid:"
              + id.substring(0, 8)
              + "-"
              + id.substring(8, 12)
              + "-"
              + id.substring(12, 16)
              + "-"
              + id.substring(16, 20)
              + "-"
              + id.substring(20, 32)
              + ",Namespace:default,Attempt:0,} failed, error\" error=\"failed to setup network for"
              + " sandbox \\\""
              + id
              + "\\\": "
              + escaped
              + "\"";
      case 2 ->
          "E"
              + KLOG.format(at)
              + ".000001 1187 pod_workers.go:1298] \"Error syncing pod, skipping\" err=\""
              + escaped
              + "\" pod=\"kube-system/"
              + pod
              + "\" podUID=\""
              + id.substring(0, 36)
              + "\"";
      case 3 ->
          "time=\""
              + ISO.format(at)
              + "Z\" level=error msg=\"Error adding pod default_"
              + pod
              + " to CNI network \\\"k8s-pod-network\\\": "
              + escaped
              + "\"";
      case 4 -> SHORT.format(at) + " " + host + " kubelet[1]: " + message;
      case 5 ->
          SHORT.format(at)
              + " "
              + host
              + " kubelet[1187]: I"
              + KLOG.format(at)
              + ".1 1 kubelet.go:2457] \"SyncLoop (PLEG): event for pod\" pod=\"default/"
              + pod
              + "\" event={\"ID\":\""
              + id
              + "\"}";
      case 6 -> "Ünïcödé 日本 " + SHORT.format(at) + " " + message;
      default -> message;
    };
  }

  /**
   * About {@code size} bytes of journal: mostly the shapes of {@link #line}, mixed with the edge
   * cases the fast path must get right.
   */
  private static byte[] journal(Random random, List<String> messages, int limit, int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Clock clock = new Clock(random);
    byte[] anchorLine =
        "failed to setup network for sandbox \"x\": cni plugin not initialized"
            .getBytes(StandardCharsets.UTF_8);
    while (out.size() < size) {
      int kind = random.nextInt(40);
      String message = messages.get(random.nextInt(messages.size()));
      switch (kind) {
        case 0 -> { // an anchor ending just before, at or just after the limit
          int end = limit - 1 + random.nextInt(3);
          byte[] filler = "y".repeat(Math.max(0, end - anchorLine.length)).getBytes();
          out.writeBytes(filler);
          out.writeBytes(anchorLine);
          out.writeBytes(random.nextBoolean() ? "\r\n".getBytes() : "\n".getBytes());
        }
        case 1 -> { // a line of exactly the limit, one more, one less; CR at the cut
          int length = limit - 1 + random.nextInt(3);
          byte[] lineBytes = line(clock, message, random).getBytes(StandardCharsets.UTF_8);
          byte[] sized = java.util.Arrays.copyOf(lineBytes, length);
          for (int i = lineBytes.length; i < length; i++) {
            sized[i] = 'z';
          }
          if (random.nextBoolean()) {
            sized[length - 1] = '\r';
          }
          out.writeBytes(sized);
          out.write('\n');
        }
        case 2 -> { // control bytes where an anchor has a space, and case changes
          String text = line(clock, message, random);
          StringBuilder mutated = new StringBuilder();
          for (char c : text.toCharArray()) {
            if (c == ' ' && random.nextInt(6) == 0) {
              mutated.append("\t\u0000\u000b\u007f\r\u001f".charAt(random.nextInt(6)));
            } else {
              mutated.append(random.nextInt(3) == 0 ? Character.toUpperCase(c) : c);
            }
          }
          out.writeBytes(mutated.toString().getBytes(StandardCharsets.UTF_8));
          out.write('\n');
        }
        case 3 -> { // invalid UTF-8 inside a failure line
          String text = line(clock, message, random);
          int cut = random.nextInt(text.length() + 1);
          out.writeBytes(text.substring(0, cut).getBytes(StandardCharsets.UTF_8));
          out.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xE2, ' '});
          out.writeBytes(text.substring(cut).getBytes(StandardCharsets.UTF_8));
          out.write('\n');
        }
        case 4 -> { // short and empty lines: several newlines in one word
          for (int i = random.nextInt(12); i > 0; i--) {
            out.writeBytes("ab\n".substring(random.nextInt(3)).getBytes());
          }
        }
        case 5 -> { // binary garbage without newlines
          byte[] garbage = new byte[1 + random.nextInt(3000)];
          random.nextBytes(garbage);
          for (int i = 0; i < garbage.length; i++) {
            if (garbage[i] == '\n') {
              garbage[i] = 'g';
            }
          }
          out.writeBytes(garbage);
          out.write('\n');
        }
        case 6 -> { // now and then a line longer than a whole chunk, an anchor early or late
          if (random.nextInt(8) == 0) {
            boolean early = random.nextBoolean();
            if (early) {
              out.writeBytes(anchorLine);
            }
            out.writeBytes("q".repeat(LogScanner.CHUNK_BYTES + random.nextInt(5000)).getBytes());
            if (!early) {
              out.writeBytes(anchorLine);
            }
            out.write('\n');
          }
        }
        default -> {
          out.writeBytes(line(clock, message, random).getBytes(StandardCharsets.UTF_8));
          out.writeBytes(random.nextInt(10) == 0 ? "\r\n".getBytes() : "\n".getBytes());
        }
      }
    }
    if (random.nextBoolean()) {
      out.writeBytes(line(clock, messages.get(0), random).getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
