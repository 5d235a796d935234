package dev.podnet.report;

import dev.podnet.fix.DurationText;
import dev.podnet.fix.FixOptions;
import dev.podnet.fix.FixPlan;
import dev.podnet.fix.FixPlanJson;
import dev.podnet.fix.FixStep;
import dev.podnet.fix.NodePlan;
import dev.podnet.fix.PlannedEviction;
import dev.podnet.fix.Refusal;

/**
 * The JSON and YAML shape of a {@link FixPlan}, key for key the document {@link FixPlanJson} saves
 * and loads (a test holds the two equal). Add keys, never rename or reorder them.
 */
final class FixPlanTree {
  private FixPlanTree() {}

  static Node.Mapping of(FixPlan plan) {
    return Node.mapping()
        .number("schemaVersion", plan.schemaVersion())
        .text("command", FixPlanJson.COMMAND)
        .text("createdAt", plan.createdAt().toString())
        .text("source", plan.source())
        .texts("clusterCidrs", plan.clusterCidrs())
        .text("clusterCidrSource", plan.clusterCidrSource())
        .node("nodeMasks", Node.sequence(plan.nodeMasks(), mask -> new Node.Numeric(mask)))
        .node("options", options(plan.options()))
        .node("nodes", Node.sequence(plan.nodes(), FixPlanTree::node))
        .node("refusals", Node.sequence(plan.refusals(), FixPlanTree::refusal))
        .texts("notes", plan.notes())
        .build();
  }

  private static Node options(FixOptions options) {
    return Node.mapping()
        .text("kubeletRestart", options.kubeletRestart())
        .text("restartImage", options.restartImage())
        .text("canaryImage", options.canaryImage())
        .flag("allowManagedNodes", options.allowManagedNodes())
        .flag("evictUnreplicated", options.evictUnreplicated())
        .text("evictionTimeout", DurationText.format(options.evictionTimeout()))
        .text("registerTimeout", DurationText.format(options.registerTimeout()))
        .text("cidrTimeout", DurationText.format(options.cidrTimeout()))
        .text("readyTimeout", DurationText.format(options.readyTimeout()))
        .text("pollInterval", DurationText.format(options.pollInterval()))
        .text("leaseDuration", DurationText.format(options.leaseDuration()))
        .build();
  }

  private static Node node(NodePlan node) {
    return Node.mapping()
        .text("node", node.node())
        .text("uid", node.uid())
        .text("cause", node.cause())
        .text("reason", node.reason())
        .texts("currentCidrs", node.currentCidrs())
        .node("pods", Node.sequence(node.pods(), FixPlanTree::pod))
        .texts("pdbs", node.pdbs())
        .node("steps", Node.sequence(node.steps(), FixPlanTree::step))
        .build();
  }

  private static Node pod(PlannedEviction pod) {
    return Node.mapping()
        .text("namespace", pod.namespace())
        .text("name", pod.name())
        .text("owner", pod.owner())
        .text("action", pod.action())
        .text("reason", pod.reason())
        .texts("pdbs", pod.pdbs())
        .build();
  }

  private static Node step(FixStep step) {
    return Node.mapping()
        .text("kind", FixPlanJson.stepId(step.kind()))
        .text("action", step.action())
        .text("waitsFor", step.waitsFor())
        .text("timeout", DurationText.format(step.timeout()))
        .build();
  }

  private static Node refusal(Refusal refusal) {
    return Node.mapping()
        .text("scope", refusal.scope())
        .text("id", refusal.id())
        .text("message", refusal.message())
        .text(
            "override",
            refusal.override() == null || refusal.override().isEmpty() ? null : refusal.override())
        .build();
  }
}
