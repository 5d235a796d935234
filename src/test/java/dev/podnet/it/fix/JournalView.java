package dev.podnet.it.fix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A run's journal as a test reads it from disk ({@code <journal-dir>/<RUN>/journal.json}): read
 * independently of podnet's own classes, so that a test checks the file format a person and {@code
 * podnet fix status} rely on.
 */
public record JournalView(String runId, String state, List<Entry> entries) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One journal line. */
  public record Entry(
      String node, String step, String state, String detail, Map<String, String> facts) {
    public String key() {
      return (node == null ? "" : node + " ") + step + " " + state;
    }
  }

  /** The single run in a journal directory, if one has started. */
  public static Optional<String> onlyRun(Path journalDir) {
    if (!Files.isDirectory(journalDir)) {
      return Optional.empty();
    }
    try (Stream<Path> runs = Files.list(journalDir)) {
      List<String> ids =
          runs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
      if (ids.size() > 1) {
        throw new AssertionError("more than one run in " + journalDir + ": " + ids);
      }
      return ids.stream().findFirst();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads the journal; empty while it does not exist yet (or is being created). */
  public static Optional<JournalView> read(Path journalDir, String runId) {
    Path file = journalDir.resolve(runId).resolve("journal.json");
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new AssertionError(
          file + " is not readable JSON (a torn write?): " + e.getMessage(), e);
    }
    List<Entry> entries = new ArrayList<>();
    for (JsonNode item : root.path("entries")) {
      Map<String, String> facts = new LinkedHashMap<>();
      item.path("facts")
          .fields()
          .forEachRemaining(f -> facts.put(f.getKey(), f.getValue().asText()));
      entries.add(
          new Entry(
              item.hasNonNull("node") ? item.get("node").asText() : null,
              item.path("step").asText(),
              item.path("state").asText(),
              item.path("detail").asText(),
              facts));
    }
    return Optional.of(
        new JournalView(root.path("runId").asText(), root.path("state").asText(), entries));
  }

  /** Whether the step on the node is journaled done. */
  public boolean done(String node, String step) {
    return entries.stream()
        .anyMatch(e -> node.equals(e.node()) && step.equals(e.step()) && "done".equals(e.state()));
  }

  /** {@code node STEP} of every step journaled done, in order. */
  public List<String> doneSteps() {
    return entries.stream()
        .filter(e -> e.node() != null && "done".equals(e.state()))
        .map(e -> e.node() + " " + e.step())
        .toList();
  }

  /** The last entry, for a failure message. */
  public Optional<Entry> last() {
    return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
  }
}
