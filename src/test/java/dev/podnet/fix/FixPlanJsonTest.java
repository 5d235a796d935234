package dev.podnet.fix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A saved plan loads back equal to what was saved; a bad plan file is one line naming it. */
class FixPlanJsonTest {

  @ParameterizedTest
  @ValueSource(strings = {"dual-stack-partial", "cidr-drift", "out-of-cidrs", "node-cidr-missing"})
  void loadOfSaveIsThePlan(String example, @TempDir Path tmp) throws Exception {
    FixPlan plan = FixPlannerTest.planExample(example, FixPlannerTest.all());
    Path file = tmp.resolve("plans/plan.json");
    FixPlanJson.save(plan, file);
    assertThat(FixPlanJson.load(file)).isEqualTo(plan);
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void everyOptionSurvivesTheRoundTrip(@TempDir Path tmp) throws Exception {
    TestCluster cluster = new TestCluster();
    cluster.controllerManager("--allocate-node-cidrs=true", "--cluster-cidr=10.0.0.0/16");
    cluster.node("spare", "10.0.1.0/24");
    cluster.node("n");
    cluster.add(dev.podnet.model.Resource.PODS, cluster.pod("default", "bare", "n", "Running"));
    FixOptions options =
        new FixOptions(
            FixOptions.POD,
            "example.org/nsenter:1",
            "registry.k8s.io/pause:3.9",
            true,
            Duration.ofMillis(1500),
            Duration.ofHours(1),
            Duration.ofSeconds(45),
            Duration.ofMinutes(3),
            Duration.ofMillis(200),
            Duration.ofSeconds(30),
            true);
    FixPlan plan = cluster.planAll(options);
    assertThat(plan.nodes()).isNotEmpty();
    Path file = tmp.resolve("plan.json");
    FixPlanJson.save(plan, file);
    FixPlanJson.save(plan, file); // replacing works too
    FixPlan loaded = FixPlanJson.load(file);
    assertThat(loaded).isEqualTo(plan);
    assertThat(loaded.options()).isEqualTo(options);
  }

  @Test
  void theDocumentCarriesSchemaVersionOne() throws Exception {
    FixPlan plan = FixPlannerTest.planExample("dual-stack-partial", FixPlannerTest.all());
    String json = FixPlanJson.toJson(plan);
    assertThat(json).contains("\"schemaVersion\" : 1").contains("\"command\" : \"fix node-cidr\"");
  }

  @Test
  void badPlanFilesAreOneLineNamingTheFile(@TempDir Path tmp) throws Exception {
    FixPlan plan = FixPlannerTest.planExample("dual-stack-partial", FixPlannerTest.all());
    String good = FixPlanJson.toJson(plan);
    List<String[]> cases =
        List.of(
            new String[] {"{ not json", "not JSON"},
            new String[] {"[]", "not a podnet plan"},
            new String[] {"{\"schemaVersion\": 1}", "not a podnet plan"},
            new String[] {
              good.replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 2"), "schemaVersion 2"
            },
            new String[] {
              good.replace("\"createdAt\"", "\"created\""), "field 'createdAt' is missing"
            },
            new String[] {
              good.replace("\"kind\" : \"cordon\"", "\"kind\" : \"reboot\""),
              "unknown step kind 'reboot'"
            },
            new String[] {
              good.replace("\"evictionTimeout\" : \"5m\"", "\"evictionTimeout\" : \"soon\""),
              "invalid duration 'soon'"
            });
    int i = 0;
    for (String[] bad : cases) {
      Path file = tmp.resolve("bad-" + i++ + ".json");
      Files.writeString(file, bad[0], StandardCharsets.UTF_8);
      assertThatThrownBy(() -> FixPlanJson.load(file))
          .isInstanceOf(FixPlanJson.UnreadablePlan.class)
          .hasMessageStartingWith(file + ": ")
          .hasMessageContaining(bad[1])
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
    Path missing = tmp.resolve("missing.json");
    assertThatThrownBy(() -> FixPlanJson.load(missing)).hasMessage(missing + ": no such plan file");
  }
}
