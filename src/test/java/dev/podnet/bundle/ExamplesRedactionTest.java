package dev.podnet.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The recorded examples hold no secrets, so redaction must leave every object of them exactly as it
 * was: a false positive would change what a second engineer sees, and what diagnose finds.
 */
class ExamplesRedactionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void examplesAreLeftAsTheyAre() throws Exception {
    Redactor redactor = new Redactor(new byte[] {1});
    int objects = 0;
    try (Stream<Path> files = Files.walk(Path.of("examples"))) {
      for (Path file :
          files
              .filter(f -> f.toString().contains("/cluster/") && f.toString().endsWith(".json"))
              .toList()) {
        for (JsonNode item : JSON.readTree(file.toFile()).path("items")) {
          ObjectNode copy = item.deepCopy();
          redactor.redactObject(copy, file.toString());
          assertThat(copy).as(file + " " + item.path("metadata").path("name")).isEqualTo(item);
          objects++;
        }
      }
    }
    assertThat(redactor.redactions()).isEmpty();
    assertThat(objects).isGreaterThan(100);
  }
}
