package dev.podnet.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.podnet.fix.DrainFacts;
import dev.podnet.fix.DrainFactsReader;
import dev.podnet.fix.FixOptions;
import dev.podnet.fix.FixPlan;
import dev.podnet.fix.FixPlanJson;
import dev.podnet.fix.FixPlanner;
import dev.podnet.model.ClusterModel;
import dev.podnet.source.ClusterSource;
import dev.podnet.source.ModelBuilder;
import dev.podnet.source.SnapshotDirectorySource;
import dev.podnet.testing.Golden;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plan of {@code podnet fix node-cidr --all-drifted} for recorded examples in every format,
 * against golden files; JSON and YAML are the document {@link FixPlanJson} saves and loads.
 */
class FixPlanRendererTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/fix");
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-20T10:00:00Z"), ZoneOffset.UTC);

  static FixPlan plan(String example) throws Exception {
    Path dir = Path.of("examples", example);
    FixPlanner.Request request = new FixPlanner.Request(List.of(), true, FixOptions.defaults());
    ClusterModel model;
    try (ClusterSource source = new SnapshotDirectorySource(dir)) {
      model = ModelBuilder.build(source);
    }
    DrainFacts facts;
    try (ClusterSource source = new SnapshotDirectorySource(dir)) {
      facts = DrainFactsReader.read(source, FixPlanner.nodesToDrain(model, request));
    }
    return new FixPlanner(CLOCK).plan(model, facts, request);
  }

  private static String render(FixPlan plan, Format format) throws Exception {
    StringBuilder out = new StringBuilder();
    FixPlanRenderer.render(plan, format, out, false);
    return out.toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cidr-drift", "dual-stack-partial"})
  void goldenOutputs(String example) throws Exception {
    FixPlan plan = plan(example);
    Golden.assertMatches(GOLDEN.resolve(example + ".txt"), render(plan, Format.TABLE));
    Golden.assertMatches(GOLDEN.resolve(example + ".json"), render(plan, Format.JSON));
    Golden.assertMatches(GOLDEN.resolve(example + ".yaml"), render(plan, Format.YAML));
    Golden.assertMatches(GOLDEN.resolve(example + ".md"), render(plan, Format.MARKDOWN));
  }

  @ParameterizedTest
  @ValueSource(strings = {"cidr-drift", "dual-stack-partial", "out-of-cidrs"})
  void jsonAndYamlAreTheSavedDocument(String example) throws Exception {
    FixPlan plan = plan(example);
    String json = render(plan, Format.JSON);
    ObjectMapper mapper = new ObjectMapper();
    assertThat(mapper.readTree(json)).isEqualTo(mapper.readTree(FixPlanJson.toJson(plan)));
    assertThat(FixPlanJson.fromJson(json, "rendered")).isEqualTo(plan);
    assertThat(new ObjectMapper(new YAMLFactory()).readTree(render(plan, Format.YAML)))
        .isEqualTo(mapper.readTree(json));
  }

  @ParameterizedTest
  @ValueSource(strings = {"cidr-drift", "dual-stack-partial"})
  void colourOnlyWhenAsked(String example) throws Exception {
    FixPlan plan = plan(example);
    StringBuilder plain = new StringBuilder();
    FixPlanRenderer.render(plan, Format.TABLE, plain, false);
    assertThat(plain.toString()).doesNotContain("\u001b");
    StringBuilder colour = new StringBuilder();
    FixPlanRenderer.render(plan, Format.TABLE, colour, true);
    assertThat(colour.toString().replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(plain.toString());
  }
}
