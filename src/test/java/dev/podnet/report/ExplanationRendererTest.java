package dev.podnet.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.classify.Confidence;
import dev.podnet.classify.ErrorChain;
import dev.podnet.classify.Explanation;
import dev.podnet.model.RootCause;
import dev.podnet.testing.Golden;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ExplanationRendererTest {
  private static final Path GOLDEN = Path.of("src/test/resources/dev/podnet/report");

  /** A kubelet log line for a pod on a node whose host-local range is full. */
  static Explanation ipamExhausted() {
    String sandbox = "7f1c2a9e4b6d8f03a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1";
    String original = DiagnosisExamples.flannelExhausted(sandbox);
    return new Explanation(
        new ErrorChain(
            original,
            List.of(
                "Failed to create pod sandbox",
                "rpc error: code = Unknown",
                "failed to setup network for sandbox \"" + sandbox + "\"",
                "plugin type=\"flannel\" failed (add)",
                "failed to delegate add",
                "failed to allocate for range 0",
                DiagnosisExamples.INNERMOST),
            sandbox,
            "shop",
            "cart-6d8f7b9c4-2xkqp",
            "flannel",
            null,
            "add",
            null,
            "Unknown",
            DiagnosisExamples.INNERMOST),
        RootCause.IPAM_EXHAUSTED,
        Confidence.HIGH,
        "host-local-range-exhausted",
        "The node's host-local address range is full",
        "host-local hands out pod IPs from the node's range and keeps one reservation file per IP"
            + " under /var/lib/cni/networks/<network>/. Every address in the range is reserved, so"
            + " new pods on this node get no IP. When few pods run on the node, the files are"
            + " leaked reservations of pods that were deleted uncleanly (node crash, runtime"
            + " restart).",
        List.of(
            "Count the pods running on the node: kubectl get pods -A -o wide --field-selector"
                + " spec.nodeName=<node>",
            "On the node, count the reservation files: ls /var/lib/cni/networks/<network>/ | wc -l",
            "Release reservations whose container no longer exists (podnet fix reclaim-ips does"
                + " this with a backup), then delete the stuck pod so it is recreated",
            "If the range is genuinely full, lower maxPods on the node or give nodes a larger pod"
                + " CIDR (a smaller --node-cidr-mask-size)"),
        List.of(
            "https://github.com/containernetworking/plugins/blob/main/plugins/ipam/host-local/backend/allocator/allocator.go",
            "https://github.com/canonical/microk8s/issues/1147"));
  }

  /** A message no rule knows: the cause is unknown and the answer says so. */
  static Explanation unknown() {
    String message = "something odd happened: frobnicator exploded";
    return new Explanation(
        new ErrorChain(
            message, List.of(message), null, null, null, null, null, null, null, null, message),
        RootCause.UNKNOWN,
        Confidence.NONE,
        "unknown",
        "Not recognised",
        "podnet has no rule for this error and does not guess a cause. The innermost error, in the"
            + " failing component's own words, is: "
            + message,
        List.of(
            "Read the innermost error above: it is the failing component's own words.",
            "Read the runtime and kubelet logs on the node around the event time: journalctl -u"
                + " containerd -u crio -u kubelet --since '15 min ago'."),
        List.of());
  }

  static String render(List<Explanation> explanations, Format format, boolean color)
      throws IOException {
    StringBuilder out = new StringBuilder();
    ExplanationRenderer.render(explanations, format, out, color);
    return out.toString();
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void twoMessagesMatchGoldenFile(Format format) throws IOException {
    String extension =
        switch (format) {
          case TABLE -> "table.txt";
          case JSON -> "jsonl";
          case YAML -> "yaml";
          case MARKDOWN -> "md";
        };
    Golden.assertMatches(
        GOLDEN.resolve("explain-two-messages." + extension),
        render(List.of(ipamExhausted(), unknown()), format, false));
  }

  @Test
  void oneMessageHasNoMessageCounter() throws IOException {
    String table = render(List.of(ipamExhausted()), Format.TABLE, false);

    assertThat(table)
        .startsWith(
            "Error chain:\n"
                + "  Failed to create pod sandbox\n"
                + "  └ rpc error: code = Unknown\n"
                + "    └ failed to setup network for sandbox\n"
                + "      \"7f1c2a9e4b6d8f03a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1\"\n"
                + "      └ plugin type=\"flannel\" failed (add)\n")
        .contains(
            "            └ no IP addresses available in range set: 10.244.1.1-10.244.1.254\n"
                + "Cause:       ipam_exhausted · The node's host-local address range is full\n"
                + "Confidence:  high (rule host-local-range-exhausted)\n"
                + "Plugin:      flannel (add)\n")
        .doesNotContain("Message 1");
  }

  @Test
  @SuppressWarnings("unchecked") // the parsed lines are JSON objects by construction
  void jsonIsOneObjectPerMessagePerLine() throws IOException {
    String json = render(List.of(ipamExhausted(), unknown()), Format.JSON, false);

    List<String> lines = json.lines().toList();
    assertThat(json).endsWith("}\n");
    assertThat(lines).hasSize(2);
    for (String line : lines) {
      List<Object> roots = Trees.json(line);
      assertThat(roots).hasSize(1);
      Map<String, Object> root = (Map<String, Object>) roots.get(0);
      assertThat(root.get("schemaVersion")).isEqualTo(1L);
      assertThat(root.keySet())
          .containsExactly(
              "schemaVersion",
              "cause",
              "confidence",
              "ruleId",
              "title",
              "explanation",
              "remediation",
              "references",
              "chain");
    }
    Map<String, Object> first = (Map<String, Object>) Trees.json(lines.get(0)).get(0);
    assertThat(first).containsEntry("cause", "ipam_exhausted").containsEntry("confidence", "high");
    Map<String, Object> chain = (Map<String, Object>) first.get("chain");
    assertThat(chain)
        .containsEntry("plugin", "flannel")
        .containsEntry("innermost", DiagnosisExamples.INNERMOST)
        .doesNotContainKeys("pluginName", "cniStatus");
  }

  @Test
  void yamlIsAStreamOfDocumentsThatReadBackAsTheJsonLines() throws IOException {
    List<Explanation> explanations = List.of(ipamExhausted(), unknown());
    List<Object> json = Trees.json(render(explanations, Format.JSON, false));
    String yaml = render(explanations, Format.YAML, false);

    assertThat(yaml).startsWith("---\nschemaVersion: 1\n");
    assertThat(Trees.jacksonYaml(yaml)).isEqualTo(json);
    assertThat(Trees.yaml11(yaml)).isEqualTo(json);
    assertThat(Trees.yaml12(yaml)).isEqualTo(json);
  }

  @Test
  void markdownKeepsPlaceholdersVisible() throws IOException {
    String markdown = render(List.of(ipamExhausted()), Format.MARKDOWN, false);

    // unescaped, <node> would be read as an HTML tag and vanish from the rendered page
    assertThat(markdown).contains("spec.nodeName=\\<node\\>");
  }

  @Test
  void colourOnlyWhenAsked() throws IOException {
    assertThat(render(List.of(unknown()), Format.TABLE, false)).doesNotContain("\u001b");
    assertThat(render(List.of(unknown()), Format.TABLE, true))
        .contains("Cause:       \u001b[1munknown\u001b[0m · Not recognised\n");
  }
}
