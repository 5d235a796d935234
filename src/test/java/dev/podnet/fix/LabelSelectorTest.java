package dev.podnet.fix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {
  private static LabelSelector selector(String json, boolean emptySelectsAll) throws Exception {
    JsonNode node = json == null ? null : TestCluster.JSON.readTree(json);
    return LabelSelector.of(node, emptySelectsAll);
  }

  @Test
  void matchLabelsAndEveryOperator() throws Exception {
    LabelSelector selector =
        selector(
            "{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":["
                + "{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]},"
                + "{\"key\":\"env\",\"operator\":\"NotIn\",\"values\":[\"dev\"]},"
                + "{\"key\":\"team\",\"operator\":\"Exists\"},"
                + "{\"key\":\"canary\",\"operator\":\"DoesNotExist\"}]}",
            true);
    assertThat(selector.matches(Map.of("app", "web", "tier", "a", "team", "x"))).isTrue();
    assertThat(selector.matches(Map.of("app", "web", "tier", "a", "team", "x", "env", "prod")))
        .isTrue();
    assertThat(selector.matches(Map.of("app", "api", "tier", "a", "team", "x"))).isFalse();
    assertThat(selector.matches(Map.of("app", "web", "tier", "c", "team", "x"))).isFalse();
    assertThat(selector.matches(Map.of("app", "web", "tier", "a", "team", "x", "env", "dev")))
        .isFalse();
    assertThat(selector.matches(Map.of("app", "web", "tier", "a"))).isFalse();
    assertThat(selector.matches(Map.of("app", "web", "tier", "a", "team", "x", "canary", "")))
        .isFalse();
  }

  @Test
  void emptyAndAbsentSelectorsFollowTheApiVersion() throws Exception {
    assertThat(selector("{}", true).matches(Map.of("a", "b"))).isTrue();
    assertThat(selector("{}", false).matches(Map.of("a", "b"))).isFalse();
    assertThat(selector(null, true).matches(Map.of("a", "b"))).isFalse();
  }
}
