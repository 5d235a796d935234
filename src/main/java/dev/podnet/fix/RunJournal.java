package dev.podnet.fix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The journal of one run: {@code <journal-dir>/<RUN>/plan.json} (the plan as applied) and {@code
 * journal.json} (the run's state and every step entry), rewritten whole at every transition through
 * a temporary file, fsync and an atomic rename, so a reader never sees a partial file and a crash
 * loses at most the entry being written.
 */
public final class RunJournal {
  public static final String PLAN_FILE = "plan.json";
  public static final String JOURNAL_FILE = "journal.json";
  public static final int SCHEMA_VERSION = 1;

  /** Where the state of the run stands. */
  public enum State {
    /** Running now, or interrupted (the process died): resume continues it. */
    RUNNING,
    /** Stopped at a failed step or a refused guard: resume retries from there. */
    FAILED,
    /** Every planned node rolled. */
    COMPLETE;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Writes a file's complete new content; the default is {@link #atomicWrite}. */
  @FunctionalInterface
  public interface Writer {
    void write(Path file, byte[] content) throws IOException;
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path directory;
  private final String runId;
  private final FixPlan plan;
  private final Writer writer;
  private final List<JournalEntry> entries;
  private State state;

  private RunJournal(
      Path directory,
      String runId,
      FixPlan plan,
      Writer writer,
      List<JournalEntry> entries,
      State state) {
    this.directory = directory;
    this.runId = runId;
    this.plan = plan;
    this.writer = writer;
    this.entries = new ArrayList<>(entries);
    this.state = state;
  }

  /** The default journal root: {@code $PODNET_JOURNAL_DIR}, else {@code ~/.podnet/runs}. */
  public static Path defaultRoot() {
    String configured = System.getenv("PODNET_JOURNAL_DIR");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return Path.of(System.getProperty("user.home"), ".podnet", "runs");
  }

  /** Starts the journal of a new run: writes the plan, then an empty journal. */
  public static RunJournal create(Path root, String runId, FixPlan plan, Writer writer)
      throws IOException {
    if (!RunId.valid(runId)) {
      throw new IllegalArgumentException("not a run id: " + runId);
    }
    Path directory = root.resolve(runId);
    Files.createDirectories(root);
    Files.createDirectory(directory);
    writer.write(
        directory.resolve(PLAN_FILE),
        FixPlanJson.toJson(plan).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    RunJournal journal = new RunJournal(directory, runId, plan, writer, List.of(), State.RUNNING);
    journal.save();
    return journal;
  }

  /**
   * Reads the journal of a run.
   *
   * @throws JournalException naming the file and what is wrong with it
   */
  public static RunJournal open(Path root, String runId, Writer writer) throws JournalException {
    if (!RunId.valid(runId)) {
      throw new JournalException(
          "'" + runId + "' is not a run id (they look like 20261120-095830-7f3a9c)");
    }
    Path directory = root.resolve(runId);
    Path planFile = directory.resolve(PLAN_FILE);
    Path journalFile = directory.resolve(JOURNAL_FILE);
    if (!Files.isDirectory(directory)) {
      throw new JournalException(directory + ": no journal of run " + runId);
    }
    FixPlan plan;
    try {
      plan = FixPlanJson.load(planFile);
    } catch (FixPlanJson.UnreadablePlan e) {
      throw new JournalException(firstLine(e.getMessage()));
    }
    try {
      JsonNode tree = JSON.readTree(Files.readAllBytes(journalFile));
      if (tree == null || !tree.isObject()) {
        throw new JournalException(journalFile + ": not a JSON object");
      }
      if (tree.path("schemaVersion").asInt() != SCHEMA_VERSION) {
        throw new JournalException(
            journalFile + ": unsupported schemaVersion " + tree.path("schemaVersion"));
      }
      if (!runId.equals(tree.path("runId").asText())) {
        throw new JournalException(
            journalFile + ": belongs to run '" + tree.path("runId").asText() + "'");
      }
      State state = State.valueOf(tree.path("state").asText().toUpperCase(java.util.Locale.ROOT));
      List<JournalEntry> entries = new ArrayList<>();
      for (JsonNode entry : tree.path("entries")) {
        entries.add(entry(entry));
      }
      return new RunJournal(directory, runId, plan, writer, entries, state);
    } catch (NoSuchFileException e) {
      throw new JournalException(journalFile + ": missing");
    } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
      throw new JournalException(journalFile + ": " + firstLine(e.getMessage()));
    }
  }

  public String runId() {
    return runId;
  }

  public FixPlan plan() {
    return plan;
  }

  public Path directory() {
    return directory;
  }

  public State state() {
    return state;
  }

  public List<JournalEntry> entries() {
    return Collections.unmodifiableList(entries);
  }

  /** Appends an entry and writes the journal. */
  public void record(JournalEntry entry) throws IOException {
    entries.add(entry);
    save();
  }

  /** Changes the run state and writes the journal, with the entry that explains it. */
  public void finish(State newState, JournalEntry entry) throws IOException {
    entries.add(entry);
    state = newState;
    save();
  }

  /** Marks the run as running again (a resume), with its entry. */
  public void restart(JournalEntry entry) throws IOException {
    finish(State.RUNNING, entry);
  }

  /** The last entry of a step on a node, if the step ever started. */
  public Optional<JournalEntry> last(String node, StepKind step) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      JournalEntry entry = entries.get(i);
      if (FixPlanJson.stepId(step).equals(entry.step()) && node.equals(entry.node())) {
        return Optional.of(entry);
      }
    }
    return Optional.empty();
  }

  /** Whether the step's last entry on the node says done. */
  public boolean done(String node, StepKind step) {
    return last(node, step).map(e -> JournalEntry.DONE.equals(e.state())).orElse(false);
  }

  /** Whether the step ever started on the node. */
  public boolean started(String node, StepKind step) {
    return last(node, step).isPresent();
  }

  /** The last failure, if any. */
  public Optional<JournalEntry> lastFailure() {
    for (int i = entries.size() - 1; i >= 0; i--) {
      if (JournalEntry.FAILED.equals(entries.get(i).state())) {
        return Optional.of(entries.get(i));
      }
    }
    return Optional.empty();
  }

  private void save() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    root.put("runId", runId);
    root.put("state", state.id());
    ArrayNode list = root.putArray("entries");
    for (JournalEntry entry : entries) {
      ObjectNode item = list.addObject();
      item.put("at", entry.at().toString());
      if (entry.node() != null) {
        item.put("node", entry.node());
      }
      item.put("step", entry.step());
      item.put("state", entry.state());
      item.put("detail", entry.detail());
      if (!entry.facts().isEmpty()) {
        ObjectNode facts = item.putObject("facts");
        entry.facts().forEach(facts::put);
      }
    }
    byte[] content = JSON.writeValueAsBytes(root);
    byte[] withNewline = java.util.Arrays.copyOf(content, content.length + 1);
    withNewline[content.length] = '\n';
    writer.write(directory.resolve(JOURNAL_FILE), withNewline);
  }

  private static JournalEntry entry(JsonNode node) {
    Map<String, String> facts = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.path("facts").fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      facts.put(field.getKey(), field.getValue().asText());
    }
    String state = node.path("state").asText();
    if (!List.of(JournalEntry.STARTED, JournalEntry.DONE, JournalEntry.FAILED).contains(state)) {
      throw new IllegalArgumentException("unknown entry state '" + state + "'");
    }
    return new JournalEntry(
        Instant.parse(node.path("at").asText()),
        node.hasNonNull("node") ? node.get("node").asText() : null,
        node.path("step").asText(),
        state,
        node.path("detail").asText(),
        facts);
  }

  /**
   * Replaces the file with the content or leaves it as it was: a temporary file in the same
   * directory, forced to disk, renamed over the target atomically, then the directory forced.
   */
  public static void atomicWrite(Path file, byte[] content) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Path temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(
            temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(directory + " does not support atomic renames", e);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // some filesystems cannot open a directory for fsync; the rename is still atomic
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
