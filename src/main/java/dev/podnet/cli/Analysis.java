package dev.podnet.cli;

import dev.podnet.check.Check;
import dev.podnet.check.Diagnoser;
import dev.podnet.check.Diagnosis;
import dev.podnet.check.View;
import dev.podnet.model.ClusterModel;
import dev.podnet.report.DiagnosisRenderer;
import dev.podnet.source.ClusterSource;
import dev.podnet.source.ModelBuilder;
import dev.podnet.source.SourceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/**
 * The wiring every analysing command shares: source, model, checks and views, renderer, exit code.
 */
final class Analysis {
  private Analysis() {}

  static int run(
      String command,
      SourceOptions source,
      OutputOptions output,
      List<Check> checks,
      List<View> views,
      PrintWriter out)
      throws IOException {
    return run(command, source, output, checks, views, model -> List.of(), out);
  }

  /** As {@link #run}, with findings made outside the checks from the model (node folders). */
  static int run(
      String command,
      SourceOptions source,
      OutputOptions output,
      List<Check> checks,
      List<View> views,
      java.util.function.Function<ClusterModel, List<dev.podnet.check.Finding>> external,
      PrintWriter out)
      throws IOException {
    var format = output.format();
    Diagnosis diagnosis;
    try (ClusterSource clusterSource = source.open()) {
      ClusterModel model = ModelBuilder.build(clusterSource);
      diagnosis = new Diagnoser(command, checks, views).diagnose(model, external.apply(model));
    } catch (SourceException e) {
      throw new UserError(e.getMessage(), Main.SOURCE_UNREADABLE);
    }
    DiagnosisRenderer.render(diagnosis, format, out, output.color());
    out.flush();
    return diagnosis.exitCode();
  }
}
