package dev.podnet.node.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.model.RootCause;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogScannerTest {

  private static LogSummary scanResource(String name, ScanOptions options) throws IOException {
    try (InputStream in = LogScannerTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return LogScanner.scan(in, name, options);
    }
  }

  private static LogSummary scanText(String text, ScanOptions options) throws IOException {
    return LogScanner.scan(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test", options);
  }

  private static CauseSummary cause(LogSummary summary, RootCause cause) {
    return summary.causes().stream()
        .filter(c -> c.cause() == cause)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + cause.id() + " in " + summary));
  }

  @Test
  void realKubeletJournalWithFlannelSubnetEnvFailures() throws IOException {
    LogSummary summary = scanResource("kubelet-flannel-subnet-env.journal", ScanOptions.DEFAULTS);

    assertThat(summary.lines()).isEqualTo(3);
    assertThat(summary.matchedLines()).isEqualTo(3);
    assertThat(summary.causes()).hasSize(1);
    CauseSummary flannel = cause(summary, RootCause.AGENT_NOT_READY);
    assertThat(flannel.count()).isEqualTo(3);
    assertThat(flannel.rules()).containsEntry("flannel-subnet-env-missing", 3L);
    assertThat(flannel.firstSeen().text()).isEqualTo("Oct 26 14:08:18");
    assertThat(flannel.lastSeen().text()).isEqualTo("Oct 26 14:08:18");
    assertThat(flannel.firstSeen().yearKnown()).isFalse();
    assertThat(summary.yearSource()).isEqualTo(LogSummary.YearSource.UNKNOWN);
    assertThat(flannel.innermostErrors()).hasSize(1);
    assertThat(flannel.innermostErrors().get(0).text()).contains("subnet.env");
    assertThat(flannel.innermostErrors().get(0).count()).isEqualTo(3);
    // three different kubelet messages around one error: three classifications, no more
    assertThat(summary.classifications()).isEqualTo(3);
  }

  @Test
  void realNetworkPluginNotReadyWithTheYearGiven() throws IOException {
    LogSummary summary =
        scanResource(
            "kubelet-network-plugin-not-ready.journal", ScanOptions.DEFAULTS.withYear(2022));

    assertThat(summary.lines()).isEqualTo(5);
    CauseSummary missing = cause(summary, RootCause.CNI_CONFIG_MISSING);
    assertThat(missing.count()).isEqualTo(4);
    assertThat(missing.firstSeen().text()).isEqualTo("2022-04-16T22:26:30");
    assertThat(missing.lastSeen().text()).isEqualTo("2022-04-16T22:26:45");
    assertThat(summary.yearSource()).isEqualTo(LogSummary.YearSource.GIVEN);
    assertThat(missing.buckets())
        .singleElement()
        .satisfies(
            bucket -> {
              assertThat(bucket.start().text()).isEqualTo("2022-04-16T22:00:00");
              assertThat(bucket.count()).isEqualTo(4);
            });
  }

  @Test
  void realPlainFileWithoutJournalPrefixCountsAnUnknownCauseHonestly() throws IOException {
    LogSummary summary = scanResource("crictl-calico-pods-not-found.log", ScanOptions.DEFAULTS);

    assertThat(summary.lines()).isEqualTo(3);
    CauseSummary unknown = cause(summary, RootCause.UNKNOWN);
    assertThat(unknown.count()).isEqualTo(2); // the klog line and the FATA line
    assertThat(summary.undatedLines()).isEqualTo(1); // FATA[0000] has no clock
    assertThat(unknown.firstSeen().text()).isEqualTo("Aug 29 08:20:58");
    assertThat(unknown.innermostErrors().get(0).text()).contains("nginx-sandbox");
  }

  @Test
  void shortIsoJournalGivesTheYearAndTheOffset() throws IOException {
    LogSummary summary = scanResource("containerd-short-iso.journal", ScanOptions.DEFAULTS);

    assertThat(summary.lines()).isEqualTo(5);
    assertThat(summary.yearSource()).isEqualTo(LogSummary.YearSource.NOT_NEEDED);
    CauseSummary missing = cause(summary, RootCause.CNI_CONFIG_MISSING);
    assertThat(missing.count()).isEqualTo(2);
    assertThat(missing.firstSeen().text()).isEqualTo("2022-10-23T21:21:50.101202+00:00");
    assertThat(missing.lastSeen().text()).isEqualTo("2022-10-23T21:24:02.554012+00:00");
    assertThat(missing.innermostErrors())
        .extracting(InnermostError::text)
        .contains("cni plugin not initialized");
  }

  /** A crafted journal whose every count is known. */
  private static final String CRAFTED =
      String.join(
          "\n",
          "Nov 20 09:35:02 worker-1 kubelet[1187]: I1120 09:35:02.100000 1187 kubelet.go:2457]"
              + " \"SyncLoop (PLEG): event for pod\" pod=\"default/web-1\"",
          "Nov 20 09:35:02 worker-1 kubelet[1187]: E1120 09:35:02.412311 1187 log.go:32]"
              + " \"RunPodSandbox from runtime service failed\" err=\"rpc error: code = Unknown"
              + " desc = failed to setup network for sandbox"
              + " \\\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\\": plugin"
              + " type=\\\"bridge\\\" failed (add): failed to allocate for range 0: no IP addresses"
              + " available in range set: 10.244.1.2-10.244.1.254\"",
          "Nov 20 10:59:59 worker-1 kubelet[1187]: E1120 10:59:59.000001 1187 log.go:32]"
              + " \"RunPodSandbox from runtime service failed\" err=\"rpc error: code = Unknown"
              + " desc = failed to setup network for sandbox"
              + " \\\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\\\": plugin"
              + " type=\\\"bridge\\\" failed (add): failed to allocate for range 0: no IP addresses"
              + " available in range set: 10.244.1.2-10.244.1.254\"\r",
          "Nov 20 11:00:00 worker-1 containerd[812]: time=\"2026-11-20T11:00:00.5Z\" level=info"
              + " msg=\"StartContainer for \\\"cccc\\\" returns successfully\"",
          "Nov 20 11:15:00 worker-1 containerd[812]: time=\"2026-11-20T11:15:00.5Z\" level=error"
              + " msg=\"RunPodSandbox for &PodSandboxMetadata{Name:api-7,Uid:u,Namespace:prod,"
              + "Attempt:0,} failed, error\" error=\"failed to setup network for sandbox"
              + " \\\"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\\\":"
              + " cni plugin not initialized\"",
          "Nov 20 08:00:00 worker-1 kubelet[1187]: I1120 08:00:00.000000 1187 prober.go:107]"
              + " \"Probe failed\" probeType=\"Readiness\" output=\"connect: connection refused\"",
          "Nov 20 12:00:00 worker-1 kubelet[1187]: E1120 12:00:00.000000 1187 log.go:32]"
              + " \"RunPodSandbox from runtime service failed\" err=\"rpc error: code = Unknown"
              + " desc = failed to setup network for sandbox \\\"eeee\\\": something nobody"
              + " has seen before\"");

  @Test
  void craftedJournalCountsFirstLastAndBucketsExactly() throws IOException {
    LogSummary summary = scanText(CRAFTED, ScanOptions.DEFAULTS.withYear(2026));

    assertThat(summary.lines()).isEqualTo(7); // the last line has no newline and still counts
    assertThat(summary.bytes()).isEqualTo(CRAFTED.getBytes(StandardCharsets.UTF_8).length);
    assertThat(summary.matchedLines()).isEqualTo(4);
    assertThat(summary.truncatedLines()).isZero();
    assertThat(summary.causes())
        .extracting(CauseSummary::cause)
        .containsExactly(RootCause.IPAM_EXHAUSTED, RootCause.CNI_CONFIG_MISSING, RootCause.UNKNOWN);

    CauseSummary ipam = cause(summary, RootCause.IPAM_EXHAUSTED);
    assertThat(ipam.count()).isEqualTo(2);
    assertThat(ipam.firstSeen().text()).isEqualTo("2026-11-20T09:35:02");
    assertThat(ipam.lastSeen().text()).isEqualTo("2026-11-20T10:59:59");
    assertThat(ipam.buckets())
        .extracting(b -> b.start().text() + "=" + b.count())
        .containsExactly("2026-11-20T09:00:00=1", "2026-11-20T10:00:00=1");
    assertThat(ipam.innermostErrors())
        .containsExactly(
            new InnermostError(
                "no IP addresses available in range set: 10.244.1.2-10.244.1.254", 2));

    CauseSummary missing = cause(summary, RootCause.CNI_CONFIG_MISSING);
    assertThat(missing.count()).isEqualTo(1);
    // The journal's clock is read, not containerd's time= field.
    assertThat(missing.firstSeen().text()).isEqualTo("2026-11-20T11:15:00");

    CauseSummary unknown = cause(summary, RootCause.UNKNOWN);
    assertThat(unknown.innermostErrors().get(0).text()).contains("something nobody has seen");
  }

  @Test
  void bucketWidthIsAParameter() throws IOException {
    LogSummary summary =
        LogScanner.scan(
            new ByteArrayInputStream(CRAFTED.getBytes(StandardCharsets.UTF_8)),
            "test",
            Duration.ofDays(1));
    assertThat(cause(summary, RootCause.IPAM_EXHAUSTED).buckets()).hasSize(1);
    assertThat(summary.bucket()).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void resultsDoNotDependOnTheNumberOfThreads() throws IOException {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 40_000; i++) {
      big.append(CRAFTED).append('\n');
    }
    String text = big.toString(); // about 60 MB: many 4 MiB chunks, lines cut at chunk ends
    LogSummary inline = scanText(text, ScanOptions.DEFAULTS.withThreads(0));
    LogSummary parallel = scanText(text, ScanOptions.DEFAULTS.withThreads(2));
    assertThat(parallel).isEqualTo(inline);
    assertThat(inline.lines()).isEqualTo(7L * 40_000);
    assertThat(inline.matchedLines()).isEqualTo(4L * 40_000);
  }

  @Test
  void yearlessTimesCrossingNewYearAdvanceTheYear() throws IOException {
    String text =
        "Dec 31 23:59:59 n kubelet[1]: E1231 23:59:59.000000 1 log.go:32] \"x\" err=\"failed to"
            + " setup network for sandbox \\\"a\\\": cni plugin not initialized\"\n"
            + "Jan  1 00:00:01 n kubelet[1]: E0101 00:00:01.000000 1 log.go:32] \"x\" err=\"failed"
            + " to setup network for sandbox \\\"b\\\": cni plugin not initialized\"\n";
    LogSummary given = scanText(text, ScanOptions.DEFAULTS.withYear(2025));
    CauseSummary missing = cause(given, RootCause.CNI_CONFIG_MISSING);
    assertThat(missing.firstSeen().text()).isEqualTo("2025-12-31T23:59:59");
    assertThat(missing.lastSeen().text()).isEqualTo("2026-01-01T00:00:01");

    LogSummary unknownYear = scanText(text, ScanOptions.DEFAULTS);
    assertThat(cause(unknownYear, RootCause.CNI_CONFIG_MISSING).lastSeen().text())
        .isEqualTo("Jan 01 00:00:01");
  }

  @Test
  void longLinesAreCutAndCounted() throws IOException {
    String failure =
        "Nov 20 09:35:02 n kubelet[1]: E1120 09:35:02.000000 1 log.go:32] \"x\" err=\"failed to"
            + " setup network for sandbox \\\"a\\\": cni plugin not initialized\"";
    String longTail = "x".repeat(300_000);
    String hugeLine = "y".repeat(LogScanner.CHUNK_BYTES + 1000); // longer than a whole chunk
    String text = failure + longTail + "\n" + hugeLine + "\n" + failure + "\n";
    LogSummary summary = scanText(text, ScanOptions.DEFAULTS);

    assertThat(summary.lines()).isEqualTo(3);
    assertThat(summary.truncatedLines()).isEqualTo(2);
    assertThat(cause(summary, RootCause.CNI_CONFIG_MISSING).count()).isEqualTo(2);
  }

  @Test
  void binaryGarbageAndInvalidUtf8DoNotBreakTheScan() throws IOException {
    Random random = new Random(7);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] garbage = new byte[3_000_000];
    random.nextBytes(garbage);
    out.write(garbage);
    out.write('\n');
    // a failure line with invalid UTF-8 and NUL bytes inside; the anchors are intact
    out.write(
        ("Nov 20 09:35:02 n kubelet[1]: E1120 09:35:02.000000 1 log.go:32] \"x\" err=\"failed to"
                + " setup network for sandbox \\\"a\\\": ")
            .getBytes(StandardCharsets.UTF_8));
    out.write(new byte[] {(byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF, ' '});
    out.write(
        "no IP addresses available in range set: 10.1.0.2-10.1.0.254\"\r\n"
            .getBytes(StandardCharsets.UTF_8));
    out.write(garbage, 0, 100_000);
    byte[] bytes = out.toByteArray();
    long newlines = 0;
    for (byte b : bytes) {
      newlines += b == '\n' ? 1 : 0;
    }
    boolean endsWithNewline = bytes[bytes.length - 1] == '\n';

    LogSummary summary = LogScanner.scan(new ByteArrayInputStream(bytes), "garbage");

    assertThat(summary.lines()).isEqualTo(newlines + (endsWithNewline ? 0 : 1));
    assertThat(summary.bytes()).isEqualTo(bytes.length);
    assertThat(cause(summary, RootCause.IPAM_EXHAUSTED).count()).isEqualTo(1);
  }

  @Test
  void distinctInnermostErrorsAreBoundedWithAnOtherCounter() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      text.append("Nov 20 09:35:02 n kubelet[1]: E1120 09:35:02.000000 1 log.go:32] \"x\" err=\"")
          .append(
              "failed to setup network for sandbox \\\"a\\\": no IP addresses available in range set: 10.")
          .append(i)
          .append(".0.2-10.")
          .append(i)
          .append(".0.254\"\n");
    }
    LogSummary summary =
        scanText(text.toString(), ScanOptions.DEFAULTS.withMaxInnermostPerCause(5));
    CauseSummary ipam = cause(summary, RootCause.IPAM_EXHAUSTED);
    assertThat(ipam.count()).isEqualTo(50);
    assertThat(ipam.innermostErrors()).hasSize(5);
    assertThat(ipam.otherInnermostCount()).isEqualTo(45);
  }

  /**
   * 200 MB of journal with a fresh pod, sandbox id and address range on every failure, generated
   * while it is read: the summary keeps bounded structures however many distinct lines pass.
   */
  @Test
  void retainedStructuresStayBoundedOnA200MegabyteStream() throws IOException {
    long target = 200L << 20;
    InputStream in = new GeneratedJournal(target, 42);
    ScanOptions options = ScanOptions.DEFAULTS.withYear(2026);
    LogSummary summary = LogScanner.scan(in, "generated", options);

    assertThat(summary.bytes()).isGreaterThanOrEqualTo(target);
    assertThat(summary.matchedLines()).isEqualTo(((GeneratedJournal) in).failureLines);
    for (CauseSummary cause : summary.causes()) {
      assertThat(cause.innermostErrors().size())
          .isLessThanOrEqualTo(options.maxInnermostPerCause());
      // one bucket per hour of the generated clock, not per line
      assertThat(cause.buckets().size())
          .isLessThanOrEqualTo((int) (((GeneratedJournal) in).seconds / 3600 + 2));
    }
    CauseSummary ipam = cause(summary, RootCause.IPAM_EXHAUSTED);
    assertThat(ipam.otherInnermostCount()).isPositive(); // distinct ranges beyond the bound
    // a fresh sandbox id and pod on every line, yet one classification per distinct range
    assertThat(summary.classifications()).isLessThanOrEqualTo(256);
    assertThat(summary.matchedLines()).isGreaterThan(50_000);
  }

  /** An endless-looking journal made on the fly; nothing of it is kept. */
  private static final class GeneratedJournal extends InputStream {
    private final long target;
    private final Random random;
    private byte[] line = new byte[0];
    private int position;
    private long produced;
    private long seconds;
    long failureLines;

    GeneratedJournal(long target, long seed) {
      this.target = target;
      this.random = new Random(seed);
    }

    private boolean next() {
      if (produced >= target) {
        return false;
      }
      seconds += random.nextInt(2);
      long s = seconds % 60;
      long m = seconds / 60 % 60;
      long h = seconds / 3600 % 24;
      long d = 20 + seconds / 86400;
      String clock = String.format("Nov %02d %02d:%02d:%02d", d, h, m, s);
      String text;
      if (random.nextInt(16) == 0) {
        failureLines++;
        text =
            clock
                + " w kubelet[1]: E1120 00:00:00.000000 1 log.go:32] \"RunPodSandbox from"
                + " runtime service failed\" err=\"rpc error: code = Unknown desc = failed to setup"
                + " network for sandbox \\\""
                + String.format("%016x%016x", random.nextLong(), random.nextLong()) // fixed length
                + "\\\": plugin type=\\\"bridge\\\" failed (add): failed to allocate for range 0: no IP"
                + " addresses available in range set: 10."
                + random.nextInt(256)
                + ".0.2-10.0.0.254\""
                + " pod=\"ns/pod-"
                + random.nextInt(1_000_000)
                + "\"\n";
      } else {
        text =
            clock
                + " w kubelet[1]: I1120 00:00:00.000000 1 kubelet.go:2457] \"SyncLoop (PLEG):"
                + " event for pod\" pod=\"ns/pod-"
                + random.nextInt(1_000_000)
                + "\" event={\"ID\":\""
                + Long.toHexString(random.nextLong())
                + "\"}\n";
      }
      line = text.getBytes(StandardCharsets.UTF_8);
      position = 0;
      produced += line.length;
      return true;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      int copied = 0;
      while (copied < length) {
        if (position == line.length && !next()) {
          break;
        }
        int n = Math.min(length - copied, line.length - position);
        System.arraycopy(line, position, buffer, offset + copied, n);
        position += n;
        copied += n;
      }
      return copied == 0 && length > 0 ? -1 : copied;
    }
  }
}
