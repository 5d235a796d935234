package dev.podnet.fix;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link FixPlan} as a JSON file: the same document {@code podnet fix node-cidr -o json} prints
 * ({@code "schemaVersion": 1}), saved atomically (a temporary file beside the target, then a
 * rename) and loaded back equal to what was saved.
 */
public final class FixPlanJson {
  /** The {@code command} field that marks a plan document. */
  public static final String COMMAND = "fix node-cidr";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A plan file that cannot be used; the message is one line that names the file. */
  public static final class UnreadablePlan extends IOException {
    private static final long serialVersionUID = 1L;

    UnreadablePlan(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private FixPlanJson() {}

  /** Writes the plan to {@code file}, replacing it only once the whole plan is on disk. */
  public static void save(FixPlan plan, Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path directory = absolute.getParent();
    Files.createDirectories(directory);
    Path temporary = Files.createTempFile(directory, "." + absolute.getFileName() + ".", ".tmp");
    try {
      Files.writeString(temporary, toJson(plan), StandardCharsets.UTF_8);
      try {
        Files.move(
            temporary,
            absolute,
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Reads a plan file.
   *
   * @throws UnreadablePlan naming the file: missing, unreadable, not JSON, not a plan, another
   *     schema version, or a field missing or malformed
   */
  public static FixPlan load(Path file) throws UnreadablePlan {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UnreadablePlan(file + ": no such plan file", e);
    } catch (IOException e) {
      throw new UnreadablePlan(file + ": cannot be read: " + e.getMessage(), e);
    }
    return fromJson(text, file.toString());
  }

  /** The plan as the JSON text saved and printed, ending with a newline. */
  public static String toJson(FixPlan plan) {
    try {
      return JSON.writeValueAsString(tree(plan)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a plan always serialises", e);
    }
  }

  /**
   * Parses a plan document.
   *
   * @param name the file or stream, for messages
   * @throws UnreadablePlan naming it
   */
  public static FixPlan fromJson(String text, String name) throws UnreadablePlan {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UnreadablePlan(
          name + ": not JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
    }
    if (root == null || !root.isObject()) {
      throw new UnreadablePlan(name + ": not a podnet plan (expected a JSON object)", null);
    }
    if (!COMMAND.equals(root.path("command").asText(null))) {
      throw new UnreadablePlan(
          name + ": not a podnet plan (no \"command\": \"" + COMMAND + "\")", null);
    }
    int version = root.path("schemaVersion").asInt(-1);
    if (version != FixPlan.SCHEMA_VERSION) {
      throw new UnreadablePlan(
          name
              + ": plan schemaVersion "
              + root.path("schemaVersion")
              + ", this podnet reads "
              + FixPlan.SCHEMA_VERSION,
          null);
    }
    try {
      return plan(root);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new UnreadablePlan(name + ": " + e.getMessage(), e);
    }
  }

  private static ObjectNode tree(FixPlan plan) {
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", plan.schemaVersion());
    root.put("command", COMMAND);
    root.put("createdAt", plan.createdAt().toString());
    root.put("source", plan.source());
    strings(root.putArray("clusterCidrs"), plan.clusterCidrs());
    if (plan.clusterCidrSource() != null) {
      root.put("clusterCidrSource", plan.clusterCidrSource());
    }
    ArrayNode masks = root.putArray("nodeMasks");
    plan.nodeMasks().forEach(masks::add);
    FixOptions options = plan.options();
    ObjectNode optionsNode = root.putObject("options");
    optionsNode.put("kubeletRestart", options.kubeletRestart());
    optionsNode.put("restartImage", options.restartImage());
    if (options.canaryImage() != null) {
      optionsNode.put("canaryImage", options.canaryImage());
    }
    optionsNode.put("allowManagedNodes", options.allowManagedNodes());
    optionsNode.put("evictUnreplicated", options.evictUnreplicated());
    optionsNode.put("evictionTimeout", DurationText.format(options.evictionTimeout()));
    optionsNode.put("registerTimeout", DurationText.format(options.registerTimeout()));
    optionsNode.put("cidrTimeout", DurationText.format(options.cidrTimeout()));
    optionsNode.put("readyTimeout", DurationText.format(options.readyTimeout()));
    optionsNode.put("pollInterval", DurationText.format(options.pollInterval()));
    optionsNode.put("leaseDuration", DurationText.format(options.leaseDuration()));
    ArrayNode nodes = root.putArray("nodes");
    for (NodePlan node : plan.nodes()) {
      ObjectNode item = nodes.addObject();
      item.put("node", node.node());
      if (node.uid() != null) {
        item.put("uid", node.uid());
      }
      item.put("cause", node.cause());
      item.put("reason", node.reason());
      strings(item.putArray("currentCidrs"), node.currentCidrs());
      ArrayNode pods = item.putArray("pods");
      for (PlannedEviction pod : node.pods()) {
        ObjectNode podNode = pods.addObject();
        podNode.put("namespace", pod.namespace());
        podNode.put("name", pod.name());
        if (pod.owner() != null) {
          podNode.put("owner", pod.owner());
        }
        podNode.put("action", pod.action());
        podNode.put("reason", pod.reason());
        strings(podNode.putArray("pdbs"), pod.pdbs());
      }
      strings(item.putArray("pdbs"), node.pdbs());
      ArrayNode steps = item.putArray("steps");
      for (FixStep step : node.steps()) {
        ObjectNode stepNode = steps.addObject();
        stepNode.put("kind", stepId(step.kind()));
        stepNode.put("action", step.action());
        if (step.waitsFor() != null) {
          stepNode.put("waitsFor", step.waitsFor());
        }
        stepNode.put("timeout", DurationText.format(step.timeout()));
      }
    }
    ArrayNode refusals = root.putArray("refusals");
    for (Refusal refusal : plan.refusals()) {
      ObjectNode item = refusals.addObject();
      item.put("scope", refusal.scope());
      item.put("id", refusal.id());
      item.put("message", refusal.message());
      if (refusal.override() != null && !refusal.override().isEmpty()) {
        item.put("override", refusal.override());
      }
    }
    strings(root.putArray("notes"), plan.notes());
    return root;
  }

  /** {@code wait-pods-gone} for {@link StepKind#WAIT_PODS_GONE}: the id in every output. */
  public static String stepId(StepKind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static StepKind stepKind(String id) {
    for (StepKind kind : StepKind.values()) {
      if (stepId(kind).equals(id)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown step kind '" + id + "'");
  }

  private static FixPlan plan(JsonNode root) {
    JsonNode options = required(root, "options");
    FixOptions fixOptions =
        new FixOptions(
            text(options, "kubeletRestart"),
            text(options, "restartImage"),
            optionalText(options, "canaryImage"),
            options.path("allowManagedNodes").asBoolean(false),
            duration(options, "evictionTimeout"),
            duration(options, "registerTimeout"),
            duration(options, "cidrTimeout"),
            duration(options, "readyTimeout"),
            duration(options, "pollInterval"),
            duration(options, "leaseDuration"),
            options.path("evictUnreplicated").asBoolean(false));
    List<NodePlan> nodes = new ArrayList<>();
    for (JsonNode node : array(root, "nodes")) {
      List<PlannedEviction> pods = new ArrayList<>();
      for (JsonNode pod : array(node, "pods")) {
        pods.add(
            new PlannedEviction(
                text(pod, "namespace"),
                text(pod, "name"),
                optionalText(pod, "owner"),
                text(pod, "action"),
                text(pod, "reason"),
                strings(pod, "pdbs")));
      }
      List<FixStep> steps = new ArrayList<>();
      for (JsonNode step : array(node, "steps")) {
        steps.add(
            new FixStep(
                stepKind(text(step, "kind")),
                text(step, "action"),
                optionalText(step, "waitsFor"),
                duration(step, "timeout")));
      }
      nodes.add(
          new NodePlan(
              text(node, "node"),
              optionalText(node, "uid"),
              text(node, "cause"),
              text(node, "reason"),
              strings(node, "currentCidrs"),
              pods,
              strings(node, "pdbs"),
              steps));
    }
    List<Refusal> refusals = new ArrayList<>();
    for (JsonNode refusal : array(root, "refusals")) {
      String override = optionalText(refusal, "override");
      refusals.add(
          new Refusal(
              text(refusal, "scope"),
              text(refusal, "id"),
              text(refusal, "message"),
              override == null ? "" : override));
    }
    List<Integer> masks = new ArrayList<>();
    for (JsonNode mask : array(root, "nodeMasks")) {
      if (!mask.isInt()) {
        throw new IllegalArgumentException("nodeMasks holds " + mask + ", not a number");
      }
      masks.add(mask.asInt());
    }
    return new FixPlan(
        root.path("schemaVersion").asInt(),
        Instant.parse(text(root, "createdAt")),
        text(root, "source"),
        strings(root, "clusterCidrs"),
        optionalText(root, "clusterCidrSource"),
        masks,
        fixOptions,
        nodes,
        refusals,
        strings(root, "notes"));
  }

  private static JsonNode required(JsonNode parent, String field) {
    JsonNode value = parent.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("field '" + field + "' is missing");
    }
    return value;
  }

  private static String text(JsonNode parent, String field) {
    JsonNode value = required(parent, field);
    if (!value.isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' is not a string");
    }
    return value.asText();
  }

  private static String optionalText(JsonNode parent, String field) {
    JsonNode value = parent.get(field);
    return value == null || value.isNull() ? null : text(parent, field);
  }

  private static Duration duration(JsonNode parent, String field) {
    return DurationText.parse(text(parent, field));
  }

  private static JsonNode array(JsonNode parent, String field) {
    JsonNode value = required(parent, field);
    if (!value.isArray()) {
      throw new IllegalArgumentException("field '" + field + "' is not an array");
    }
    return value;
  }

  private static List<String> strings(JsonNode parent, String field) {
    List<String> values = new ArrayList<>();
    for (JsonNode value : array(parent, field)) {
      if (!value.isTextual()) {
        throw new IllegalArgumentException(
            "field '" + field + "' holds " + value + ", not a string");
      }
      values.add(value.asText());
    }
    return values;
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
