package dev.podnet.fix;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A Kubernetes label selector ({@code matchLabels} and {@code matchExpressions} with {@code In},
 * {@code NotIn}, {@code Exists}, {@code DoesNotExist}), as a PodDisruptionBudget states it.
 *
 * @param matchesNothing true for an absent selector, and for an empty one where the API version
 *     says an empty selector selects nothing ({@code policy/v1beta1})
 */
public record LabelSelector(
    Map<String, String> matchLabels, List<Requirement> expressions, boolean matchesNothing) {

  /** One {@code matchExpressions} entry. */
  public record Requirement(String key, String operator, Set<String> values) {
    public Requirement {
      values = Set.copyOf(values);
    }

    boolean matches(Map<String, String> labels) {
      return switch (operator) {
        case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
        case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
        case "Exists" -> labels.containsKey(key);
        case "DoesNotExist" -> !labels.containsKey(key);
        // the API server rejects other operators; a selector it could not hold selects nothing
        default -> false;
      };
    }
  }

  public LabelSelector {
    matchLabels = java.util.Collections.unmodifiableMap(new TreeMap<>(matchLabels));
    expressions = List.copyOf(expressions);
  }

  /**
   * Reads {@code spec.selector}.
   *
   * @param emptySelectsAll true for {@code policy/v1}, where an empty selector selects every pod of
   *     the namespace; false for {@code policy/v1beta1}, where it selects none
   */
  public static LabelSelector of(JsonNode selector, boolean emptySelectsAll) {
    if (selector == null || selector.isMissingNode() || selector.isNull()) {
      return new LabelSelector(Map.of(), List.of(), true);
    }
    Map<String, String> labels = new TreeMap<>();
    selector
        .path("matchLabels")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    List<Requirement> requirements = new ArrayList<>();
    for (JsonNode expression : selector.path("matchExpressions")) {
      Set<String> values = new TreeSet<>();
      expression.path("values").forEach(v -> values.add(v.asText()));
      requirements.add(
          new Requirement(
              expression.path("key").asText(), expression.path("operator").asText(), values));
    }
    boolean empty = labels.isEmpty() && requirements.isEmpty();
    return new LabelSelector(labels, requirements, empty && !emptySelectsAll);
  }

  /** Whether a pod with these labels is selected. */
  public boolean matches(Map<String, String> labels) {
    if (matchesNothing) {
      return false;
    }
    for (Map.Entry<String, String> wanted : matchLabels.entrySet()) {
      if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
        return false;
      }
    }
    return expressions.stream().allMatch(r -> r.matches(labels));
  }
}
