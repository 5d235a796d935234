package dev.podnet.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;

/** Reads what podnet needs from a snapshot's {@code manifest.json}. */
final class Manifest {
  static final String PATH = "manifest.json";
  private static final JsonFactory JSON = new JsonFactory();

  private Manifest() {}

  /** The manifest's top-level {@code collectedAt}, or null when it has none. */
  static String collectedAt(InputStream in, String name) throws SourceException {
    try (JsonParser parser = JSON.createParser(in)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new SourceException(name + ": not a JSON object");
      }
      String collectedAt = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        if ("collectedAt".equals(field)) {
          collectedAt = parser.getValueAsString();
        } else {
          parser.skipChildren();
        }
      }
      return collectedAt;
    } catch (JsonProcessingException e) {
      throw new SourceException(
          name + ": malformed JSON: " + KubeListReader.firstLine(e.getOriginalMessage()), e);
    } catch (IOException e) {
      throw new SourceException(name + ": cannot be read: " + e.getMessage(), e);
    }
  }
}
