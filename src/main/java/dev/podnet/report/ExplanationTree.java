package dev.podnet.report;

import dev.podnet.check.Diagnosis;
import dev.podnet.classify.ErrorChain;
import dev.podnet.classify.Explanation;

/**
 * The JSON and YAML shape of one {@link Explanation}. The key order written here is part of the
 * stable interface; add keys, never rename or reorder them.
 */
final class ExplanationTree {
  private ExplanationTree() {}

  static Node.Mapping of(Explanation explanation) {
    return Node.mapping()
        .number("schemaVersion", Diagnosis.SCHEMA_VERSION)
        .text("cause", explanation.cause() == null ? null : explanation.cause().id())
        .text("confidence", explanation.confidence() == null ? null : explanation.confidence().id())
        .text("ruleId", explanation.ruleId())
        .text("title", explanation.title())
        .text("explanation", explanation.explanation())
        .texts("remediation", explanation.remediation())
        .texts("references", explanation.references())
        .node("chain", chain(explanation.chain()))
        .build();
  }

  private static Node chain(ErrorChain chain) {
    if (chain == null) {
      return null;
    }
    return Node.mapping()
        .text("original", chain.original())
        .texts("layers", chain.layers())
        .text("sandboxId", chain.sandboxId())
        .text("podNamespace", chain.podNamespace())
        .text("podName", chain.podName())
        .text("plugin", chain.plugin())
        .text("pluginName", chain.pluginName())
        .text("operation", chain.operation())
        .number("cniStatus", chain.cniStatus())
        .text("grpcCode", chain.grpcCode())
        .text("innermost", chain.innermost())
        .build();
  }
}
