package dev.podnet.fix;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A PodDisruptionBudget as the Eviction API weighs it: which pods it selects, and how many
 * disruptions its status allows now.
 *
 * @param statusKnown false when the object has no status yet (the disruption controller has not
 *     processed it, or the snapshot left it out): the Eviction API then answers 429
 */
public record DisruptionBudget(
    String namespace,
    String name,
    LabelSelector selector,
    boolean statusKnown,
    int disruptionsAllowed,
    int currentHealthy,
    int desiredHealthy,
    int expectedPods) {

  /** Reads one item of a PodDisruptionBudget list ({@code policy/v1} or {@code v1beta1}). */
  public static DisruptionBudget of(JsonNode item) {
    JsonNode metadata = item.path("metadata");
    JsonNode status = item.path("status");
    boolean v1beta1 = "policy/v1beta1".equals(item.path("apiVersion").asText(null));
    boolean statusKnown = status.has("disruptionsAllowed") || status.has("currentHealthy");
    return new DisruptionBudget(
        metadata.path("namespace").asText(null),
        metadata.path("name").asText(null),
        LabelSelector.of(item.path("spec").path("selector"), !v1beta1),
        statusKnown,
        status.path("disruptionsAllowed").asInt(0),
        status.path("currentHealthy").asInt(0),
        status.path("desiredHealthy").asInt(0),
        status.path("expectedPods").asInt(0));
  }

  /** {@code namespace/name}. */
  public String key() {
    return namespace + "/" + name;
  }

  /** Whether it governs the pod: same namespace, selector matches its labels. */
  public boolean selects(DrainPod pod) {
    return namespace != null && namespace.equals(pod.namespace()) && selector.matches(pod.labels());
  }

  /** Whether an eviction it governs is refused now (429) until its status changes. */
  public boolean blocksNow() {
    return !statusKnown || disruptionsAllowed <= 0;
  }
}
