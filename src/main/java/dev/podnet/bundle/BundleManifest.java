package dev.podnet.bundle;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The {@code manifest.json} of a bundle (DESIGN.md section 3): who collected it from where and
 * when, with which podnet, what was collected and what not and why, how it was narrowed, what node
 * files were taken, every request made, and every redaction (never a secret).
 */
public record BundleManifest(
    String podnetVersion,
    Instant collectedAt,
    String server,
    String context,
    List<CollectedFile> collected,
    List<NotCollected> notCollected,
    Narrowing narrowing,
    List<NodeFiles> nodeFiles,
    List<String> requests,
    List<Redaction> redactions) {
  /** The manifest's format version. */
  public static final int SCHEMA_VERSION = 1;

  /**
   * A file written: how many items (or bytes, for node files) and how many API requests it took.
   */
  public record CollectedFile(String file, long items, int requests) {}

  /** A file not written, and why. */
  public record NotCollected(String file, String reason) {}

  /**
   * What {@code --node-files} got from one node: the files written, the node files not written and
   * why (a host command that is absent or failed there, a binary or oversized file), or why the
   * whole node was skipped.
   */
  public record NodeFiles(
      String node, List<String> files, List<NotCollected> notCollected, String skipped) {
    public NodeFiles {
      files = List.copyOf(files);
      notCollected = List.copyOf(notCollected);
    }
  }

  public BundleManifest {
    collected = List.copyOf(collected);
    notCollected = List.copyOf(notCollected);
    nodeFiles = List.copyOf(nodeFiles);
    requests = List.copyOf(requests);
    redactions = List.copyOf(redactions);
  }

  /** The manifest as pretty-printed JSON. */
  public byte[] toJson() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = new JsonFactory().createGenerator(bytes).useDefaultPrettyPrinter()) {
      json.writeStartObject();
      json.writeNumberField("schemaVersion", SCHEMA_VERSION);
      json.writeStringField("podnetVersion", podnetVersion);
      json.writeStringField("collectedAt", collectedAt.toString());
      json.writeObjectFieldStart("source");
      json.writeStringField("kind", "live");
      json.writeStringField("server", server);
      json.writeStringField("context", context);
      json.writeEndObject();
      json.writeArrayFieldStart("collected");
      for (CollectedFile file : collected) {
        json.writeStartObject();
        json.writeStringField("file", file.file());
        json.writeNumberField("items", file.items());
        json.writeNumberField("requests", file.requests());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("notCollected");
      for (NotCollected file : notCollected) {
        json.writeStartObject();
        json.writeStringField("file", file.file());
        json.writeStringField("reason", file.reason());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeObjectFieldStart("narrowing");
      writeStrings(json, "namespaces", narrowing.namespaces().stream().sorted().toList());
      writeStrings(json, "pods", narrowing.pods().stream().sorted().toList());
      writeStrings(json, "nodes", narrowing.nodes().stream().sorted().toList());
      json.writeEndObject();
      json.writeArrayFieldStart("nodeFiles");
      for (NodeFiles node : nodeFiles) {
        json.writeStartObject();
        json.writeStringField("node", node.node());
        writeStrings(json, "files", node.files());
        json.writeArrayFieldStart("notCollected");
        for (NotCollected file : node.notCollected()) {
          json.writeStartObject();
          json.writeStringField("file", file.file());
          json.writeStringField("reason", file.reason());
          json.writeEndObject();
        }
        json.writeEndArray();
        if (node.skipped() != null) {
          json.writeStringField("skipped", node.skipped());
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      writeStrings(json, "requests", requests);
      json.writeArrayFieldStart("redactions");
      for (Redaction redaction : redactions) {
        json.writeStartObject();
        json.writeStringField("file", redaction.file());
        json.writeStringField("location", redaction.location());
        json.writeStringField("kind", redaction.kind());
        json.writeStringField("marker", redaction.marker());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  private static void writeStrings(JsonGenerator json, String field, Collection<String> values)
      throws IOException {
    json.writeArrayFieldStart(field);
    for (String value : values) {
      json.writeString(value);
    }
    json.writeEndArray();
  }
}
