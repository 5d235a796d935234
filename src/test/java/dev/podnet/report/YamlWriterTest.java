package dev.podnet.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class YamlWriterTest {
  private static String yaml(Node node) throws IOException {
    StringBuilder out = new StringBuilder();
    YamlWriter.document(node, out);
    return out.toString();
  }

  private static String json(Node node) throws IOException {
    StringBuilder out = new StringBuilder();
    JsonWriter.pretty(node, out);
    return out.toString();
  }

  private static void assertRoundTrip(Node node) throws IOException {
    String yaml = yaml(node);
    List<Object> json = Trees.json(json(node));
    assertThat(Trees.jacksonYaml(yaml)).as(yaml).isEqualTo(json);
    assertThat(Trees.yaml11(yaml)).as(yaml).isEqualTo(json);
    assertThat(Trees.yaml12(yaml)).as(yaml).isEqualTo(json);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "yes",
        "No",
        "ON",
        "off",
        "y",
        "n",
        "null",
        "~",
        "true",
        "",
        " ",
        "10.0.0.0/8",
        "10.244.1.1-10.244.1.254",
        "a: b",
        "a:",
        "a #b",
        "#x",
        "2024-05-14T03:12:09Z",
        "2024-05-14",
        "1e3",
        "0x1F",
        "012",
        "1.5",
        "1_000",
        "12:30:00",
        ".inf",
        ".NaN",
        "-1",
        "- x",
        "<<",
        "=",
        "@at",
        "`bt",
        "'q",
        "\"dq",
        "[x]",
        "{x}",
        "*a",
        "&a",
        "!t",
        "%p",
        "|p",
        ">p",
        "?q",
        "  lead",
        "trail ",
        "tab\tx",
        "cr\rx",
        "multi\nline",
        "multi\nline\n",
        "two\n\ntrailing\n\n",
        "\nleading newline",
        " space then\nnewline",
        "esc\u001b[31m",
        "del\u007f",
        "nel\u0085x",
        "ls\u2028x",
        "bom\ufeffx",
        "bidi\u202ex",
        "émoji 😀",
        "a\\b",
        "https://10.0.0.1:6443",
        "kubernetes:443",
        "key=value,other=1"
      })
  void everyStringReadsBackAsTheSameString(String text) throws IOException {
    assertRoundTrip(Node.mapping().text("value", text).texts("list", List.of(text, text)).build());
  }

  @Test
  void writesPlainWhatIsPlainlyAString() throws IOException {
    Node node =
        Node.mapping()
            .text("cidr", "10.0.0.0/8")
            .text("node", "worker-1")
            .text("version", "1.5")
            .text("word", "yes")
            .text("when", "2024-05-14T03:12:09Z")
            .text("lines", "first\nsecond")
            .build();

    assertThat(yaml(node))
        .isEqualTo(
            "cidr: 10.0.0.0/8\n"
                + "node: worker-1\n"
                + "version: \"1.5\"\n"
                + "word: \"yes\"\n"
                + "when: \"2024-05-14T03:12:09Z\"\n"
                + "lines: |-\n"
                + "  first\n"
                + "  second\n");
  }

  @Test
  void nestsMappingsAndSequencesAndShowsEmptyOnes() throws IOException {
    Node node =
        Node.mapping()
            .node(
                "items",
                Node.sequence(
                    List.of("a", "b"),
                    name ->
                        Node.mapping()
                            .text("name", name)
                            .texts("tags", List.of("x"))
                            .node("none", Node.texts(List.of()))
                            .build()))
            .node("empty", Node.mapping().build())
            .build();

    assertThat(yaml(node))
        .isEqualTo(
            "items:\n"
                + "  - name: a\n"
                + "    tags:\n"
                + "      - x\n"
                + "    none: []\n"
                + "  - name: b\n"
                + "    tags:\n"
                + "      - x\n"
                + "    none: []\n"
                + "empty: {}\n");
    assertRoundTrip(node);
  }

  @Test
  void randomStringsReadBackUnchanged() throws IOException {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String alphabet = "ab1 0.:-#'\"\\\n\t|>&*!%@`,[]{}?~=\u0085\u00e9\u2028\u001b/";
    for (int round = 0; round < 300; round++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(12);
      for (int i = 0; i < length; i++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      Node node = Node.mapping().text("k", text.toString()).build();
      try {
        assertRoundTrip(node);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "seed " + seed + ", round " + round + ": " + YamlWriter.doubleQuoted(text.toString()),
            e);
      }
    }
  }
}
