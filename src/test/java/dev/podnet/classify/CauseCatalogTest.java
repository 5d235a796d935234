package dev.podnet.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.model.RootCause;
import java.io.StringReader;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The bundled catalog is well-formed, and the matching rules of DESIGN.md section 2 hold. */
class CauseCatalogTest {

  private static final Pattern URL = Pattern.compile("https://\\S+");
  private static final Pattern SENTENCE_END = Pattern.compile("[.!?](\\s|$)");
  private final CauseCatalog catalog = CauseCatalog.load();

  @Test
  void everyRuleIsComplete() {
    assertThat(catalog.rules()).isNotEmpty();
    for (CatalogRule rule : catalog.rules()) {
      assertThat(rule.id()).as("id").matches("[a-z0-9]+(-[a-z0-9]+)*");
      assertThat(rule.cause()).as(rule.id()).isNotEqualTo(RootCause.UNKNOWN);
      assertThat(rule.confidence()).as(rule.id()).isNotEqualTo(Confidence.NONE);
      assertThat(rule.patterns()).as(rule.id()).isNotEmpty();
      assertThat(rule.source()).as(rule.id()).isNotBlank();
      assertThat(rule.title()).as(rule.id()).isNotBlank();
      assertThat(rule.explanation()).as(rule.id()).isNotBlank();
      assertThat(rule.remediation()).as(rule.id()).isNotEmpty();
      assertThat(rule.references())
          .as(rule.id())
          .isNotEmpty()
          .allMatch(r -> URL.matcher(r).matches());
    }
  }

  @Test
  void explanationsAreTwoToFourSentences() {
    for (CatalogRule rule : catalog.rules()) {
      long sentences = SENTENCE_END.matcher(rule.explanation()).results().count();
      assertThat(sentences).as(rule.id() + ": " + rule.explanation()).isBetween(2L, 4L);
    }
  }

  @Test
  void ruleIdsAreUnique() {
    Set<String> ids = new HashSet<>();
    for (CatalogRule rule : catalog.rules()) {
      assertThat(ids.add(rule.id())).as("duplicate id " + rule.id()).isTrue();
    }
  }

  @Test
  void everyRootCauseButUnknownHasARule() {
    Set<RootCause> covered = EnumSet.noneOf(RootCause.class);
    catalog.rules().forEach(rule -> covered.add(rule.cause()));
    Set<RootCause> expected = EnumSet.allOf(RootCause.class);
    expected.remove(RootCause.UNKNOWN);
    assertThat(covered).isEqualTo(expected);
  }

  @Test
  void loadReadsTheBundledCatalogOnce() {
    assertThat(CauseCatalog.load()).isSameAs(catalog);
  }

  @Test
  void theInnermostErrorDecidesOverOuterLayers() {
    // The outer layer names Calico's datastore, the innermost says the pool is empty.
    Explanation explanation =
        catalog.explain(
            "plugin type=\"calico\" failed (add): error getting ClusterInformation: failed to"
                + " delegate add: failed to allocate for range 0: no IP addresses available in range"
                + " set: 10.244.1.1-10.244.1.254");

    assertThat(explanation.cause()).isEqualTo(RootCause.IPAM_EXHAUSTED);
    assertThat(explanation.ruleId()).isEqualTo("host-local-range-exhausted");
    assertThat(explanation.confidence()).isEqualTo(Confidence.HIGH);
  }

  @Test
  void aMatchOnAnOuterLayerIsAtMostMedium() {
    Explanation explanation =
        catalog.explain(
            "add cmd: Error received from AddNetwork gRPC call: rpc error: code = Unavailable desc"
                + " = something nobody has seen");

    assertThat(explanation.cause()).isEqualTo(RootCause.AGENT_NOT_READY);
    assertThat(explanation.confidence()).isEqualTo(Confidence.MEDIUM);
    assertThat(explanation.chain().innermost()).isEqualTo("something nobody has seen");
  }

  @Test
  void aGenericRuleGivesMediumEvenOnTheInnermostError() {
    Explanation explanation = catalog.explain("failed to allocate ip");

    assertThat(explanation.cause()).isEqualTo(RootCause.IPAM_EXHAUSTED);
    assertThat(explanation.confidence()).isEqualTo(Confidence.MEDIUM);
  }

  @Test
  void anUnknownErrorIsShownNotGuessed() {
    Explanation explanation = catalog.explain("plugin type=\"calico\" failed (add): something new");

    assertThat(explanation.cause()).isEqualTo(RootCause.UNKNOWN);
    assertThat(explanation.confidence()).isEqualTo(Confidence.NONE);
    assertThat(explanation.ruleId()).isEqualTo("unknown");
    assertThat(explanation.chain().plugin()).isEqualTo("calico");
    assertThat(explanation.chain().innermost()).isEqualTo("something new");
    assertThat(explanation.explanation()).contains("something new");
    assertThat(explanation.references()).isEmpty();
  }

  @Test
  void nullAndEmptyAreUnknown() {
    assertThat(catalog.explain(null).cause()).isEqualTo(RootCause.UNKNOWN);
    assertThat(catalog.explain("").cause()).isEqualTo(RootCause.UNKNOWN);
    assertThat(catalog.explain("").confidence()).isEqualTo(Confidence.NONE);
  }

  @Test
  void withinOneLayerTheSurerRuleWins() {
    // Both the bridge-setup rule (medium) and the link-exists rule (high) match this text.
    Explanation explanation =
        catalog.explain(
            "failed to set bridge addr: could not add IP address to \"cni0\": file exists");

    assertThat(explanation.ruleId()).isEqualTo("link-already-exists");
    assertThat(explanation.cause()).isEqualTo(RootCause.MTU_OR_INTERFACE);
  }

  @Test
  void withinOneLayerAtEqualConfidenceTheFirstRuleWins() {
    // go-cni: every file was invalid, so the sentinel says "not initialized" though files exist.
    Explanation explanation =
        catalog.explain("no valid networks found in /etc/cni/net.d: cni plugin not initialized");

    assertThat(explanation.cause()).isEqualTo(RootCause.CNI_CONFIG_INVALID);
  }

  @Test
  void parsesASmallCatalogWithEveryPatternKind() {
    CauseCatalog small =
        CauseCatalog.parse(
            new StringReader(
                """
                {"schemaVersion": 1, "rules": [
                  {"id": "weak-hint", "cause": "agent_not_ready", "source": "test",
                   "confidence": "low",
                   "patterns": [{"all": ["agent", "down"]}, {"regex": "^dead \\\\d+$"}, "sleeping"],
                   "title": "t", "explanation": "e. f.", "remediation": ["r"],
                   "references": ["https://example.org/x"]}
                ]}
                """),
            "test");

    assertThat(small.rules()).hasSize(1);
    assertThat(small.rules().get(0).patterns())
        .containsExactly(
            RulePattern.all(List.of("agent", "down")),
            RulePattern.regex("^dead \\d+$"),
            RulePattern.literal("sleeping"));
    assertThat(small.explain("the agent is DOWN").confidence()).isEqualTo(Confidence.LOW);
    assertThat(small.explain("dead 42").cause()).isEqualTo(RootCause.AGENT_NOT_READY);
    assertThat(small.explain("agent").cause()).isEqualTo(RootCause.UNKNOWN);
  }

  @Test
  void badCatalogsNameTheRuleAndTheProblem() {
    assertBad("{\"schemaVersion\": 2, \"rules\": []}", "schemaVersion must be 1");
    assertBad("{\"schemaVersion\": 1, \"rules\": [", "not valid JSON");
    assertBad(
        rule("\"cause\": \"no_such_cause\""), "rule 'r1': unknown root-cause id 'no_such_cause'");
    assertBad(rule("\"cause\": \"unknown\""), "rule 'r1': a rule cannot assign 'unknown'");
    assertBad(rule("\"patterns\": []"), "rule 'r1': 'patterns' must be a non-empty list");
    assertBad(rule("\"patterns\": [{\"regex\": \"(\"}]"), "rule 'r1': bad regex '('");
    assertBad(rule("\"patterns\": [{\"all\": [\"one\"]}]"), "rule 'r1': a pattern object is");
    assertBad(rule("\"remediation\": []"), "rule 'r1': 'remediation' must be a non-empty list");
    assertBad(rule("\"references\": [\" \"]"), "rule 'r1': references is blank");
    assertBad(
        rule("\"confidence\": \"none\""), "rule 'r1': confidence must be high, medium or low");
    assertBad(rule("\"colour\": \"red\""), "rule 'r1': unknown field 'colour'");
    assertBad(rule("\"id\": \"Not_Kebab\""), "rule 'Not_Kebab': id must be kebab-case");
    assertBad(
        "{\"schemaVersion\": 1, \"rules\": [" + ruleBody("") + "," + ruleBody("") + "]}",
        "rule 'r1': duplicate id");
  }

  private static void assertBad(String json, String problem) {
    assertThatThrownBy(() -> CauseCatalog.parse(new StringReader(json), "bad.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("catalog bad.json")
        .hasMessageContaining(problem);
  }

  private static String rule(String override) {
    return "{\"schemaVersion\": 1, \"rules\": [" + ruleBody(override) + "]}";
  }

  /** A valid rule; {@code override} replaces (or adds) one field. */
  private static String ruleBody(String override) {
    String[] fields = {
      "\"id\": \"r1\"",
      "\"cause\": \"ipam_exhausted\"",
      "\"source\": \"test\"",
      "\"confidence\": \"high\"",
      "\"patterns\": [\"x\"]",
      "\"title\": \"t\"",
      "\"explanation\": \"e\"",
      "\"remediation\": [\"r\"]",
      "\"references\": [\"https://example.org\"]"
    };
    StringBuilder body = new StringBuilder("{");
    boolean replaced = false;
    for (String field : fields) {
      String key = field.substring(0, field.indexOf(':'));
      if (!override.isEmpty() && override.startsWith(key + ":")) {
        body.append(override);
        replaced = true;
      } else {
        body.append(field);
      }
      body.append(',');
    }
    if (!override.isEmpty() && !replaced) {
      body.append(override).append(',');
    }
    body.setLength(body.length() - 1);
    return body.append('}').toString();
  }
}
