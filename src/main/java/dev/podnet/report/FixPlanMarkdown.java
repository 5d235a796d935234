package dev.podnet.report;

import static dev.podnet.report.Markdown.cell;
import static dev.podnet.report.Markdown.code;
import static dev.podnet.report.Markdown.text;

import dev.podnet.fix.DurationText;
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

/** The Markdown form of a {@link FixPlan}, for the change ticket a team reviews. */
final class FixPlanMarkdown {
  private final Appendable out;

  private FixPlanMarkdown(Appendable out) {
    this.out = out;
  }

  static void render(FixPlan plan, Appendable out) throws IOException {
    new FixPlanMarkdown(out).plan(plan);
  }

  private void plan(FixPlan plan) throws IOException {
    line("# podnet fix node-cidr");
    line("");
    line("Planned " + text(plan.createdAt().toString()) + " from " + code(plan.source()));
    line("");
    line(text(FixPlanTable.clusterLine(plan)));
    line("");
    line(FixPlanTable.summary(plan));
    if (!plan.nodes().isEmpty()) {
      line("");
      line("## Nodes, in order");
      line("");
      line("| # | Node | Cause | Evict | Stay | Pod CIDRs now | PDBs |");
      line("| ---: | --- | --- | ---: | ---: | --- | --- |");
      int number = 1;
      for (NodePlan node : plan.nodes()) {
        int evicted = node.evictions().size();
        line(
            "| "
                + String.join(
                    " | ",
                    Integer.toString(number++),
                    cell(code(node.node())),
                    cell(code(node.cause())),
                    Integer.toString(evicted),
                    Integer.toString(node.pods().size() - evicted),
                    node.currentCidrs().isEmpty()
                        ? "-"
                        : cell(code(String.join(",", node.currentCidrs()))),
                    node.pdbs().isEmpty() ? "-" : cell(codes(node.pdbs())))
                + " |");
      }
      number = 1;
      for (NodePlan node : plan.nodes()) {
        node(number++, node);
      }
    }
    if (!plan.refusals().isEmpty()) {
      line("");
      line("## Refusals");
      line("");
      line("| Scope | Refusal | Why | Override |");
      line("| --- | --- | --- | --- |");
      for (Refusal refusal : plan.refusals()) {
        line(
            "| "
                + String.join(
                    " | ",
                    cell(code(refusal.scope())),
                    cell(code(refusal.id())),
                    cell(text(refusal.message())),
                    refusal.override() == null || refusal.override().isEmpty()
                        ? "-"
                        : cell(code(refusal.override())))
                + " |");
      }
    }
    if (!plan.notes().isEmpty()) {
      line("");
      line("## Notes");
      line("");
      for (String note : plan.notes()) {
        line("- " + text(note));
      }
    }
    line("");
    line("**Options:** " + text(FixPlanTable.options(plan.options())));
  }

  private void node(int number, NodePlan node) throws IOException {
    line("");
    line("## " + number + " · " + text(node.node()) + " · " + text(node.cause()));
    line("");
    line(text(node.reason()));
    if (!node.pods().isEmpty()) {
      line("");
      line("| Action | Pod | Owner | PDBs | Reason |");
      line("| --- | --- | --- | --- | --- |");
      for (PlannedEviction pod : node.pods()) {
        line(
            "| "
                + String.join(
                    " | ",
                    cell(text(pod.action())),
                    cell(code(pod.key())),
                    pod.owner() == null ? "-" : cell(code(pod.owner())),
                    pod.pdbs().isEmpty() ? "-" : cell(codes(pod.pdbs())),
                    cell(text(pod.reason())))
                + " |");
      }
    }
    line("");
    int step = 1;
    for (FixStep fixStep : node.steps()) {
      String waits =
          fixStep.waitsFor() == null
              ? ""
              : " Waits for "
                  + text(fixStep.waitsFor())
                  + (fixStep.timeout().equals(Duration.ZERO)
                      ? ""
                      : ", at most " + DurationText.format(fixStep.timeout()))
                  + ".";
      line(
          step++
              + ". "
              + code(FixPlanJson.stepId(fixStep.kind()))
              + " "
              + text(fixStep.action())
              + "."
              + waits);
    }
  }

  private static String codes(List<String> values) {
    List<String> spans = new ArrayList<>();
    values.forEach(v -> spans.add(code(v)));
    return String.join(", ", spans);
  }

  private void line(String text) throws IOException {
    out.append(text.stripTrailing()).append('\n');
  }
}
