package dev.podnet.report;

import dev.podnet.check.NextStep;
import dev.podnet.fix.reclaim.Decision;
import dev.podnet.fix.reclaim.HostLocalDisk;
import dev.podnet.fix.reclaim.ReclaimIps;
import dev.podnet.fix.reclaim.ReclaimReport;
import dev.podnet.fix.reclaim.RestoreReport;
import dev.podnet.fix.reclaim.VendorAdvice;
import dev.podnet.fix.reclaim.Verdict;
import dev.podnet.model.SourceInfo;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints the results of {@code podnet fix reclaim-ips}: a host-local run, a restore, and the vendor
 * commands for Calico and Cilium, as a table or as the same tree in JSON or YAML.
 */
public final class ReclaimRenderer {
  static final String COMMAND = "fix reclaim-ips";

  private ReclaimRenderer() {}

  /** Writes a host-local run's report. */
  public static void render(ReclaimReport report, Format format, Appendable out)
      throws IOException {
    write(format, sink -> table(report, sink), () -> tree(report), out);
  }

  /** Writes what a restore did or would do. */
  public static void render(RestoreReport report, Format format, Appendable out)
      throws IOException {
    write(format, sink -> table(report, sink), () -> tree(report), out);
  }

  /** Writes the vendor commands for the CNIs of a cluster source. */
  public static void render(
      List<VendorAdvice> advice, SourceInfo source, Format format, Appendable out)
      throws IOException {
    write(format, sink -> table(advice, source, sink), () -> tree(advice, source), out);
  }

  /** A table printer. */
  @FunctionalInterface
  private interface Table {
    void print(Appendable out) throws IOException;
  }

  /** The table, or the tree as JSON or YAML; reclaim-ips has no Markdown report. */
  private static void write(
      Format format, Table table, java.util.function.Supplier<Node> tree, Appendable out)
      throws IOException {
    switch (format) {
      case TABLE -> table.print(out);
      case JSON -> JsonWriter.pretty(tree.get(), out);
      case YAML -> YamlWriter.document(tree.get(), out);
      case MARKDOWN -> throw new IllegalArgumentException("reclaim-ips prints table, json or yaml");
    }
  }

  private static void table(ReclaimReport report, Appendable out) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(
        "podnet "
            + COMMAND
            + " · node "
            + report.node()
            + " · root "
            + report.root()
            + " · "
            + (report.apply() ? "apply" : "dry run"));
    var sandboxes = report.sandboxes();
    lines.add(
        "sandbox list   "
            + (sandboxes.problem() != null
                ? "not read: " + sandboxes.problem()
                : sandboxes.location()
                    + ": "
                    + sandboxes.sandboxes().byId().size()
                    + " sandboxes, "
                    + sandboxes.ready()
                    + " ready; saved "
                    + sandboxes.savedAt()));
    var pods = report.pods();
    lines.add(
        "API pods       "
            + (pods.problem() != null
                ? "not read from " + pods.source() + ": " + pods.problem()
                : pods.source()
                    + ": "
                    + pods.pods()
                    + " pods on "
                    + report.node()
                    + ", "
                    + pods.byIp().size()
                    + " addresses held"));
    lines.add(
        "observations   "
            + report.observationsFile()
            + ": "
            + (report.plan().observed()
                ? "this run recorded at " + report.observedAt()
                : "this run not recorded (no sandbox list)")
            + "; cooldown "
            + ReclaimIps.formatDuration(report.cooldown()));
    lines.add("");
    if (report.decisions().isEmpty()) {
      lines.add("No host-local reservations under the root.");
    } else {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"NETWORK", "IP", "CONTAINER", "VERDICT", "LEAKED SINCE", "WHY"});
      for (Decision decision : report.decisions()) {
        var file = decision.reservation();
        rows.add(
            new String[] {
              TerminalText.oneLine(file.network()),
              TerminalText.oneLine(file.ip()),
              file.containerId().isEmpty()
                  ? "-"
                  : TerminalText.oneLine(shortId(file.containerId())),
              decision.verdict().label(),
              decision.firstSeen() == null ? "-" : decision.firstSeen().toString(),
              TerminalText.oneLine(decision.why())
            });
      }
      lines.addAll(TerminalText.columns(rows, new boolean[6]));
    }
    lines.add("");
    lines.add(counts(report));
    for (String blocker : report.plan().blockers()) {
      lines.add("Nothing can be released: " + TerminalText.oneLine(blocker) + ".");
    }
    long waiting = report.count(Verdict.WAITING);
    if (waiting > 0) {
      Instant next = report.plan().nextRelease().orElseThrow();
      lines.add(
          waiting
              + " wait for the cooldown: run again at or after "
              + next
              + " (a dry run first, then --apply).");
    }
    long releasable = report.count(Verdict.RELEASABLE);
    if (releasable > 0) {
      lines.add(
          releasable
              + " releasable: run again with --apply to move "
              + (releasable == 1 ? "it" : "them")
              + " into a dated backup folder.");
    }
    if (report.backup() != null) {
      lines.add(
          "Released "
              + report.count(Verdict.RELEASED)
              + ": the files are in "
              + report.backup()
              + "; to undo: podnet fix reclaim-ips --root "
              + report.root()
              + " --restore "
              + report.backup()
              + " --apply");
    }
    if (report.count(Verdict.SANDBOX_STOPPED) > 0) {
      lines.add(
          "Stopped sandboxes release their addresses through the runtime: crictl rmp <sandbox id>.");
    }
    if (report.exitCode() == 0 && report.backup() == null) {
      lines.add("Nothing to release.");
    }
    write(lines, out);
  }

  private static String counts(ReclaimReport report) {
    List<String> parts = new ArrayList<>();
    for (Verdict verdict : Verdict.values()) {
      long count = report.count(verdict);
      if (count > 0) {
        parts.add(count + " " + verdict.label());
      }
    }
    int total = report.decisions().size();
    return total
        + " reservation"
        + (total == 1 ? "" : "s")
        + (parts.isEmpty() ? "." : ": " + String.join(", ", parts) + ".");
  }

  private static void table(RestoreReport report, Appendable out) throws IOException {
    HostLocalDisk.RestorePlan plan = report.plan();
    List<String> lines = new ArrayList<>();
    lines.add(
        "podnet "
            + COMMAND
            + " --restore "
            + plan.backup()
            + " · node "
            + plan.node()
            + " · root "
            + report.root()
            + " · "
            + (report.apply() ? "apply" : "dry run"));
    lines.add("backup taken at " + plan.createdAt());
    lines.add("");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NETWORK", "IP", "CONTAINER", "MODE", "STATE", "TO"});
    for (HostLocalDisk.BackupEntry entry : plan.toRestore()) {
      rows.add(row(entry, report.apply() ? "restored" : "to restore"));
    }
    for (HostLocalDisk.BackupEntry entry : plan.inPlace()) {
      rows.add(row(entry, "already in place"));
    }
    lines.addAll(TerminalText.columns(rows, new boolean[6]));
    lines.add("");
    int count = plan.toRestore().size();
    lines.add(
        report.apply()
            ? "Restored "
                + count
                + " file"
                + (count == 1 ? "" : "s")
                + " (name, bytes, permissions, modification time); the backup folder is removed."
            : count
                + " file"
                + (count == 1 ? "" : "s")
                + " can go back exactly where "
                + (count == 1 ? "it was" : "they were")
                + ": add --apply to restore.");
    write(lines, out);
  }

  private static String[] row(HostLocalDisk.BackupEntry entry, String state) {
    return new String[] {
      TerminalText.oneLine(entry.network()),
      TerminalText.oneLine(entry.ip()),
      TerminalText.oneLine(shortId(entry.containerId())),
      entry.permissions() == null ? "-" : entry.permissions(),
      state,
      TerminalText.oneLine("/" + entry.directory() + "/" + entry.fileName())
    };
  }

  private static void table(List<VendorAdvice> advice, SourceInfo source, Appendable out)
      throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("podnet " + COMMAND + DiagnosisTable.source(source));
    if (advice.isEmpty()) {
      lines.add("");
      lines.add(
          "No Calico or Cilium IPAM objects in this source. For host-local, run on the node:"
              + " podnet fix reclaim-ips --root / --node NAME");
    }
    for (VendorAdvice item : advice) {
      lines.add("");
      lines.add(item.cni() + ":");
      for (String line : TerminalText.wrap(TerminalText.oneLine(item.summary()), 98)) {
        lines.add("  " + line);
      }
      int number = 1;
      for (NextStep step : item.steps()) {
        String marker = String.format(Locale.ROOT, "%-4s", number++ + ".");
        List<String> action = TerminalText.wrap(TerminalText.oneLine(step.action()), 94);
        lines.add("  " + marker + action.get(0));
        for (String more : action.subList(1, action.size())) {
          lines.add("      " + more);
        }
        if (step.command() != null) {
          lines.add("        " + TerminalText.oneLine(step.command()));
        }
      }
    }
    write(lines, out);
  }

  private static Node tree(ReclaimReport report) {
    var sandboxes = report.sandboxes();
    var pods = report.pods();
    Node.MappingBuilder summary = Node.mapping().number("reservations", report.decisions().size());
    for (Verdict verdict : Verdict.values()) {
      summary.number(camel(verdict.label()), report.count(verdict));
    }
    return Node.mapping()
        .number("schemaVersion", 1)
        .text("command", COMMAND)
        .text("mode", report.apply() ? "apply" : "dry-run")
        .text("node", report.node())
        .text("root", report.root())
        .text("observedAt", report.observedAt().toString())
        .text("cooldown", ReclaimIps.formatDuration(report.cooldown()))
        .node(
            "sandboxList",
            Node.mapping()
                .text("location", sandboxes.location())
                .text(
                    "savedAt", sandboxes.savedAt() == null ? null : sandboxes.savedAt().toString())
                .number(
                    "sandboxes",
                    sandboxes.sandboxes() == null ? null : sandboxes.sandboxes().byId().size())
                .number("ready", sandboxes.sandboxes() == null ? null : (int) sandboxes.ready())
                .text("problem", sandboxes.problem())
                .build())
        .node(
            "apiPods",
            Node.mapping()
                .text("source", pods.source())
                .number("pods", pods.problem() == null ? pods.pods() : null)
                .number("addressesHeld", pods.problem() == null ? pods.byIp().size() : null)
                .text("problem", pods.problem())
                .build())
        .node(
            "observations",
            Node.mapping()
                .text("file", report.observationsFile())
                .text(
                    "recordedAt", report.plan().observed() ? report.observedAt().toString() : null)
                .build())
        .texts("blockers", report.plan().blockers())
        .node("summary", summary.build())
        .text("nextRelease", report.plan().nextRelease().map(Instant::toString).orElse(null))
        .text("backup", report.backup())
        .node(
            "reservations",
            Node.sequence(
                report.decisions(),
                decision ->
                    Node.mapping()
                        .text("network", decision.reservation().network())
                        .text("directory", decision.reservation().directory())
                        .text("file", decision.reservation().fileName())
                        .text("ip", decision.reservation().ip())
                        .text("containerId", emptyToNull(decision.reservation().containerId()))
                        .text("ifname", emptyToNull(decision.reservation().ifname()))
                        .text("reservedAt", decision.reservation().modified().toString())
                        .text("verdict", decision.verdict().label())
                        .text("why", decision.why())
                        .text(
                            "leakedSince",
                            decision.firstSeen() == null ? null : decision.firstSeen().toString())
                        .text(
                            "releasableAt",
                            decision.releasableAt() == null
                                ? null
                                : decision.releasableAt().toString())
                        .build()))
        .number("exitCode", report.exitCode())
        .build();
  }

  private static Node tree(RestoreReport report) {
    HostLocalDisk.RestorePlan plan = report.plan();
    return Node.mapping()
        .number("schemaVersion", 1)
        .text("command", COMMAND)
        .text("mode", report.apply() ? "restore" : "restore-dry-run")
        .text("node", plan.node())
        .text("root", report.root())
        .text("backup", plan.backup().toString())
        .text("backupCreatedAt", plan.createdAt().toString())
        .node(
            report.apply() ? "restored" : "toRestore",
            Node.sequence(plan.toRestore(), ReclaimRenderer::entry))
        .node("alreadyInPlace", Node.sequence(plan.inPlace(), ReclaimRenderer::entry))
        .build();
  }

  private static Node entry(HostLocalDisk.BackupEntry entry) {
    return Node.mapping()
        .text("network", entry.network())
        .text("directory", entry.directory())
        .text("file", entry.fileName())
        .text("ip", entry.ip())
        .text("containerId", entry.containerId())
        .text("permissions", entry.permissions())
        .text("modified", entry.modified().toString())
        .text("sha256", entry.sha256())
        .build();
  }

  private static Node tree(List<VendorAdvice> advice, SourceInfo source) {
    return Node.mapping()
        .number("schemaVersion", 1)
        .text("command", COMMAND)
        .node(
            "source",
            Node.mapping()
                .text("kind", source.kind())
                .text("location", source.location())
                .text("context", source.context())
                .text("collectedAt", source.collectedAt())
                .build())
        .node(
            "vendors",
            Node.sequence(
                advice,
                item ->
                    Node.mapping()
                        .text("cni", item.cni())
                        .text("summary", item.summary())
                        .node(
                            "leaks",
                            Node.sequence(
                                item.leaks(),
                                leak ->
                                    Node.mapping()
                                        .text("ip", leak.ip())
                                        .text("holder", leak.holder())
                                        .build()))
                        .node(
                            "steps",
                            Node.sequence(
                                item.steps(),
                                step ->
                                    Node.mapping()
                                        .text("action", step.action())
                                        .text("command", step.command())
                                        .build()))
                        .build()))
        .build();
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  private static String emptyToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }

  /** {@code in use} as a JSON key: {@code inUse}. */
  private static String camel(String label) {
    StringBuilder key = new StringBuilder();
    boolean upper = false;
    for (char c : label.toCharArray()) {
      if (c == ' ') {
        upper = true;
      } else {
        key.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return key.toString();
  }

  private static void write(List<String> lines, Appendable out) throws IOException {
    for (String line : lines) {
      out.append(line.stripTrailing()).append('\n');
    }
  }
}
