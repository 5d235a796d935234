package dev.podnet.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.check.Diagnosis;
import dev.podnet.check.Table;
import dev.podnet.testing.Golden;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DiagnosisRendererTest {
  private static final Path GOLDEN = Path.of("src/test/resources/dev/podnet/report");

  static String render(Diagnosis diagnosis, Format format, boolean color) throws IOException {
    StringBuilder out = new StringBuilder();
    DiagnosisRenderer.render(diagnosis, format, out, color);
    return out.toString();
  }

  private static String extension(Format format) {
    return switch (format) {
      case TABLE -> "table.txt";
      case JSON -> "json";
      case YAML -> "yaml";
      case MARKDOWN -> "md";
    };
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void ipamExhaustedMatchesGoldenFile(Format format) throws IOException {
    Golden.assertMatches(
        GOLDEN.resolve("diagnose-ipam-exhausted." + extension(format)),
        render(DiagnosisExamples.ipamExhaustedOnWorker1(), format, false));
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void cidrWithTwoTablesMatchesGoldenFile(Format format) throws IOException {
    Golden.assertMatches(
        GOLDEN.resolve("cidr-two-tables." + extension(format)),
        render(DiagnosisExamples.cidrWithTwoTables(), format, false));
  }

  @Test
  @SuppressWarnings("unchecked") // the parsed tree is maps and lists by construction
  void cidrJsonCarriesTheCommandAndEveryTableCellAsAString() throws IOException {
    Diagnosis cidr = DiagnosisExamples.cidrWithTwoTables();
    String json = render(cidr, Format.JSON, false);

    Map<String, Object> root = (Map<String, Object>) Trees.json(json).get(0);

    assertThat(root.keySet())
        .containsExactly(
            "schemaVersion",
            "command",
            "source",
            "summary",
            "findings",
            "tables",
            "notCollected",
            "skippedChecks");
    assertThat(root).containsEntry("command", "cidr");
    List<Map<String, Object>> tables = (List<Map<String, Object>>) root.get("tables");
    assertThat(tables).hasSize(cidr.tables().size());
    for (int i = 0; i < tables.size(); i++) {
      Table table = cidr.tables().get(i);
      assertThat(tables.get(i).keySet()).containsExactly("id", "title", "columns", "rows");
      assertThat(tables.get(i))
          .containsEntry("id", table.id())
          .containsEntry("title", table.title())
          .containsEntry("columns", table.columns())
          .containsEntry("rows", table.rows());
    }
    String yaml = render(cidr, Format.YAML, false);
    assertThat(Trees.jacksonYaml(yaml)).as(yaml).isEqualTo(List.of(root));
    assertThat(Trees.yaml11(yaml)).as(yaml).isEqualTo(List.of(root));
    assertThat(Trees.yaml12(yaml)).as(yaml).isEqualTo(List.of(root));
  }

  @Test
  void cidrTableOutputAlignsNumbersRightAndPutsTablesBeforeFindings() throws IOException {
    String table = render(DiagnosisExamples.cidrWithTwoTables(), Format.TABLE, false);

    assertThat(table)
        .startsWith("podnet cidr · snapshot-archive incident-4711.tar.gz")
        .contains(
            "\nNodes:\n"
                + "  NODE             POD CIDR       USABLE  USED  FREE  USE%\n"
                + "  control-plane-1  10.244.0.0/24     253     9   244    4%\n"
                + "  worker-1         10.244.1.0/24     253   253     0  100%\n"
                + "  worker-2         10.244.2.0/24     253   220    33   87%\n"
                + "  worker-3         10.244.3.0/24     253     -     -     -\n"
                + "\nWARNING · cidr_conflict · cluster: kube-proxy clusterCIDR");
    // a - among addresses stays on the left with them
    assertThat(table)
        .contains("  kubelet             --pod-cidr                               -\n");
    assertThat(table.indexOf("Cluster CIDR by layer:\n")).isLessThan(table.indexOf("\nNodes:\n"));
  }

  @Test
  void cidrMarkdownHasATitledTablePerTableWithPipesEscaped() throws IOException {
    String markdown = render(DiagnosisExamples.cidrWithTwoTables(), Format.MARKDOWN, false);

    assertThat(markdown)
        .startsWith("# podnet cidr\n")
        .contains(
            "\n## Nodes\n\n"
                + "| NODE | POD CIDR | USABLE | USED | FREE | USE% |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: |\n"
                + "| control-plane-1 | 10.244.0.0/24 | 253 | 9 | 244 | 4% |\n")
        .contains("| kube-proxy | \\--cluster-cidr \\| clusterCIDR | 10.32.0.0/12 |\n")
        .contains("| kubelet | \\--pod-cidr | - |\n");
    assertThat(markdown.indexOf("## Nodes")).isLessThan(markdown.indexOf("## warning"));
  }

  @Test
  void tablesWithoutFindingsStillSayNothingWasFound() throws IOException {
    Diagnosis cidr = DiagnosisExamples.cidrWithTwoTables();
    Diagnosis clean =
        new Diagnosis(
            cidr.command(),
            cidr.source(),
            new Diagnosis.Summary(4, 0, 0, 0, 0, 0, 0),
            List.of(),
            cidr.tables(),
            List.of(),
            List.of());

    String table = render(clean, Format.TABLE, false);
    String markdown = render(clean, Format.MARKDOWN, false);

    assertThat(table)
        .endsWith(
            "  worker-3         10.244.3.0/24     253     -     -     -\n"
                + "\n"
                + "No pod-network problems found.\n");
    assertThat(markdown)
        .endsWith(
            "| worker-3 | 10.244.3.0/24 | 253 | - | - | - |\n"
                + "\n"
                + "No pod-network problems found.\n");
  }

  @Test
  void diagnoseJsonHasNoTablesKey() throws IOException {
    assertThat(render(DiagnosisExamples.ipamExhaustedOnWorker1(), Format.JSON, false))
        .doesNotContain("\"tables\"");
    assertThat(render(DiagnosisExamples.ipamExhaustedOnWorker1(), Format.YAML, false))
        .doesNotContain("\ntables:");
  }

  @Test
  void tableInColourMatchesGoldenFile() throws IOException {
    Golden.assertMatches(
        GOLDEN.resolve("diagnose-ipam-exhausted.color.txt"),
        render(DiagnosisExamples.ipamExhaustedOnWorker1(), Format.TABLE, true));
  }

  @Test
  @SuppressWarnings("unchecked") // the parsed tree is maps and lists by construction
  void jsonParsesBackWithSchemaVersionOneAndEveryPod() throws IOException {
    String json = render(DiagnosisExamples.ipamExhaustedOnWorker1(), Format.JSON, false);

    List<Object> roots = Trees.json(json);

    assertThat(roots).hasSize(1);
    Map<String, Object> root = (Map<String, Object>) roots.get(0);
    assertThat(root.get("schemaVersion")).isEqualTo(1L);
    assertThat(root.keySet())
        .containsExactly(
            "schemaVersion",
            "command",
            "source",
            "summary",
            "findings",
            "notCollected",
            "skippedChecks");
    assertThat(root).containsEntry("command", "diagnose");
    // the archive has no kubeconfig context: a null field is left out, not written as null
    assertThat((Map<String, Object>) root.get("source")).doesNotContainKey("context");
    List<Map<String, Object>> findings = (List<Map<String, Object>>) root.get("findings");
    assertThat(findings).hasSize(2);
    Map<String, Object> first = findings.get(0);
    assertThat(first.keySet())
        .containsExactly(
            "cause",
            "severity",
            "scope",
            "title",
            "summary",
            "check",
            "nodes",
            "pods",
            "evidence",
            "nextSteps");
    assertThat(first)
        .containsEntry("cause", "ipam_exhausted")
        .containsEntry("severity", "critical");
    List<Map<String, Object>> pods = (List<Map<String, Object>>) first.get("pods");
    assertThat(pods).hasSize(18);
    assertThat(pods.get(0).keySet())
        .containsExactly(
            "namespace", "name", "node", "attempts", "sandboxes", "firstSeen", "lastSeen");
    List<Map<String, Object>> steps = (List<Map<String, Object>>) first.get("nextSteps");
    assertThat(steps.get(3)).containsOnlyKeys("action");
    assertThat(json).startsWith("{\n  \"schemaVersion\": 1,\n").endsWith("}\n");
  }

  @Test
  void yamlReadsBackAsTheJsonTree() throws IOException {
    for (Diagnosis diagnosis :
        List.of(
            DiagnosisExamples.ipamExhaustedOnWorker1(),
            DiagnosisExamples.healthy(),
            DiagnosisExamples.awkwardText("yes\nline two: with colon\n"))) {
      Object json = Trees.json(render(diagnosis, Format.JSON, false));
      String yaml = render(diagnosis, Format.YAML, false);

      assertThat(Trees.jacksonYaml(yaml)).as(yaml).isEqualTo(json);
      assertThat(Trees.yaml11(yaml)).as(yaml).isEqualTo(json);
      assertThat(Trees.yaml12(yaml)).as(yaml).isEqualTo(json);
    }
  }

  @Test
  void emptyDiagnosisSaysNothingWasFound() throws IOException {
    Diagnosis healthy = DiagnosisExamples.healthy();

    assertThat(render(healthy, Format.TABLE, true))
        .isEqualTo(
            "podnet diagnose · live https://10.0.0.1:6443 (context prod-eu-1)\n"
                + "3 nodes · 0 pods waiting for a sandbox · 0 findings\n"
                + "\n"
                + "No pod-network problems found.\n");
    assertThat(render(healthy, Format.MARKDOWN, false))
        .contains("\nNo pod-network problems found.\n");
    assertThat(render(healthy, Format.JSON, false)).contains("\"findings\": [],");
    assertThat(render(healthy, Format.YAML, false)).contains("\nfindings: []\n");
  }

  @Test
  void emptyDiagnosisWithMissingDataPointsToIt() throws IOException {
    Diagnosis partial =
        new Diagnosis(
            "diagnose",
            DiagnosisExamples.ARCHIVE,
            new Diagnosis.Summary(3, 0, 0, 0, 0, 0, 0),
            List.of(),
            List.of(),
            List.of(
                new Diagnosis.NotCollected(
                    "cluster/events.json", "absent", List.of("sandbox-failures"))),
            List.of());

    assertThat(render(partial, Format.TABLE, false))
        .contains(
            "No pod-network problems found.\n"
                + "Some data was not collected or some checks did not run: see below.\n"
                + "\n"
                + "Not collected:\n"
                + "  cluster/events.json\n"
                + "    absent\n"
                + "    checks affected: sandbox-failures\n");
  }

  @Test
  void markdownEscapesPipesInTableCells() throws IOException {
    String markdown = render(DiagnosisExamples.awkwardText("x"), Format.MARKDOWN, false);

    assertThat(markdown)
        .contains("| a\\|b | no | - | 0 | - | 2024-05-14T03:12:09Z |\n")
        .contains("| `cluster/events.json` | absent \\| empty |  |\n")
        .contains("| `x` | kubectl get pods \\| grep -v Running |\n")
        .contains("## Cells | with \\*markup\\*\n")
        .contains("| A\\|B | yes |\n")
        .contains("| x \\| y | x |\n")
        // outside tables a pipe needs no escape; other markup does
        .contains(
            "## info · unknown · cluster: Unrecognised sandbox failure on 2 nodes | see"
                + " \\*evidence\\* \\<b\\>\n")
        // a single ~ is no strikethrough; _ at a word's edge could be emphasis
        .contains("1. ~ \\`tick\\` \\_under\\_ \\[link\\](x)\n")
        // a fence longer than any backtick run inside the command
        .contains("   ````sh\n   echo 'a | b' ```\n   ````\n");
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void noRawEscapeCharacterWithoutColour(Format format) throws IOException {
    Diagnosis hostile =
        DiagnosisExamples.awkwardText("before \u001b[2J\u001b]0;pwned\u0007 after \u202e");

    String output = render(hostile, format, false);

    assertThat(output).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u202e");
  }

  @Test
  void colourMarksOnlyTheSeverityWordsAndStillEscapesQuotedText() throws IOException {
    Diagnosis hostile = DiagnosisExamples.awkwardText("before \u001b[2J after");

    String table = render(hostile, Format.TABLE, true);

    assertThat(table)
        .contains("\u001b[36mINFO\u001b[0m · unknown · cluster:")
        .contains("before \\x1b[2J after");
    assertThat(table.replace("\u001b[36mINFO\u001b[0m", "")).doesNotContain("\u001b");
    assertThat(render(DiagnosisExamples.ipamExhaustedOnWorker1(), Format.TABLE, true))
        .contains("\u001b[1;31mCRITICAL\u001b[0m · ipam_exhausted · worker-1:")
        .contains("\u001b[33mWARNING\u001b[0m · agent_not_ready · worker-2:");
  }

  @Test
  void tableListsTenPodsAndCountsTheRest() throws IOException {
    String table = render(DiagnosisExamples.ipamExhaustedOnWorker1(), Format.TABLE, false);

    assertThat(table)
        .contains(
            "    NAMESPACE   NAME                                NODE      ATTEMPTS  FIRST SEEN"
                + "            LAST SEEN\n")
        .contains(
            "    shop        frontend-7c8d9f6b5-2mhkw            worker-1        14"
                + "  2024-05-14T02:53:11Z  2024-05-14T03:10:51Z\n"
                + "    ... and 8 more (-o json lists all)\n")
        .doesNotContain("frontend-7c8d9f6b5-qz8tv")
        .contains("    ... and 8 more (-o json lists all)\n");
  }

  @Test
  void tableKeepsTextWithinTheWidth() throws IOException {
    String table = render(DiagnosisExamples.ipamExhaustedOnWorker1(), Format.TABLE, false);
    String pods = table.substring(table.indexOf("  Pods:\n"), table.indexOf("  Evidence:\n"));

    for (String line : table.split("\n")) {
      // commands are copied into a shell and pod rows hold names: neither is wrapped or cut
      if (!line.startsWith("         kubectl") && !pods.contains(line)) {
        assertThat(line.length()).as(line).isLessThanOrEqualTo(TerminalText.WIDTH);
      }
      assertThat(line).as("trailing space").doesNotEndWith(" ");
    }
  }

  @Test
  void longLogEvidenceLosesWholeLinesFromItsMiddleKeepingTheNewest() throws IOException {
    String table = render(DiagnosisExamples.ipamExhaustedOnWorker1(), Format.TABLE, false);

    List<String> log =
        table
            .substring(table.indexOf("    log · node worker-1 kubelet\n"))
            .lines()
            .skip(1)
            .toList();
    // each log line wraps to four lines, so only the newest fits beside the marker
    assertThat(log.get(0)).isEqualTo("      … 11 lines cut (-o json has the full text) …");
    assertThat(log.get(1)).startsWith("      May 14 03:11:51 worker-1 kubelet[1187]");
    assertThat(log.get(4)).endsWith("10.244.1.1-10.244.1.254\"");
    assertThat(log.get(5)).isEqualTo("    distribution · worker-1");
  }

  @Test
  void oneLongLineKeepsItsStartAndItsInnermostEnd() {
    String chain =
        "Failed to create pod sandbox: " + "rpc error: wrapped again: ".repeat(40) + "the cause";

    List<String> lines = TerminalText.wrapAndCut(chain, 60, 6);

    assertThat(lines).hasSize(6);
    assertThat(lines.get(0)).startsWith("Failed to create pod sandbox: rpc error:");
    assertThat(lines.get(2)).matches("… \\d+ wrapped lines cut \\(-o json has the full text\\) …");
    assertThat(lines.get(5)).endsWith("wrapped again: the cause");
  }

  @Test
  void everyFormatEndsWithOneNewline() throws IOException {
    for (Format format : Format.values()) {
      String output = render(DiagnosisExamples.ipamExhaustedOnWorker1(), format, false);
      assertThat(output).as(format.id()).endsWith("\n").doesNotEndWith("\n\n");
    }
  }
}
