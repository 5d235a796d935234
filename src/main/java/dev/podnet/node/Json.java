package dev.podnet.node;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the small JSON files of a node (CNI configs, {@code crictl pods -o json}, {@code ip -j
 * addr}) into maps, lists, strings, numbers and booleans, and walks them without casts at every
 * call site.
 */
final class Json {
  private static final JsonFactory FACTORY = new JsonFactory();

  private Json() {}

  /**
   * Parses a whole document; a later duplicate key wins, as in Go's {@code encoding/json}.
   *
   * @throws IOException when the text is not JSON
   */
  static Object parse(String text) throws IOException {
    try (JsonParser parser = FACTORY.createParser(text)) {
      if (parser.nextToken() == null) {
        throw new IOException("empty document");
      }
      Object value = readValue(parser);
      if (parser.nextToken() != null) {
        throw new IOException("content after the top-level value");
      }
      return value;
    }
  }

  private static Object readValue(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT -> {
        Map<String, Object> object = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          parser.nextToken();
          object.put(key, readValue(parser));
        }
        return object;
      }
      case START_ARRAY -> {
        List<Object> array = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(readValue(parser));
        }
        return array;
      }
      case VALUE_STRING -> {
        return parser.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return parser.getNumberValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      default -> {
        return null;
      }
    }
  }

  /** The value as an object, or an empty map. */
  @SuppressWarnings("unchecked") // the parser only ever builds Map<String, Object> for objects
  static Map<String, Object> object(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  /** The value as an array, or an empty list. */
  @SuppressWarnings("unchecked") // the parser only ever builds List<Object> for arrays
  static List<Object> array(Object value) {
    return value instanceof List<?> list ? (List<Object>) list : List.of();
  }

  /** The member as a string, when it is one. */
  static Optional<String> string(Map<String, Object> object, String key) {
    return object.get(key) instanceof String text ? Optional.of(text) : Optional.empty();
  }

  /** The member as a whole number, when it is one (numbers in strings do not count). */
  static Optional<Long> number(Map<String, Object> object, String key) {
    return object.get(key) instanceof Number number
        ? Optional.of(number.longValue())
        : Optional.empty();
  }

  /** The member as a boolean; false when absent or not a boolean. */
  static boolean flag(Map<String, Object> object, String key) {
    return Boolean.TRUE.equals(object.get(key));
  }

  /** Go's name for the JSON kind of a value, as {@code encoding/json} prints it in errors. */
  static String goKind(Object value) {
    if (value instanceof Map<?, ?>) {
      return "object";
    }
    if (value instanceof List<?>) {
      return "array";
    }
    if (value instanceof String) {
      return "string";
    }
    if (value instanceof Number) {
      return "number";
    }
    if (value instanceof Boolean) {
      return "bool";
    }
    return "null";
  }

  /** Go's {@code %T} of a decoded {@code interface{}} value, as libcni prints it in errors. */
  static String goType(Object value) {
    if (value instanceof Map<?, ?>) {
      return "map[string]interface {}";
    }
    if (value instanceof List<?>) {
      return "[]interface {}";
    }
    if (value instanceof String) {
      return "string";
    }
    if (value instanceof Number) {
      return "float64";
    }
    if (value instanceof Boolean) {
      return "bool";
    }
    return "<nil>";
  }
}
