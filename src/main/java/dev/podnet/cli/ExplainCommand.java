package dev.podnet.cli;

import dev.podnet.classify.CauseCatalog;
import dev.podnet.classify.Explanation;
import dev.podnet.report.ExplanationRenderer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code podnet explain}: one pasted error message taken apart and classified. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Takes a sandbox error message apart: its wrapper layers, the plugin and operation, the",
      "innermost cause, its root-cause class and what to do. Reads stdin when no MESSAGE is given."
    })
final class ExplainCommand implements Callable<Integer> {
  @Parameters(paramLabel = "MESSAGE", arity = "0..*", description = "The error message(s).")
  List<String> messages = new ArrayList<>();

  @Option(names = "--lines", description = "Read stdin as one message per line.")
  boolean lines;

  @Mixin OutputOptions output;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    var format = output.format();
    List<String> input = new ArrayList<>(messages);
    if (input.isEmpty()) {
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      if (lines) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (!line.isBlank()) {
            input.add(line);
          }
        }
      } else {
        StringBuilder all = new StringBuilder();
        char[] buffer = new char[8192];
        int read;
        while ((read = reader.read(buffer)) >= 0) {
          all.append(buffer, 0, read);
        }
        if (!all.toString().isBlank()) {
          input.add(all.toString().strip());
        }
      }
    } else if (lines) {
      throw new UserError("--lines reads stdin; do not pass MESSAGE arguments with it", Main.USAGE);
    }
    if (input.isEmpty()) {
      throw new UserError("no message to explain: pass it as an argument or on stdin", Main.USAGE);
    }
    CauseCatalog catalog = CauseCatalog.load();
    List<Explanation> explanations = new ArrayList<>();
    for (String message : input) {
      explanations.add(catalog.explain(message));
    }
    var out = spec.commandLine().getOut();
    ExplanationRenderer.render(explanations, format, out, output.color());
    out.flush();
    return 0;
  }
}
