package dev.podnet.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KubeListReaderTest {
  private static final Selection NAME_ONLY =
      Selection.of("metadata", Selection.fields("name"), "spec", Selection.fields("podCIDR"));

  private static List<ObjectNode> read(String json, String kind) throws SourceException {
    List<ObjectNode> items = new ArrayList<>();
    KubeListReader.read(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
        "nodes.json",
        kind,
        NAME_ONLY,
        items::add);
    return items;
  }

  @Test
  void keepsOnlySelectedFields() throws SourceException {
    List<ObjectNode> items =
        read(
            """
            {"apiVersion":"v1","items":[{"apiVersion":"v1","kind":"Node","metadata":{"name":"a","uid":"1",
            "labels":{"x":"y"}},"spec":{"podCIDR":"10.244.0.0/24","taints":[{"key":"k"}]},"status":{"big":[1,2,3]}}],
            "kind":"List","metadata":{"resourceVersion":""}}
            """,
            "Node");
    assertThat(items).hasSize(1);
    assertThat(items.get(0).toString())
        .isEqualTo("{\"metadata\":{\"name\":\"a\"},\"spec\":{\"podCIDR\":\"10.244.0.0/24\"}}");
  }

  @Test
  void readsContinueTokenWhereverMetadataStands() throws SourceException {
    var info =
        KubeListReader.read(
            new ByteArrayInputStream(
                "{\"kind\":\"NodeList\",\"items\":[],\"metadata\":{\"continue\":\"abc\",\"remainingItemCount\":3}}"
                    .getBytes(StandardCharsets.UTF_8)),
            "page",
            "Node",
            NAME_ONLY,
            item -> {});
    assertThat(info.continueToken()).isEqualTo("abc");
    assertThat(info.kind()).isEqualTo("NodeList");
  }

  @Test
  void rejectsWrongListKind() {
    assertThatThrownBy(() -> read("{\"kind\":\"PodList\",\"items\":[]}", "Node"))
        .isInstanceOf(SourceException.class)
        .hasMessage("nodes.json: wrong kind 'PodList', expected List or NodeList");
  }

  @Test
  void rejectsItemOfWrongKind() {
    assertThatThrownBy(
            () ->
                read("{\"kind\":\"List\",\"items\":[{\"kind\":\"Pod\",\"metadata\":{}}]}", "Node"))
        .hasMessage("nodes.json: item 0 is a Pod, expected Node");
  }

  @Test
  void rejectsSingleObject() {
    assertThatThrownBy(() -> read("{\"kind\":\"Node\",\"metadata\":{\"name\":\"a\"}}", "Node"))
        .hasMessageContaining("holds a single Node, expected a list (kubectl get nodes -o json)");
  }

  @Test
  void reportsTruncationAndMalformedJsonWithPosition() {
    assertThatThrownBy(
            () -> read("{\"kind\":\"List\",\"items\":[{\"metadata\":{\"name\":\"a\"", "Node"))
        .hasMessage("nodes.json: truncated JSON (unexpected end of input)");
    assertThatThrownBy(() -> read("{\"kind\":\"List\",\n\"items\":[}", "Node"))
        .hasMessageStartingWith("nodes.json: malformed JSON at line 2, column");
    assertThatThrownBy(() -> read("[1,2]", "Node"))
        .hasMessage("nodes.json: not a Kubernetes List (expected a JSON object)");
  }

  @Test
  void messagesAreOneLine() {
    assertThatThrownBy(() -> read("{\"kind\":\"List\",\"items\":[x]}", "Node"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
