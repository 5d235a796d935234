package dev.podnet.cli;

import dev.podnet.check.CheckRegistry;
import dev.podnet.check.Finding;
import dev.podnet.classify.CauseCatalog;
import dev.podnet.model.ClusterModel;
import dev.podnet.node.NodeFilesException;
import dev.podnet.node.SnapshotNodes;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code podnet diagnose}: pods that cannot get a network, grouped by root cause and node. */
@Command(
    name = "diagnose",
    mixinStandardHelpOptions = true,
    description = {
      "Finds every pod that cannot get a sandbox, groups the failures by root cause and node,",
      "and prints the evidence and the next commands to run, with the real names filled in."
    })
final class DiagnoseCommand implements Callable<Integer> {
  @Mixin SourceOptions source;
  @Mixin OutputOptions output;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    return Analysis.run(
        "diagnose",
        source,
        output,
        CheckRegistry.diagnoseChecks(CauseCatalog.load()),
        List.of(),
        this::nodeFindings,
        spec.commandLine().getOut());
  }

  /** The node-level findings of the snapshot's node folders, when it has any. */
  private List<Finding> nodeFindings(ClusterModel model) {
    if (source.snapshot == null) {
      return List.of();
    }
    try {
      return SnapshotNodes.findings(
          source.snapshot,
          node ->
              model
                  .node(node)
                  .filter(n -> !n.effectivePodCidrs().isEmpty())
                  .map(n -> n.effectivePodCidrs().get(0))
                  .orElse(null));
    } catch (NodeFilesException e) {
      throw new UserError(e.getMessage(), Main.SOURCE_UNREADABLE);
    }
  }
}
