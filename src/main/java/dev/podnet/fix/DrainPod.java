package dev.podnet.fix;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pod on a node to be drained, reduced to what {@code kubectl drain}'s filters and the
 * PodDisruptionBudgets look at.
 *
 * @param controllerKind the kind of the owner reference marked {@code controller: true}, or null
 *     when the pod declares no controller
 * @param mirror whether it carries {@code kubernetes.io/config.mirror} (a static pod's mirror)
 * @param terminating whether it has a deletion timestamp
 * @param emptyDirVolumes the names of its {@code emptyDir} volumes
 */
public record DrainPod(
    String namespace,
    String name,
    String nodeName,
    String phase,
    Map<String, String> labels,
    String controllerKind,
    String controllerName,
    boolean mirror,
    boolean terminating,
    List<String> emptyDirVolumes) {

  public DrainPod {
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    emptyDirVolumes = List.copyOf(emptyDirVolumes);
  }

  /** Reads one item of a pod list (the fields of {@link DrainFactsReader#POD}). */
  public static DrainPod of(JsonNode item) {
    JsonNode metadata = item.path("metadata");
    String controllerKind = null;
    String controllerName = null;
    for (JsonNode owner : metadata.path("ownerReferences")) {
      if (owner.path("controller").asBoolean(false)) {
        controllerKind = owner.path("kind").asText(null);
        controllerName = owner.path("name").asText(null);
      }
    }
    Map<String, String> labels = new TreeMap<>();
    metadata
        .path("labels")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    List<String> emptyDirs = new ArrayList<>();
    for (JsonNode volume : item.path("spec").path("volumes")) {
      if (volume.has("emptyDir")) {
        emptyDirs.add(volume.path("name").asText());
      }
    }
    JsonNode deletion = metadata.path("deletionTimestamp");
    return new DrainPod(
        metadata.path("namespace").asText(null),
        metadata.path("name").asText(null),
        item.path("spec").path("nodeName").asText(null),
        item.path("status").path("phase").asText(null),
        labels,
        controllerKind,
        controllerName,
        metadata.path("annotations").has("kubernetes.io/config.mirror"),
        !deletion.isMissingNode() && !deletion.isNull(),
        emptyDirs);
  }

  /** {@code namespace/name}. */
  public String key() {
    return namespace + "/" + name;
  }

  /** Succeeded or Failed: deleted by a drain, never rescheduled. */
  public boolean finished() {
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  /** {@code Kind/name} of the controller, or null. */
  public String owner() {
    return controllerKind == null ? null : controllerKind + "/" + controllerName;
  }
}
