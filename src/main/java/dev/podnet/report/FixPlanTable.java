package dev.podnet.report;

import static dev.podnet.report.TerminalText.count;
import static dev.podnet.report.TerminalText.oneLine;

import dev.podnet.fix.DurationText;
import dev.podnet.fix.FixOptions;
import dev.podnet.fix.FixPlan;
import dev.podnet.fix.FixPlanJson;
import dev.podnet.fix.FixStep;
import dev.podnet.fix.NodePlan;
import dev.podnet.fix.PlannedEviction;
import dev.podnet.fix.Refusal;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The terminal form of a {@link FixPlan}: what a reviewer reads before anything runs. */
final class FixPlanTable {
  /** Pod rows per node; JSON lists all. */
  static final int POD_ROWS = 25;

  private static final String INDENT = "  ";

  /** Width of a step's number and kind, e.g. {@code 10. wait-registered}. */
  private static final int STEP_HEAD = 22;

  private final Appendable out;
  private final boolean color;

  private FixPlanTable(Appendable out, boolean color) {
    this.out = out;
    this.color = color;
  }

  static void render(FixPlan plan, Appendable out, boolean color) throws IOException {
    new FixPlanTable(out, color).plan(plan);
  }

  private void plan(FixPlan plan) throws IOException {
    line("podnet fix node-cidr · " + oneLine(plan.source()));
    line(clusterLine(plan));
    line(summary(plan));
    if (!plan.nodes().isEmpty()) {
      line("");
      line("Nodes, in order:");
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"#", "NODE", "CAUSE", "EVICT", "STAY", "POD CIDRS NOW", "PDBS"});
      int number = 1;
      for (NodePlan node : plan.nodes()) {
        int evicted = node.evictions().size();
        rows.add(
            new String[] {
              Integer.toString(number++),
              oneLine(node.node()),
              oneLine(node.cause()),
              Integer.toString(evicted),
              Integer.toString(node.pods().size() - evicted),
              node.currentCidrs().isEmpty() ? "-" : oneLine(String.join(",", node.currentCidrs())),
              node.pdbs().isEmpty() ? "-" : oneLine(String.join(",", node.pdbs()))
            });
      }
      for (String row :
          TerminalText.columns(
              rows, new boolean[] {true, false, false, true, true, false, false})) {
        line(INDENT + row);
      }
      number = 1;
      for (NodePlan node : plan.nodes()) {
        line("");
        node(number++, node);
      }
    }
    if (!plan.refusals().isEmpty()) {
      line("");
      line("Refusals:");
      for (Refusal refusal : plan.refusals()) {
        line(
            INDENT
                + TerminalText.paint("REFUSED", TerminalText.RED_BOLD, color)
                + " · "
                + oneLine(refusal.scope())
                + " · "
                + oneLine(refusal.id()));
        wrapped(oneLine(refusal.message()), 2, 2);
        if (refusal.override() != null && !refusal.override().isEmpty()) {
          line(INDENT.repeat(2) + "override: " + oneLine(refusal.override()));
        }
      }
    }
    if (!plan.notes().isEmpty()) {
      line("");
      line("Notes:");
      for (String note : plan.notes()) {
        List<String> lines =
            TerminalText.wrap(oneLine(note), TerminalText.WIDTH - INDENT.length() * 2);
        for (int i = 0; i < lines.size(); i++) {
          line((i == 0 ? INDENT + "- " : INDENT.repeat(2)) + lines.get(i));
        }
      }
    }
    line("");
    wrapped("Options: " + options(plan.options()), 0, 1);
    line(plan.hasWork() ? "Nothing is changed until --apply." : "Nothing to roll.");
  }

  static String clusterLine(FixPlan plan) {
    if (plan.clusterCidrs().isEmpty()) {
      return "cluster CIDR unknown";
    }
    StringBuilder text =
        new StringBuilder("cluster CIDR ").append(oneLine(String.join(",", plan.clusterCidrs())));
    if (plan.clusterCidrSource() != null) {
      text.append(" (").append(oneLine(plan.clusterCidrSource())).append(')');
    }
    if (!plan.nodeMasks().isEmpty()) {
      List<String> masks = new ArrayList<>();
      plan.nodeMasks().forEach(m -> masks.add("/" + m));
      text.append(" · node mask")
          .append(masks.size() == 1 ? " " : "s ")
          .append(String.join(",", masks));
    }
    return text.toString();
  }

  /** {@code 1 node to roll, one at a time · 2 refusals}. */
  static String summary(FixPlan plan) {
    return count(plan.nodes().size(), "node")
        + " to roll"
        + (plan.nodes().size() > 1 ? ", one at a time" : "")
        + " · "
        + count(plan.refusals().size(), "refusal");
  }

  static String options(FixOptions options) {
    List<String> parts = new ArrayList<>();
    parts.add(
        "kubelet restart "
            + options.kubeletRestart()
            + (FixOptions.POD.equals(options.kubeletRestart())
                ? " (" + options.restartImage() + ")"
                : ""));
    parts.add(options.canary() ? "canary " + options.canaryImage() : "no canary");
    parts.add("eviction timeout " + DurationText.format(options.evictionTimeout()));
    parts.add("register timeout " + DurationText.format(options.registerTimeout()));
    parts.add("CIDR timeout " + DurationText.format(options.cidrTimeout()));
    parts.add("ready timeout " + DurationText.format(options.readyTimeout()));
    parts.add("poll every " + DurationText.format(options.pollInterval()));
    parts.add("lease " + DurationText.format(options.leaseDuration()));
    if (options.allowManagedNodes()) {
      parts.add("managed nodes allowed");
    }
    if (options.evictUnreplicated()) {
      parts.add("unreplicated pods evicted");
    }
    return String.join(" · ", parts);
  }

  private void node(int number, NodePlan node) throws IOException {
    line(number + " · " + oneLine(node.node()) + " · " + oneLine(node.cause()));
    wrapped(oneLine(node.reason()), 1, 1);
    if (!node.pods().isEmpty()) {
      line("");
      line(INDENT + "Pods:");
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"ACTION", "POD", "OWNER", "PDBS", "REASON"});
      for (PlannedEviction pod : node.pods().subList(0, Math.min(node.pods().size(), POD_ROWS))) {
        rows.add(
            new String[] {
              oneLine(pod.action()),
              oneLine(pod.key()),
              pod.owner() == null ? "-" : oneLine(pod.owner()),
              pod.pdbs().isEmpty() ? "-" : oneLine(String.join(",", pod.pdbs())),
              oneLine(pod.reason())
            });
      }
      for (String row : TerminalText.columns(rows, new boolean[5])) {
        line(INDENT.repeat(2) + row);
      }
      if (node.pods().size() > POD_ROWS) {
        line(
            INDENT.repeat(2)
                + "... and "
                + (node.pods().size() - POD_ROWS)
                + " more (-o json lists all)");
      }
    }
    line("");
    line(INDENT + "Steps:");
    int step = 1;
    int textIndent = INDENT.length() * 2 + STEP_HEAD;
    for (FixStep fixStep : node.steps()) {
      String head =
          String.format(
              Locale.ROOT,
              "%-" + STEP_HEAD + "s",
              step++ + ". " + FixPlanJson.stepId(fixStep.kind()));
      List<String> action =
          TerminalText.wrap(oneLine(fixStep.action()), TerminalText.WIDTH - textIndent);
      line(INDENT.repeat(2) + head + action.get(0));
      for (String more : action.subList(1, action.size())) {
        line(" ".repeat(textIndent) + more);
      }
      if (fixStep.waitsFor() != null) {
        String waits =
            "waits for "
                + oneLine(fixStep.waitsFor())
                + (fixStep.timeout().equals(Duration.ZERO)
                    ? ""
                    : ", at most " + DurationText.format(fixStep.timeout()));
        for (String text : TerminalText.wrap(waits, TerminalText.WIDTH - textIndent)) {
          line(" ".repeat(textIndent) + text);
        }
      }
    }
  }

  private void wrapped(String text, int indent, int continuationIndent) throws IOException {
    String first = INDENT.repeat(indent);
    String rest = INDENT.repeat(continuationIndent);
    List<String> lines = TerminalText.wrap(text, TerminalText.WIDTH - rest.length());
    for (int i = 0; i < lines.size(); i++) {
      line((i == 0 ? first : rest) + lines.get(i));
    }
  }

  private void line(String text) throws IOException {
    out.append(text.stripTrailing()).append('\n');
  }
}
