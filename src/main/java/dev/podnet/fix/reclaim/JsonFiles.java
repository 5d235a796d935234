package dev.podnet.fix.reclaim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * podnet's own small JSON files (observations, backup manifests): read whole, written atomically (a
 * temporary file in the same directory, flushed to disk, then renamed over the old one), so a crash
 * leaves the old or the new content, never half of one.
 */
final class JsonFiles {
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** podnet's own state files are small; anything bigger is not one of them. */
  static final long MAX_BYTES = 16L << 20;

  private JsonFiles() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Reads a JSON object; the message of the exception names the file. */
  static ObjectNode read(Path file) throws ReclaimException {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new ReclaimException(file + ": too big for a podnet state file");
      }
      JsonNode node = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
      if (!(node instanceof ObjectNode object)) {
        throw new ReclaimException(file + ": not a JSON object");
      }
      return object;
    } catch (JsonProcessingException e) {
      throw new ReclaimException(
          file + ": malformed JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
    } catch (IOException e) {
      throw new ReclaimException(file + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** Writes a JSON object atomically, creating the directory if needed. */
  static void write(Path file, ObjectNode content) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    byte[] bytes = (MAPPER.writeValueAsString(content) + "\n").getBytes(StandardCharsets.UTF_8);
    Path temporary = Files.createTempFile(directory, "." + file.getFileName() + ".", ".tmp");
    try {
      try (FileChannel channel =
          FileChannel.open(
              temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(java.nio.ByteBuffer.wrap(bytes));
        channel.force(true);
      }
      try {
        Files.move(
            temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  static String text(JsonNode node, String field, Path file) throws ReclaimException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new ReclaimException(file + ": field \"" + field + "\" missing or not a string");
    }
    return value.asText();
  }

  static Instant instant(JsonNode node, String field, Path file) throws ReclaimException {
    String text = text(node, field, file);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new ReclaimException(file + ": field \"" + field + "\" is not a time: " + text, e);
    }
  }
}
