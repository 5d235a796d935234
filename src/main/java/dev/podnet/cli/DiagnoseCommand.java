package dev.podnet.cli;

import dev.podnet.check.CheckRegistry;
import dev.podnet.check.Diagnoser;
import dev.podnet.check.Diagnosis;
import dev.podnet.classify.CauseCatalog;
import dev.podnet.model.ClusterModel;
import dev.podnet.report.DiagnosisRenderer;
import dev.podnet.source.ClusterSource;
import dev.podnet.source.ModelBuilder;
import dev.podnet.source.SourceException;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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
    var format = output.format();
    Diagnosis diagnosis;
    try (ClusterSource clusterSource = source.open()) {
      ClusterModel model = ModelBuilder.build(clusterSource);
      diagnosis = new Diagnoser(CheckRegistry.diagnoseChecks(CauseCatalog.load())).diagnose(model);
    } catch (SourceException e) {
      throw new UserError(e.getMessage(), Main.SOURCE_UNREADABLE);
    }
    var out = spec.commandLine().getOut();
    DiagnosisRenderer.render(diagnosis, format, out, output.color());
    out.flush();
    return diagnosis.exitCode();
  }
}
