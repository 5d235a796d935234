package dev.podnet.classify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.podnet.model.RootCause;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The data-driven catalog of known sandbox-failure causes, and the classifier that applies it.
 *
 * <p>The rules live in {@code catalog.json} next to this class, not in code. To explain a message,
 * the catalog parses it into an {@link ErrorChain} and tries its rules against the innermost error
 * first, then outwards layer by layer; the first layer with a match decides. Within a layer the
 * surest rule wins, then the one listed first (so specific rules come before generic ones in the
 * file). A match on the innermost error keeps the rule's confidence; a match on an outer layer is
 * at most {@code MEDIUM}. A message no rule recognises is {@code unknown} with confidence {@code
 * NONE}: podnet shows the innermost error and does not guess.
 *
 * <p>The catalog is JSON read with the Jackson streaming parser because {@code podnet explain} must
 * answer from a cold JVM within half a second; YAML parsers cost three to six times as much
 * start-up time for the same file.
 */
public final class CauseCatalog {

  private static final String BUNDLED = "catalog.json";
  private static final Pattern RULE_ID = Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)*");
  private static final Set<String> RULE_KEYS =
      Set.of(
          "id",
          "cause",
          "source",
          "confidence",
          "patterns",
          "title",
          "explanation",
          "remediation",
          "references");

  private static final List<String> UNKNOWN_REMEDIATION =
      List.of(
          "Read the innermost error above: it is the failing component's own words.",
          "Check the CNI agent pod on the pod's node: kubectl -n kube-system get pods -o wide"
              + " --field-selector spec.nodeName=<node>, then its logs.",
          "Read the runtime and kubelet logs on the node around the event time: journalctl -u"
              + " containerd -u crio -u kubelet --since '15 min ago'.");

  private final List<CatalogRule> rules;
  private final List<CompiledRule> compiled;

  private CauseCatalog(List<CatalogRule> rules) {
    this.rules = List.copyOf(rules);
    List<CompiledRule> compiledRules = new ArrayList<>(rules.size());
    for (CatalogRule rule : rules) {
      compiledRules.add(CompiledRule.of(rule));
    }
    this.compiled = List.copyOf(compiledRules);
  }

  /** The catalog bundled with podnet, read once per JVM. */
  public static CauseCatalog load() {
    return Bundled.CATALOG;
  }

  /**
   * Reads a catalog in the bundled JSON format; {@code name} names it in error messages. A bad
   * catalog gives an {@link IllegalArgumentException} that names the rule and the problem.
   */
  public static CauseCatalog parse(Reader reader, String name) {
    Object document;
    try (JsonParser parser = new JsonFactory().createParser(reader)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new IllegalArgumentException("catalog " + name + ": empty document");
      }
      document = readValue(parser);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "catalog " + name + ": not valid JSON: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("catalog " + name + ": " + e.getMessage(), e);
    }
    return new CauseCatalog(readRules(document, name));
  }

  /** The rules in catalog order. */
  public List<CatalogRule> rules() {
    return rules;
  }

  /** Explains one message; never throws, and {@code null} or empty input is {@code unknown}. */
  public Explanation explain(String message) {
    ErrorChain chain;
    try {
      chain = ErrorChainParser.parse(message);
    } catch (RuntimeException e) {
      // The parser is written not to throw; this is the last line of defence for a CLI and a
      // log scanner that must not die on one strange line.
      chain =
          new ErrorChain(message, List.of(), null, null, null, null, null, null, null, null, "");
    }
    List<String> layers = chain.layers();
    for (int i = layers.size() - 1; i >= 0; i--) {
      String layer = layers.get(i);
      String lower = layer.toLowerCase(Locale.ROOT);
      CompiledRule best = null;
      for (CompiledRule candidate : compiled) {
        if ((best == null
                || candidate.rule.confidence().ordinal() < best.rule.confidence().ordinal())
            && candidate.matches(layer, lower)) {
          best = candidate;
        }
      }
      if (best != null) {
        Confidence confidence = best.rule.confidence();
        if (i < layers.size() - 1) {
          confidence = confidence.atMost(Confidence.MEDIUM);
        }
        CatalogRule rule = best.rule;
        return new Explanation(
            chain,
            rule.cause(),
            confidence,
            rule.id(),
            rule.title(),
            rule.explanation(),
            rule.remediation(),
            rule.references());
      }
    }
    return unknown(chain);
  }

  private static Explanation unknown(ErrorChain chain) {
    String innermost = chain.innermost();
    String explanation =
        innermost.isEmpty()
            ? "The message is empty or holds no error text, so there is nothing to classify."
            : "podnet has no rule for this error and does not guess a cause. The innermost error,"
                + " in the failing component's own words, is: "
                + innermost;
    return new Explanation(
        chain,
        RootCause.UNKNOWN,
        Confidence.NONE,
        RootCause.UNKNOWN.id(),
        "Not recognised",
        explanation,
        UNKNOWN_REMEDIATION,
        List.of());
  }

  // ---------------------------------------------------------------------------------------------
  // Matching

  /** A rule with its patterns lower-cased and compiled once. */
  private record CompiledRule(CatalogRule rule, List<TermMatcher> matchers) {

    static CompiledRule of(CatalogRule rule) {
      List<TermMatcher> matchers = new ArrayList<>();
      for (RulePattern pattern : rule.patterns()) {
        matchers.add(TermMatcher.of(pattern));
      }
      return new CompiledRule(rule, List.copyOf(matchers));
    }

    boolean matches(String layer, String lowerLayer) {
      for (TermMatcher matcher : matchers) {
        if (matcher.matches(layer, lowerLayer)) {
          return true;
        }
      }
      return false;
    }
  }

  /** One compiled {@link RulePattern}. */
  private record TermMatcher(List<String> lowerTerms, Pattern regex) {

    static TermMatcher of(RulePattern pattern) {
      if (pattern.kind() == RulePattern.Kind.REGEX) {
        return new TermMatcher(
            List.of(), Pattern.compile(pattern.terms().get(0), Pattern.CASE_INSENSITIVE));
      }
      List<String> lower = new ArrayList<>();
      for (String term : pattern.terms()) {
        lower.add(term.toLowerCase(Locale.ROOT));
      }
      return new TermMatcher(List.copyOf(lower), null);
    }

    boolean matches(String layer, String lowerLayer) {
      if (regex != null) {
        return regex.matcher(layer).find();
      }
      for (String term : lowerTerms) {
        if (!lowerLayer.contains(term)) {
          return false;
        }
      }
      return true;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** Holds the bundled catalog so that it is read lazily and exactly once. */
  private static final class Bundled {
    static final CauseCatalog CATALOG = read();

    private static CauseCatalog read() {
      try (InputStream in = CauseCatalog.class.getResourceAsStream(BUNDLED)) {
        if (in == null) {
          throw new IllegalStateException("bundled cause catalog " + BUNDLED + " is missing");
        }
        return parse(new InputStreamReader(in, StandardCharsets.UTF_8), BUNDLED);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read bundled cause catalog " + BUNDLED, e);
      }
    }
  }

  /** Reads any JSON value into maps, lists, strings, numbers and booleans. */
  private static Object readValue(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT:
        {
          Map<String, Object> object = new LinkedHashMap<>();
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            parser.nextToken();
            if (object.put(key, readValue(parser)) != null) {
              throw new IllegalArgumentException("duplicate key '" + key + "'");
            }
          }
          return object;
        }
      case START_ARRAY:
        {
          List<Object> array = new ArrayList<>();
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            array.add(readValue(parser));
          }
          return array;
        }
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return parser.getNumberValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      default:
        return null;
    }
  }

  private static List<CatalogRule> readRules(Object document, String name) {
    if (!(document instanceof Map<?, ?> root)) {
      throw new IllegalArgumentException("catalog " + name + ": top level must be an object");
    }
    Object version = root.get("schemaVersion");
    if (!(version instanceof Number number) || number.intValue() != 1) {
      throw new IllegalArgumentException("catalog " + name + ": schemaVersion must be 1");
    }
    if (!(root.get("rules") instanceof List<?> entries) || entries.isEmpty()) {
      throw new IllegalArgumentException("catalog " + name + ": 'rules' must be a non-empty list");
    }
    List<CatalogRule> rules = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int index = 0; index < entries.size(); index++) {
      Object entry = entries.get(index);
      Object rawId = entry instanceof Map<?, ?> object ? object.get("id") : null;
      Where where =
          new Where(name, index + 1, rawId instanceof String text && !text.isBlank() ? text : null);
      if (!(entry instanceof Map<?, ?> fields)) {
        throw where.problem("must be an object");
      }
      CatalogRule rule = readRule(fields, where);
      if (!ids.add(rule.id())) {
        throw where.problem("duplicate id");
      }
      rules.add(rule);
    }
    return rules;
  }

  private static CatalogRule readRule(Map<?, ?> fields, Where where) {
    for (Object key : fields.keySet()) {
      if (!RULE_KEYS.contains(key)) {
        throw where.problem("unknown field '" + key + "'");
      }
    }
    String id = requiredString(fields, "id", where);
    if (!RULE_ID.matcher(id).matches()) {
      throw where.problem("id must be kebab-case");
    }
    String causeId = requiredString(fields, "cause", where);
    RootCause cause;
    try {
      cause = RootCause.fromId(causeId);
    } catch (IllegalArgumentException e) {
      throw where.problem(e.getMessage(), e);
    }
    if (cause == RootCause.UNKNOWN) {
      throw where.problem("a rule cannot assign 'unknown'");
    }
    String confidenceId = requiredString(fields, "confidence", where);
    Confidence confidence;
    try {
      confidence = Confidence.fromId(confidenceId);
    } catch (IllegalArgumentException e) {
      throw where.problem(e.getMessage(), e);
    }
    if (confidence == Confidence.NONE) {
      throw where.problem("confidence must be high, medium or low");
    }
    return new CatalogRule(
        id,
        cause,
        requiredString(fields, "source", where),
        confidence,
        readPatterns(fields.get("patterns"), where),
        requiredString(fields, "title", where),
        requiredString(fields, "explanation", where),
        requiredStrings(fields, "remediation", where),
        requiredStrings(fields, "references", where));
  }

  private static List<RulePattern> readPatterns(Object value, Where where) {
    if (!(value instanceof List<?> entries) || entries.isEmpty()) {
      throw where.problem("'patterns' must be a non-empty list");
    }
    List<RulePattern> patterns = new ArrayList<>();
    for (Object entry : entries) {
      if (entry instanceof String literal) {
        patterns.add(RulePattern.literal(nonBlank(literal, where, "pattern")));
      } else if (entry instanceof Map<?, ?> object && object.size() == 1) {
        if (object.get("regex") instanceof String expression) {
          try {
            Pattern.compile(expression);
          } catch (PatternSyntaxException e) {
            throw where.problem("bad regex '" + expression + "': " + e.getDescription(), e);
          }
          patterns.add(RulePattern.regex(nonBlank(expression, where, "regex")));
        } else if (object.get("all") instanceof List<?> terms && terms.size() >= 2) {
          List<String> literals = new ArrayList<>();
          for (Object term : terms) {
            if (!(term instanceof String literal)) {
              throw where.problem("'all' takes strings only");
            }
            literals.add(nonBlank(literal, where, "'all' term"));
          }
          patterns.add(RulePattern.all(literals));
        } else {
          throw where.problem(
              "a pattern object is {\"regex\": \"...\"} or {\"all\": [two or more]}");
        }
      } else {
        throw where.problem("a pattern is a string, {\"regex\": ...} or {\"all\": [...]}");
      }
    }
    return patterns;
  }

  private static String requiredString(Map<?, ?> fields, String key, Where where) {
    if (!(fields.get(key) instanceof String value)) {
      throw where.problem("'" + key + "' must be a string");
    }
    return nonBlank(value, where, key);
  }

  private static List<String> requiredStrings(Map<?, ?> fields, String key, Where where) {
    if (!(fields.get(key) instanceof List<?> values) || values.isEmpty()) {
      throw where.problem("'" + key + "' must be a non-empty list");
    }
    List<String> strings = new ArrayList<>();
    for (Object value : values) {
      if (!(value instanceof String text)) {
        throw where.problem("'" + key + "' takes strings only");
      }
      strings.add(nonBlank(text, where, key));
    }
    return strings;
  }

  private static String nonBlank(String value, Where where, String what) {
    if (value.isBlank()) {
      throw where.problem(what + " is blank");
    }
    return value;
  }

  /**
   * Where in a catalog a problem is; the message is built only when there is a problem, because
   * string concatenation's first use costs start-up time that {@code podnet explain} cannot spare.
   */
  private record Where(String catalog, int index, String id) {

    IllegalArgumentException problem(String text) {
      return problem(text, null);
    }

    IllegalArgumentException problem(String text, Exception cause) {
      String rule = id != null ? "rule '" + id + "'" : "rule #" + index;
      return new IllegalArgumentException("catalog " + catalog + ": " + rule + ": " + text, cause);
    }
  }
}
