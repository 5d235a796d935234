package dev.podnet.node;

import dev.podnet.check.Evidence;
import dev.podnet.check.Finding;
import dev.podnet.check.NextStep;
import dev.podnet.check.Table;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import dev.podnet.node.logs.CauseSummary;
import dev.podnet.node.logs.InnermostError;
import dev.podnet.node.logs.LogScanner;
import dev.podnet.node.logs.LogSummary;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The kubelet, containerd and CRI-O logs of a node, classified line by line with the same catalog
 * as {@code explain}: on collected files the saved logs, on a live node the journal read through
 * {@code journalctl} (an argument list, never a shell).
 */
final class LogCheck {
  static final List<String> SAVED_LOGS =
      List.of("logs/kubelet.log", "logs/containerd.log", "logs/crio.log");

  /** How long the journal read may take on a live node. */
  static final Duration JOURNAL_TIMEOUT = Duration.ofMinutes(2);

  /** The journalctl argument list: this boot, the three units, ISO timestamps. */
  static final List<String> JOURNALCTL =
      List.of(
          "journalctl",
          "-u",
          "kubelet",
          "-u",
          "containerd",
          "-u",
          "crio",
          "-b",
          "--no-pager",
          "-o",
          "short-iso");

  private LogCheck() {}

  /**
   * Scans the saved logs under the root, or the live journal when there are none on a live root.
   */
  static List<LogSummary> scan(NodeFiles files) throws IOException {
    List<LogSummary> summaries = new ArrayList<>();
    for (String path : SAVED_LOGS) {
      Optional<String> text = files.read(path);
      if (text.isPresent()) {
        try (InputStream in =
            new ByteArrayInputStream(text.get().getBytes(StandardCharsets.UTF_8))) {
          summaries.add(LogScanner.scan(in, path));
        }
      }
    }
    if (summaries.isEmpty() && files.live() && "/".equals(files.location())) {
      journal().ifPresent(summaries::add);
    }
    return summaries;
  }

  /** The live journal, or empty when journalctl is not there or fails. */
  private static Optional<LogSummary> journal() throws IOException {
    Process process;
    try {
      process =
          new ProcessBuilder(JOURNALCTL).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      return Optional.empty(); // no journalctl on this host
    }
    try (InputStream in = process.getInputStream()) {
      LogSummary summary = LogScanner.scan(in, String.join(" ", JOURNALCTL));
      if (!process.waitFor(JOURNAL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.empty();
      }
      return process.exitValue() == 0 ? Optional.of(summary) : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return Optional.empty();
    }
  }

  static Table table(List<LogSummary> summaries) {
    List<List<String>> rows = new ArrayList<>();
    for (LogSummary summary : summaries) {
      for (CauseSummary cause : summary.causes()) {
        rows.add(
            List.of(
                summary.name(),
                cause.cause().id(),
                Long.toString(cause.count()),
                cause.firstSeen() == null ? "-" : cause.firstSeen().toString(),
                cause.lastSeen() == null ? "-" : cause.lastSeen().toString(),
                cause.innermostErrors().isEmpty() ? "-" : cause.innermostErrors().get(0).text()));
      }
    }
    return new Table(
        "log-lines",
        "Failure lines in the node's logs",
        List.of(
            "LOG", "CAUSE", "LINES", "FIRST SEEN", "LAST SEEN", "MOST FREQUENT INNERMOST ERROR"),
        rows);
  }

  /** One finding per cause and log: what the runtime and kubelet recorded, most frequent first. */
  static List<Finding> findings(List<LogSummary> summaries, NodeContext context) {
    List<Finding> findings = new ArrayList<>();
    for (LogSummary summary : summaries) {
      for (CauseSummary cause : summary.causes()) {
        if (cause.cause() == RootCause.UNKNOWN && cause.count() == 0) {
          continue;
        }
        List<Evidence> evidence = new ArrayList<>();
        for (InnermostError error : cause.innermostErrors().stream().limit(5).toList()) {
          evidence.add(
              new Evidence("log", summary.name(), "(x" + error.count() + ") " + error.text()));
        }
        String window =
            cause.firstSeen() == null
                ? ""
                : " between " + cause.firstSeen() + " and " + cause.lastSeen();
        findings.add(
            context.finding(
                "node-logs",
                cause.cause(),
                Severity.WARNING,
                cause.count() + " " + cause.cause().id() + " failure line(s) in " + summary.name(),
                summary.name()
                    + " records "
                    + cause.count()
                    + " sandbox/CNI failure line(s) of this cause"
                    + window
                    + "; the log is history: check the live state before acting on it.",
                evidence,
                List.of(
                    new NextStep(
                        "Read the newest of them on the node",
                        "journalctl -u kubelet -u containerd -b --no-pager | grep -E 'failed to setup network|cni' | tail -n 20"))));
      }
    }
    return findings;
  }
}
