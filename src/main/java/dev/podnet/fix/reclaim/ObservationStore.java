package dev.podnet.fix.reclaim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the {@link ObservationLog} of one node in {@code <state-dir>/observations.json}, written
 * atomically.
 */
public final class ObservationStore {
  static final String FILE_NAME = "observations.json";
  static final int SCHEMA_VERSION = 1;

  private final Path file;

  public ObservationStore(Path stateDirectory) {
    this.file = stateDirectory.resolve(FILE_NAME);
  }

  public Path file() {
    return file;
  }

  /**
   * The observations of this node so far, empty before the first run.
   *
   * @throws ReclaimException when the file is unreadable, not podnet's, or of another node
   */
  public ObservationLog load(String node) throws ReclaimException {
    if (!Files.exists(file)) {
      return ObservationLog.empty(node);
    }
    ObjectNode root = JsonFiles.read(file);
    if (root.path("schemaVersion").asInt() != SCHEMA_VERSION) {
      throw new ReclaimException(file + ": not a podnet observation file of schemaVersion 1");
    }
    String recorded = JsonFiles.text(root, "node", file);
    if (!recorded.equals(node)) {
      throw new ReclaimException(
          file
              + ": holds observations of node "
              + recorded
              + ", not "
              + node
              + " (one state directory per node: pass --state-dir)");
    }
    Instant last =
        root.hasNonNull("lastObservation")
            ? JsonFiles.instant(root, "lastObservation", file)
            : null;
    Map<String, Sighting> sightings = new HashMap<>();
    for (JsonNode item : root.path("sightings")) {
      Sighting sighting =
          new Sighting(
              JsonFiles.text(item, "path", file),
              JsonFiles.text(item, "containerId", file),
              JsonFiles.instant(item, "firstSeen", file),
              JsonFiles.instant(item, "lastSeen", file),
              item.path("observations").asInt(1));
      sightings.put(sighting.path(), sighting);
    }
    return new ObservationLog(node, last, sightings);
  }

  /** Writes the log atomically, creating the state directory if needed. */
  public void save(ObservationLog log) throws ReclaimException {
    ObjectNode root = JsonFiles.object();
    root.put("schemaVersion", SCHEMA_VERSION);
    root.put("node", log.node());
    if (log.lastObservation() != null) {
      root.put("lastObservation", log.lastObservation().toString());
    }
    ArrayNode items = root.putArray("sightings");
    for (Sighting sighting : log.sightings().values()) {
      ObjectNode item = items.addObject();
      item.put("path", sighting.path());
      item.put("containerId", sighting.containerId());
      item.put("firstSeen", sighting.firstSeen().toString());
      item.put("lastSeen", sighting.lastSeen().toString());
      item.put("observations", sighting.observations());
    }
    try {
      JsonFiles.write(file, root);
    } catch (IOException e) {
      throw new ReclaimException(
          file + ": cannot write the observations: " + e.getMessage() + " (pass --state-dir)", e);
    }
  }
}
