package dev.podnet.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Classifies every message of {@code real-messages.yaml}: messages quoted verbatim from upstream
 * issues, pull requests and docs (each with its URL), plus every message the seeds and the
 * reference notes quote.
 */
class RealMessagesTest {

  /** One corpus entry; {@code plugin} and {@code innermost} are null where not checked. */
  record Entry(String source, String cause, String plugin, String innermost, String message) {}

  private static final CauseCatalog CATALOG = CauseCatalog.load();
  private static final List<Entry> CORPUS = readCorpus();

  static Stream<Arguments> corpus() {
    List<Arguments> arguments = new ArrayList<>();
    for (int i = 0; i < CORPUS.size(); i++) {
      Entry entry = CORPUS.get(i);
      arguments.add(Arguments.of(i + ": " + entry.source(), entry));
    }
    return arguments.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void classifiesAsExpected(String name, Entry entry) {
    Explanation explanation = CATALOG.explain(entry.message());

    assertThat(explanation.cause().id()).as("cause of %s", name).isEqualTo(entry.cause());
    if (entry.plugin() != null) {
      assertThat(explanation.chain().plugin()).as("plugin of %s", name).isEqualTo(entry.plugin());
    }
    if (entry.innermost() != null) {
      assertThat(explanation.chain().innermost())
          .as("innermost of %s", name)
          .isEqualTo(entry.innermost());
    }
  }

  @Test
  void holdsAtLeastSeventyMessagesFromUpstream() {
    long upstream = CORPUS.stream().filter(e -> e.source().startsWith("https://")).count();
    assertThat(upstream).isGreaterThanOrEqualTo(70);
    assertThat(CORPUS)
        .allSatisfy(e -> assertThat(e.source()).matches("(https://|seed:|reference:).+"));
  }

  @Test
  void quotesEverySeedAndBothReferenceNotes() {
    Set<String> sources = new HashSet<>();
    CORPUS.forEach(e -> sources.add(e.source().replaceFirst("#.*$", "")));
    assertThat(sources)
        .contains(
            "seed:000_ad255c36a537ef2e.txt",
            "seed:001_f9ec24a810d3bc3a.txt",
            "seed:002_be78ab55911e9271.txt",
            "reference:cni-config-and-messages.md",
            "reference:ipam-semantics.md");
  }

  @Test
  void everyRuleIsExercisedByARealMessage() {
    Set<String> used = new HashSet<>();
    for (Entry entry : CORPUS) {
      used.add(CATALOG.explain(entry.message()).ruleId());
    }
    for (CatalogRule rule : CATALOG.rules()) {
      assertThat(used).as("rule %s has no corpus message", rule.id()).contains(rule.id());
    }
  }

  @Test
  void coversEveryRootCause() {
    Set<String> causes = new HashSet<>();
    CORPUS.forEach(e -> causes.add(e.cause()));
    for (dev.podnet.model.RootCause cause : dev.podnet.model.RootCause.values()) {
      assertThat(causes).as("no corpus message for %s", cause.id()).contains(cause.id());
    }
  }

  private static List<Entry> readCorpus() {
    try (InputStream in = RealMessagesTest.class.getResourceAsStream("real-messages.yaml")) {
      if (in == null) {
        throw new IllegalStateException("real-messages.yaml is missing");
      }
      List<Map<String, String>> raw =
          new Yaml().load(new InputStreamReader(in, StandardCharsets.UTF_8));
      List<Entry> entries = new ArrayList<>();
      for (Map<String, String> fields : raw) {
        entries.add(
            new Entry(
                fields.get("source"),
                fields.get("cause"),
                fields.get("plugin"),
                fields.get("innermost"),
                fields.get("message")));
      }
      return List.copyOf(entries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
